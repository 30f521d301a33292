/**
 * Promote a standalone cluster to multi-cluster primary: its name on the
 * primary and its K10 ingress URL (pre-filled from what main found), both
 * checked live by main; the manifests and Helm flags that do the same by
 * hand; then the run, step by step, and what came of it. A cluster that
 * cannot be promoted says why, and the action stays disabled.
 */
import { useId, useState, type FormEvent } from 'react';
import { CodeBlock } from '../../components/code-block.js';
import { CheckIcon, CrownIcon } from '../../components/icons.js';
import { InlineError, InlineWarning } from '../../components/inline-error.js';
import { ScreenHeader } from '../../components/screen-header.js';
import { Spinner } from '../../components/spinner.js';
import { StepList } from '../../components/step-list.js';
import { operationKey } from '../../store/operations.slice.js';
import { useAppStore } from '../../store/store.js';

type CodeView = 'yaml' | 'helm';

export function PromoteScreen() {
  const clusterId = useAppStore((s) => s.promoteClusterId);
  const row = useAppStore((s) => (s.promoteClusterId ? s.rowsById[s.promoteClusterId] : undefined));
  const plan = useAppStore((s) => s.promotePlan);
  const planLoading = useAppStore((s) => s.promotePlanLoading);
  const planError = useAppStore((s) => s.promotePlanError);
  const name = useAppStore((s) => s.promoteName);
  const url = useAppStore((s) => s.promoteUrl);
  const rendered = useAppStore((s) => s.promoteRender);
  const running = useAppStore((s) => s.promoteRunning);
  const result = useAppStore((s) => s.promoteResult);
  const error = useAppStore((s) => s.promoteError);
  const run = useAppStore((s) => (s.promoteClusterId ? s.operations[operationKey('promote', s.promoteClusterId)] : undefined));
  const setName = useAppStore((s) => s.setPromoteName);
  const setUrl = useAppStore((s) => s.setPromoteUrl);
  const runPromote = useAppStore((s) => s.runPromote);
  const showScreen = useAppStore((s) => s.showScreen);
  const openMulticluster = useAppStore((s) => s.openMulticluster);
  const openPromote = useAppStore((s) => s.openPromote);
  const [codeView, setCodeView] = useState<CodeView | null>(null);
  const id = useId();

  const clusterName = row?.name ?? clusterId ?? '';
  const problems = rendered?.problems ?? [];
  const refusal = plan?.refusal;
  const canRun = !!plan && !refusal && !running && !result && problems.length === 0 && name.trim() !== '' && url.trim() !== '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (canRun) void runPromote();
  };

  return (
    <div className="screen promote-screen" data-testid="promote-screen" data-cluster={clusterName} data-state={result ? 'done' : running ? 'running' : error ? 'failed' : 'editing'}>
      <ScreenHeader title={`Promote ${clusterName} to primary`} subtitle="It becomes the Kasten multi-cluster primary: secondaries join it, and it distributes global profiles and policies." onBack={() => showScreen('fleet')} />

      {planLoading && (
        <p className="muted" data-testid="promote-loading">
          <Spinner /> Reading {clusterName}…
        </p>
      )}
      {planError && (
        <div className="screen-block">
          <InlineError error={planError} testId="promote-plan-error" />
          <div>
            <button type="button" className="btn" onClick={() => clusterId && void openPromote(clusterId)}>
              Try again
            </button>
          </div>
        </div>
      )}

      {plan && (
        <div className="promote-layout">
          <form className="panel promote-form" onSubmit={submit} aria-labelledby={`${id}-form-title`}>
            <h2 id={`${id}-form-title`} className="panel-title">
              The primary
            </h2>
            {refusal && (
              <div className="callout callout--error" role="alert" data-testid="promote-refusal">
                <CrownIcon />
                <div>
                  <strong>{clusterName} cannot be promoted.</strong> {refusal}
                </div>
              </div>
            )}

            <div className="form-field">
              <label htmlFor={`${id}-name`}>Name on the primary</label>
              <input
                id={`${id}-name`}
                className="input input-mono"
                value={name}
                onChange={(e) => setName(e.target.value)}
                disabled={!!refusal || running || !!result}
                spellCheck={false}
                autoComplete="off"
                maxLength={253}
                data-testid="promote-name"
              />
              <p className="field-hint">Lowercase letters, digits, “-” and “.”. Secondaries and Kasten’s dashboard show it.</p>
            </div>

            <div className="form-field">
              <label htmlFor={`${id}-url`}>K10 ingress URL</label>
              <input
                id={`${id}-url`}
                className="input input-mono"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                disabled={!!refusal || running || !!result}
                spellCheck={false}
                autoComplete="off"
                placeholder="https://k10.example.com/k10"
                maxLength={2048}
                data-testid="promote-url"
              />
              <UrlHint planUrl={plan.ingress.url} source={plan.ingress.source} onUse={setUrl} />
              <UrlCheckLine />
            </div>

            {problems.length > 0 && (
              <ul className="problems-list" aria-live="polite" data-testid="promote-problems">
                {problems.map((p) => (
                  <li key={p} className="problem problem--error" data-testid="promote-problem">
                    {p}
                  </li>
                ))}
              </ul>
            )}

            <div className="form-actions">
              <div className="segmented" role="group" aria-label="Show what promotion writes">
                <button type="button" className="segment" aria-pressed={codeView === 'yaml'} onClick={() => setCodeView(codeView === 'yaml' ? null : 'yaml')} disabled={!rendered} data-testid="promote-show-yaml">
                  Show as YAML
                </button>
                <button type="button" className="segment" aria-pressed={codeView === 'helm'} onClick={() => setCodeView(codeView === 'helm' ? null : 'helm')} disabled={!rendered} data-testid="promote-show-helm">
                  Show as Helm
                </button>
              </div>
              <span className="toolbar-spacer" />
              <button type="submit" className="btn btn-primary" disabled={!canRun} data-testid="promote-run">
                {running && <Spinner label="Promoting" />}
                {running ? 'Promoting…' : 'Promote'}
              </button>
            </div>

            {run && <StepList steps={run.steps} testId="promote-steps" label="Promotion steps" />}
            <InlineError error={error} testId="promote-error" />
            {result && (
              <div className="result-box" data-testid="promote-result">
                <div className="result-title">
                  <CheckIcon /> {clusterName} is the primary “{result.primaryName}”
                </div>
                <dl className="result-fields">
                  <dt>Ingress</dt>
                  <dd className="mono">{result.ingressUrl}</dd>
                  {result.id && (
                    <>
                      <dt>Cluster id</dt>
                      <dd className="mono">{result.id}</dd>
                    </>
                  )}
                </dl>
                {result.warning && <InlineWarning testId="promote-warning">{result.warning}</InlineWarning>}
                <div className="form-actions">
                  <button type="button" className="btn btn-primary" onClick={() => clusterId && openMulticluster(clusterId, 'tokens')} data-testid="promote-open-tokens">
                    Manage join tokens
                  </button>
                  <button type="button" className="btn" onClick={() => clusterId && openMulticluster(clusterId, 'join')} data-testid="promote-open-join">
                    Join clusters
                  </button>
                </div>
              </div>
            )}
          </form>

          {codeView && rendered && (
            <div className="promote-code">
              <CodeBlock
                text={codeView === 'yaml' ? rendered.yaml : rendered.helm}
                label={codeView === 'yaml' ? 'kubectl apply -f - (namespace and Bootstrap)' : 'helm upgrade (the same through K10’s chart)'}
                testId="promote-code"
              />
              <p className="field-hint">Flotilla writes the same objects when you press Promote; use this to do it by hand or in Git.</p>
            </div>
          )}
        </div>
      )}
    </div>
  );
}

