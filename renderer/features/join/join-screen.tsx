/**
 * Join one cluster to a primary, from the cluster's side: bring the token
 * (pasted, a handoff file, a QR image) and confirm its fingerprint with the
 * primary's administrator; name the cluster on the primary and give its K10
 * ingress; Connect. The join is followed live to joined, or rejected with
 * Kasten's reason (then "Start over" clears the join objects).
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { JoinOutcome } from '../../../shared/contract/index.js';
import { AlertIcon, CheckIcon, KeyIcon } from '../../components/icons.js';
import { InlineError, InlineWarning } from '../../components/inline-error.js';
import { ScreenHeader } from '../../components/screen-header.js';
import { Spinner } from '../../components/spinner.js';
import { StepList } from '../../components/step-list.js';
import { operationKey } from '../../store/operations.slice.js';
import { useAppStore } from '../../store/store.js';
import { JOIN_PROGRESS_LABELS, JOIN_STAGES, joinTone } from './join-model.js';
import { TokenSourcePicker } from './token-source.js';

export function JoinScreen() {
  const clusterId = useAppStore((s) => s.joinClusterId);
  const row = useAppStore((s) => (s.joinClusterId ? s.rowsById[s.joinClusterId] : undefined));
  const plan = useAppStore((s) => s.joinPlan);
  const planLoading = useAppStore((s) => s.joinPlanLoading);
  const planError = useAppStore((s) => s.joinPlanError);
  const held = useAppStore((s) => s.heldToken);
  const running = useAppStore((s) => s.joinRunning);
  const progress = useAppStore((s) => s.joinProgress);
  const joinError = useAppStore((s) => s.joinError);
  const showScreen = useAppStore((s) => s.showScreen);
  const loadJoinPlan = useAppStore((s) => s.loadJoinPlan);
  const forgetHeldToken = useAppStore((s) => s.forgetHeldToken);
  const startJoin = useAppStore((s) => s.startJoin);
  const [name, setName] = useState('');
  const [ingress, setIngress] = useState('');
  const [primaryIngress, setPrimaryIngress] = useState('');
  const id = useId();

  // The plan's suggestions fill the fields once, when it arrives.
  useEffect(() => {
    if (!plan) return;
    setName(plan.suggestedName);
    setIngress(plan.ingress.url ?? '');
  }, [plan]);

  const clusterName = row?.name ?? clusterId ?? '';
  const refusal = plan?.refusal;
  const joined = progress?.state === 'joined';
  const canConnect = !!plan && !refusal && !!held && !running && !joined && name.trim() !== '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (canConnect) void startJoin({ name, ingressUrl: ingress, primaryIngress });
  };

  return (
    <div className="screen join-screen" data-testid="join-screen" data-cluster={clusterName} data-state={progress?.state ?? (running ? 'starting' : 'editing')}>
      <ScreenHeader title={`Join ${clusterName} to a primary`} subtitle="It becomes a secondary: the primary distributes global profiles and policies to it." onBack={() => showScreen('fleet')} />

      {planLoading && !plan && (
        <p className="muted">
          <Spinner /> Reading {clusterName}…
        </p>
      )}
      {planError && (
        <div className="screen-block">
          <InlineError error={planError} testId="join-plan-error" />
          <div>
            <button type="button" className="btn" onClick={() => clusterId && void loadJoinPlan(clusterId)}>
              Try again
            </button>
          </div>
        </div>
      )}

      {plan && (
        <div className="join-layout">
          {refusal && (
            <div className="callout callout--error" role="alert" data-testid="join-refusal">
              <AlertIcon />
              <div>
                <strong>{clusterName} cannot join.</strong> {refusal}
              </div>
            </div>
          )}
          {plan.current && !progress && !running && <CurrentJoin clusterId={plan.clusterId} state={plan.current.state} message={plan.current.message} />}

          <section className="panel" aria-labelledby={`${id}-token-title`}>
            <h2 id={`${id}-token-title`} className="panel-title">
              <span className="step-number">1</span> The join token
            </h2>
            {held ? (
              <div className="held-token" data-testid="join-held">
                <div className="held-token-line">
                  <KeyIcon />
                  <span>
                    Token loaded. Confirm with the primary’s administrator that theirs has the fingerprint{' '}
                    <strong className="fingerprint mono" data-testid="join-held-fingerprint">
                      {held.fingerprint}
                    </strong>
                  </span>
                </div>
                <dl className="result-fields">
                  {held.primaryName && (
                    <>
                      <dt>Primary</dt>
                      <dd data-testid="join-held-primary">{held.primaryName}</dd>
                    </>
                  )}
                  {held.primaryIngress && (
                    <>
                      <dt>Primary’s ingress</dt>
                      <dd className="mono" data-testid="join-held-ingress">
                        {held.primaryIngress}
                      </dd>
                    </>
                  )}
                  {held.expiresAt && (
                    <>
                      <dt>Handoff expires</dt>
                      <dd data-testid="join-held-expires">{new Date(held.expiresAt).toLocaleString()}</dd>
                    </>
                  )}
                </dl>
                {!running && !joined && (
                  <button type="button" className="btn btn-small" onClick={forgetHeldToken} data-testid="join-token-forget">
                    Use another token
                  </button>
                )}
              </div>
            ) : (
              <TokenSourcePicker disabled={!!refusal} />
            )}
          </section>

          <form className="panel" onSubmit={submit} aria-labelledby={`${id}-cluster-title`}>
            <h2 id={`${id}-cluster-title`} className="panel-title">
              <span className="step-number">2</span> {clusterName} on the primary
            </h2>
            <div className="form-field">
              <label htmlFor={`${id}-name`}>Its name on the primary</label>
              <input id={`${id}-name`} className="input input-mono" value={name} onChange={(e) => setName(e.target.value)} disabled={!!refusal || running || joined} spellCheck={false} autoComplete="off" maxLength={253} data-testid="join-name" />
              <p className="field-hint">Lowercase letters, digits, “-” and “.”; unique among the primary’s clusters. Distributions and permissions name it so.</p>
            </div>
            <div className="form-field">
              <div className="field-row">
                <label htmlFor={`${id}-ingress`}>Its K10 ingress URL</label>
                <button type="button" className="btn btn-small" onClick={() => setIngress(plan.ingress.url ?? '')} disabled={!plan.ingress.url || !!refusal || running || joined} data-testid="join-use-current">
                  Use current
                </button>
              </div>
              <input id={`${id}-ingress`} className="input input-mono" value={ingress} onChange={(e) => setIngress(e.target.value)} disabled={!!refusal || running || joined} spellCheck={false} autoComplete="off" placeholder="https://k10.cluster.example.com/k10" maxLength={2048} data-testid="join-ingress" />
              <p className="field-hint" data-testid="join-ingress-source">
                {plan.ingress.url ? `Found ${plan.ingress.url} in ${plan.ingress.source ?? 'the cluster'}.` : 'Flotilla found no K10 ingress on this cluster.'} Without it the primary’s dashboard cannot open this cluster’s.
              </p>
            </div>
            <details className="advanced" data-testid="join-advanced">
              <summary>Advanced</summary>
              <div className="form-field">
                <label htmlFor={`${id}-primary`}>Primary’s ingress URL (override)</label>
                <input id={`${id}-primary`} className="input input-mono" value={primaryIngress} onChange={(e) => setPrimaryIngress(e.target.value)} disabled={!!refusal || running || joined} spellCheck={false} autoComplete="off" placeholder={held?.primaryIngress ?? 'the URL in the token'} maxLength={2048} data-testid="join-primary-ingress" />
                <p className="field-hint">Only when this cluster reaches the primary at another address than the one in the token.</p>
              </div>
            </details>
            <div className="form-actions">
              {!held && <span className="field-hint">Load the token first.</span>}
              <span className="toolbar-spacer" />
              <button type="submit" className="btn btn-primary" disabled={!canConnect} data-testid="join-connect">
                {running && <Spinner label="Joining" />}
                {running ? 'Connecting…' : 'Connect'}
              </button>
            </div>
            <JoinProgressView clusterId={clusterId} progress={progress} running={running} />
            <InlineError error={joinError} testId="join-error" />
          </form>
        </div>
      )}
    </div>
  );
}

/** A join already under way or finished on this cluster (mc-join-status), with "Start over". */
function CurrentJoin({ clusterId, state, message }: { clusterId: string; state: string; message?: string }) {
  return (
    <div className={state === 'rejected' ? 'callout callout--error' : 'callout callout--warning'} data-testid="join-current" data-state={state}>
      <AlertIcon />
      <div className="callout-body">
        <div>
          {state === 'rejected' ? 'The last join of this cluster was rejected' : state === 'joining' ? 'A join of this cluster is under way' : `mc-join-status says “${state}”`}
          {message ? `: ${message}` : '.'}
        </div>
        <StartOver clusterId={clusterId} />
      </div>
    </div>
  );
}

