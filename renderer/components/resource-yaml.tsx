/**
 * "Show as YAML" for a global profile, policy or distribution, under the
 * list it was opened from: main's YAML with secret values redacted, to read
 * or copy. A profile's panel has "Reveal secret values": after a
 * confirmation, main sends the YAML with the S3 keys, which is shown only
 * while the revealed slice holds it (30 s, Hide, any view change, the
 * window hidden) and has no Copy button. Leaving the view closes the panel.
 */
import { useEffect, useRef, useState } from 'react';
import { useAppStore } from '../store/store.js';
import { yamlRevealPurpose } from '../store/revealed.slice.js';
import type { ResourceKind } from '../store/resources.slice.js';
import { CodeBlock } from './code-block.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { CloseIcon, EyeIcon, EyeOffIcon } from './icons.js';
import { InlineError } from './inline-error.js';
import { Spinner } from './spinner.js';
import { secondsLeft, useNow } from './use-now.js';

/** Kinds whose YAML holds secret values (a profile's credentials Secret). */
const HAS_SECRETS: ReadonlySet<ResourceKind> = new Set(['Profile']);

export function ResourceYamlPanel({ kind }: { kind: ResourceKind }) {
  const shown = useAppStore((s) => (s.shownYaml?.kind === kind ? s.shownYaml : null));
  const revealed = useAppStore((s) => (s.shownYaml?.kind === kind ? s.revealed[yamlRevealPurpose(s.shownYaml.primaryId, kind, s.shownYaml.name)] : undefined));
  const hideResourceYaml = useAppStore((s) => s.hideResourceYaml);
  const revealResourceYaml = useAppStore((s) => s.revealResourceYaml);
  const maskResourceYaml = useAppStore((s) => s.maskResourceYaml);
  const dropAllRevealed = useAppStore((s) => s.dropAllRevealed);
  const [confirming, setConfirming] = useState(false);
  const now = useNow(revealed !== undefined);
  const ref = useRef<HTMLElement>(null);
  const shownKey = shown ? `${shown.primaryId}/${shown.name}` : null;

  // The panel opens under a list that may be long: bring it into view.
  useEffect(() => {
    if (shownKey) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [shownKey]);

  // A hidden window shows no secret; leaving the view closes the YAML (and the revealed slice masks it anyway).
  useEffect(() => {
    const onVisibility = () => {
      if (document.hidden) dropAllRevealed();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      hideResourceYaml();
    };
  }, [dropAllRevealed, hideResourceYaml]);

  if (!shown) return null;
  const canReveal = HAS_SECRETS.has(kind);
  const title = `${kind} ${shown.name}`;

  return (
    <section ref={ref} className="panel resource-yaml" aria-label={`${title} as YAML`} data-testid="resource-yaml" data-kind={kind} data-name={shown.name} data-revealed={revealed !== undefined}>
      <div className="view-toolbar">
        <h2 className="panel-title">{title} as YAML</h2>
        <span className="toolbar-spacer" />
        {canReveal && shown.yaml !== undefined && (
          <label className="check-line reveal-toggle">
            <input
              type="checkbox"
              checked={revealed !== undefined}
              onChange={(e) => (e.target.checked ? setConfirming(true) : maskResourceYaml())}
              disabled={shown.revealing}
              data-testid="resource-yaml-reveal"
            />
            <span>
              {shown.revealing ? <Spinner label="Revealing" /> : revealed ? <EyeIcon /> : <EyeOffIcon />} Reveal secret values
            </span>
          </label>
        )}
        <button type="button" className="btn btn-small" onClick={hideResourceYaml} data-testid="resource-yaml-close">
          <CloseIcon />
          Close
        </button>
      </div>
      {shown.loading && (
        <p className="muted">
          <Spinner /> Reading {title}…
        </p>
      )}
      <InlineError error={shown.error} testId="resource-yaml-error" />
      {revealed ? (
        <div className="revealed resource-yaml-revealed">
          <div className="revealed-head">
            <span className="revealed-title">With secret values</span>
            <span className="field-hint">The data of a Secret is base64, as Kubernetes stores it.</span>
            <span className="toolbar-spacer" />
            <span className="countdown" data-testid="resource-yaml-countdown" data-seconds={secondsLeft(revealed.maskAt, now)}>
              Hidden in {secondsLeft(revealed.maskAt, now)} s
            </span>
            <button type="button" className="btn btn-small" onClick={maskResourceYaml} data-testid="resource-yaml-hide">
              <EyeOffIcon />
              Hide
            </button>
          </div>
          <pre className="code-block-text" tabIndex={0} aria-label={`${title} as YAML, with secret values`} data-testid="resource-yaml-revealed">
            {revealed.value}
          </pre>
        </div>
      ) : (
        shown.yaml !== undefined && <CodeBlock text={shown.yaml} label={canReveal ? 'Secret values redacted' : `${kind} on the primary, in kasten-io-mc`} testId="resource-yaml-code" />
      )}
      <ConfirmDialog
        open={confirming}
        title={`Reveal the secret values of ${title}?`}
        confirmLabel="Reveal"
        danger
        testId="resource-yaml-reveal-dialog"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void revealResourceYaml();
        }}
      >
        <p>
          The YAML then shows the access key and the secret key of its credentials Secret. They stay on screen for 30 seconds at most, and are hidden as soon
          as you leave this view.
        </p>
        <p>The reveal is recorded in the audit log. Make sure nobody is looking over your shoulder or sharing your screen.</p>
      </ConfirmDialog>
    </section>
  );
}
