/**
 * The multi-cluster status page: the same `distributions:list` data as the
 * Distributions view, pivoted. Per cluster, which global resources it holds,
 * through which distribution, and in which state (a Modified target's
 * differences are told apart by resource); per global resource, where it
 * is. Read again every 5 s while shown.
 */
import { useMemo } from 'react';
import type { Distribution, McCluster, Policy, Profile } from '../../../shared/contract/index.js';
import { InlineError } from '../../components/inline-error.js';
import { Spinner } from '../../components/spinner.js';
import { plural } from '../../format.js';
import { useAppStore } from '../../store/store.js';
import { byCluster, byResource, resourceKey, type Holding } from './distribution-model.js';
import { ReadAt, useDistributionData } from './distributions-view.js';
import { DiffTable, SyncStateChip } from './sync-state.js';

const NO_DISTRIBUTIONS: Distribution[] = [];
const NO_CLUSTERS: McCluster[] = [];
const NO_PROFILES: Profile[] = [];
const NO_POLICIES: Policy[] = [];

export function StatusView({ primaryId }: { primaryId: string }) {
  const distributions = useAppStore((s) => s.distributionsByPrimary[primaryId] ?? NO_DISTRIBUTIONS);
  const loaded = useAppStore((s) => primaryId in s.distributionsByPrimary);
  const error = useAppStore((s) => s.distributionsError);
  const clusters = useAppStore((s) => s.mcClusters[primaryId] ?? NO_CLUSTERS);
  const profiles = useAppStore((s) => s.profilesByPrimary[primaryId] ?? NO_PROFILES);
  const policies = useAppStore((s) => s.policiesByPrimary[primaryId] ?? NO_POLICIES);
  const setMcView = useAppStore((s) => s.setMcView);
  useDistributionData(primaryId);

  const perCluster = useMemo(() => byCluster(distributions, clusters.map((c) => c.name)), [distributions, clusters]);
  const perResource = useMemo(() => byResource(distributions, profiles, policies), [distributions, profiles, policies]);
  const typeOf = (name: string) => clusters.find((c) => c.name === name)?.type;

  return (
    <div className="global-view status" data-testid="status-view">
      <div className="view-toolbar">
        <p className="muted">
          What every cluster holds of the global resources, as Flotilla reads it on the cluster itself ({plural(distributions.length, 'distribution')}).
        </p>
        <span className="toolbar-spacer" />
        <ReadAt primaryId={primaryId} testId="status" />
      </div>
      <InlineError error={error} testId="status-error" />
      {!loaded && !error && (
        <p className="muted">
          <Spinner /> Reading the distributions and their targets…
        </p>
      )}
      {loaded && (
        <>
          <section className="status-section">
            <h2 className="panel-title">By cluster</h2>
            <div className="data-frame">
              <table className="data-table status-table" data-testid="status-by-cluster">
                <thead>
                  <tr>
                    <th>Cluster</th>
                    <th>State</th>
                    <th>Global resources it holds</th>
                  </tr>
                </thead>
                <tbody>
                  {perCluster.map((c) => (
                    <tr key={c.cluster} data-testid="status-cluster" data-name={c.cluster} data-state={c.state ?? 'none'}>
                      <td className="nowrap">
                        <span className="cell-primary mono">{c.cluster}</span> {typeOf(c.cluster) === 'primary' && <span className="role role--primary">Primary</span>}
                        {!typeOf(c.cluster) && <div className="cell-secondary">not a Cluster on the primary</div>}
                      </td>
                      <td>{c.state ? <SyncStateChip state={c.state} /> : <span className="muted">—</span>}</td>
                      <td>
                        {c.holdings.length === 0 ? (
                          <span className="muted">Nothing distributed to it.</span>
                        ) : (
                          <ul className="holdings">
                            {c.holdings.map((h) => (
                              <HoldingLine key={`${resourceKey(h.resource)}|${h.distribution}`} holding={h} label={resourceKey(h.resource)} />
                            ))}
                          </ul>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section className="status-section">
            <h2 className="panel-title">By global resource</h2>
            {perResource.length === 0 ? (
              <p className="empty-note" data-testid="status-no-resources">
                No global profile or policy on this primary yet.{' '}
                <button type="button" className="btn-link" onClick={() => setMcView('profiles')}>
                  Create a profile
                </button>
              </p>
            ) : (
              <div className="data-frame">
                <table className="data-table status-table" data-testid="status-by-resource">
                  <thead>
                    <tr>
                      <th>Resource</th>
                      <th>State</th>
                      <th>Where it is</th>
                    </tr>
                  </thead>
                  <tbody>
                    {perResource.map((r) => (
                      <tr key={resourceKey(r.resource)} data-testid="status-resource" data-resource={resourceKey(r.resource)} data-state={r.state ?? 'none'}>
                        <td className="nowrap">
                          <span className="muted">{r.resource.kind === 'Profile' ? 'Profile' : 'Policy'}</span> <span className="cell-primary mono">{r.resource.name}</span>
                        </td>
                        <td>{r.state ? <SyncStateChip state={r.state} /> : <span className="muted">—</span>}</td>
                        <td>
                          {r.places.length === 0 ? (
                            <span className="muted">On the primary only: no distribution sends it.</span>
                          ) : (
                            <ul className="holdings">
                              {r.places.map((h) => (
                                <HoldingLine key={`${h.cluster}|${h.distribution}`} holding={h} label={h.cluster} testId="status-resource-cluster" />
                              ))}
                            </ul>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </div>
  );
}

function HoldingLine({ holding: h, label, testId = 'status-holding' }: { holding: Holding; label: string; testId?: string }) {
  return (
    <li className="holding" data-testid={testId} data-resource={resourceKey(h.resource)} data-cluster={h.cluster} data-distribution={h.distribution} data-state={h.state}>
      <div className="holding-line">
        <SyncStateChip state={h.state} />
        <span className="mono">{label}</span>
        <span className="muted">via {h.distribution}</span>
      </div>
      {h.state !== 'synced' && h.message && <p className={h.state === 'failed' || h.state === 'unreachable' ? 'cell-error-text' : 'sync-message'}>{h.message}</p>}
      {h.diff && h.diff.length > 0 && <DiffTable diff={h.diff} testId="status-diff" />}
    </li>
  );
}