/** Where the URL came from ("found in Ingress kasten-io/k10"), or the found one to put back. */
function UrlHint({ planUrl, source, onUse }: { planUrl?: string; source?: string; onUse(url: string): void }) {
  const url = useAppStore((s) => s.promoteUrl);
  if (!planUrl) return <p className="field-hint">Flotilla found no K10 ingress on this cluster: type the URL secondaries will reach K10 at.</p>;
  if (url.trim() === planUrl)
    return (
      <p className="field-hint" data-testid="promote-url-source">
        Found in {source ?? 'the cluster'}.
      </p>
    );
  return (
    <p className="field-hint" data-testid="promote-url-source">
      Found <span className="mono">{planUrl}</span> in {source ?? 'the cluster'}.{' '}
      <button type="button" className="btn-link" onClick={() => onUse(planUrl)} data-testid="promote-url-use-found">
        Use it
      </button>
    </p>
  );
}

/** The reachability check: a warning when this workstation cannot reach the URL, never a refusal. */
function UrlCheckLine() {
  const url = useAppStore((s) => s.promoteUrl.trim());
  const check = useAppStore((s) => s.urlCheck);
  const checking = useAppStore((s) => s.checkingUrl);
  if (checking)
    return (
      <p className="field-hint" data-testid="promote-url-check" data-state="checking">
        <Spinner /> Checking whether this workstation reaches it…
      </p>
    );
  if (!check || check.url !== url || !check.valid) return null;
  if (check.reachable === false)
    return (
      <div className="url-check url-check--warn" data-testid="promote-url-check" data-state="unreachable">
        <InlineWarning>
          {check.message ?? 'Not reachable from this workstation.'} Secondaries dial this URL, not Flotilla: you can still promote.
        </InlineWarning>
      </div>
    );
  return (
    <p className="field-hint field-hint--ok" data-testid="promote-url-check" data-state={check.reachable ? 'reachable' : 'unknown'}>
      {check.reachable ? 'Reachable from this workstation.' : (check.message ?? '')}
    </p>
  );
}