function StartOver({ clusterId }: { clusterId: string }) {
  const resetJoin = useAppStore((s) => s.resetJoin);
  const resetting = useAppStore((s) => s.resettingJoin);
  const run = useAppStore((s) => s.operations[operationKey('join-reset', clusterId)]);
  return (
    <div className="start-over">
      <button type="button" className="btn btn-small" onClick={() => void resetJoin(clusterId)} disabled={resetting} data-testid="join-start-over">
        {resetting && <Spinner label="Starting over" />}
        Start over
      </button>
      <span className="field-hint">Deletes mc-join, mc-join-config and mc-join-status on this cluster; nothing changes on the primary.</span>
      {run && run.state !== 'done' && <StepList steps={run.steps} testId="join-reset-steps" />}
    </div>
  );
}

/** The join's stages (writing → joining → joined) and where it stands, or how it ended. */
function JoinProgressView({ clusterId, progress, running }: { clusterId: string | null; progress: JoinOutcome | null; running: boolean }) {
  if (!progress && !running) return null;
  const state = progress?.state ?? 'writing';
  const tone = joinTone(state);
  // Where it stopped: a rejection or a timeout came while joining; a failure or refusal, before or while writing.
  const stopped = state === 'rejected' || state === 'timeout' ? 1 : state === 'failed' || state === 'refused' ? 0 : -1;
  const stage = stopped >= 0 ? stopped : JOIN_STAGES.indexOf(state as (typeof JOIN_STAGES)[number]);
  return (
    <div className={`join-progress join-progress--${tone}`} aria-live="polite" data-testid="join-progress" data-state={progress?.state ?? 'starting'}>
      <ol className="stages">
        {JOIN_STAGES.map((s, i) => {
          const done = stage > i || state === 'joined';
          const current = stage === i && state !== 'joined';
          const halted = current && stopped >= 0;
          return (
            <li key={s} className={done ? 'is-done' : halted ? `is-halted is-halted--${tone}` : current ? 'is-current' : undefined}>
              <span className="stage-dot">{done ? <CheckIcon /> : halted ? <AlertIcon /> : current ? <Spinner label={JOIN_PROGRESS_LABELS[s]} /> : null}</span>
              {JOIN_PROGRESS_LABELS[s]}
            </li>
          );
        })}
      </ol>
      {tone !== 'busy' && tone !== 'ok' && (
        <div className="join-progress-end">
          <strong>{JOIN_PROGRESS_LABELS[state]}</strong>
        </div>
      )}
      {progress?.message && state !== 'joined' && (
        <p className="join-progress-message" data-testid="join-progress-message">
          {progress.message}
        </p>
      )}
      {state === 'joined' && <Joined name={progress?.cluster ?? ''} joinName={progress?.joinName} />}
      {state === 'timeout' && <InlineWarning>K10 keeps trying on its own; the fleet view shows when it has joined.</InlineWarning>}
      {(state === 'rejected' || state === 'failed') && clusterId && <StartOver clusterId={clusterId} />}
    </div>
  );
}

function Joined({ name, joinName }: { name: string; joinName?: string }) {
  const showScreen = useAppStore((s) => s.showScreen);
  return (
    <div className="join-progress-done">
      <p className="join-progress-ok" data-testid="join-joined">
        <CheckIcon /> {name} joined{joinName ? ` as “${joinName}”` : ''}. It is a secondary now; the fleet view shows it so within seconds.
      </p>
      <button type="button" className="btn btn-small" onClick={() => showScreen('fleet')} data-testid="join-back-fleet">
        Back to the fleet
      </button>
    </div>
  );
}
