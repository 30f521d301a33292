/**
 * A revealed token and a token's QR code, as long as the revealed slice
 * holds them (its timer, a view change or "Hide" drops them, and these
 * components then render nothing, so the value leaves the DOM too). The
 * values come from the store only; no component keeps a copy.
 */
import { EyeOffIcon } from '../../components/icons.js';
import { secondsLeft, useNow } from '../../components/use-now.js';
import type { RevealedEntry } from '../../store/revealed.slice.js';
import { useAppStore } from '../../store/store.js';

function Countdown({ maskAt, testId }: { maskAt: number; testId: string }) {
  const now = useNow(true);
  const s = secondsLeft(maskAt, now);
  return (
    <span className="countdown" data-testid={testId} data-seconds={s}>
      Hidden in {s} s
    </span>
  );
}

export function RevealedValue({ purpose, entry }: { purpose: string; entry: RevealedEntry }) {
  const dropRevealed = useAppStore((s) => s.dropRevealed);
  return (
    <div className="revealed" data-testid="token-revealed">
      <div className="revealed-head">
        <span className="revealed-title">Join token</span>
        {entry.fingerprint && (
          <span className="revealed-fingerprint" title="Read it to the other administrator to confirm the token">
            fingerprint <span className="mono" data-testid="token-revealed-fingerprint">{entry.fingerprint}</span>
          </span>
        )}
        <span className="toolbar-spacer" />
        <Countdown maskAt={entry.maskAt} testId="token-mask-countdown" />
        <button type="button" className="btn btn-small" onClick={() => dropRevealed(purpose)} data-testid="token-hide">
          <EyeOffIcon />
          Hide
        </button>
      </div>
      <code className="revealed-value" data-testid="token-value">
        {entry.value}
      </code>
    </div>
  );
}

export function RevealedQr({ purpose, entry, tokenName }: { purpose: string; entry: RevealedEntry; tokenName: string }) {
  const dropRevealed = useAppStore((s) => s.dropRevealed);
  // CSP: img-src allows data: (renderer/index.html); an SVG loaded as an image runs no script.
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(entry.value)}`;
  return (
    <div className="revealed revealed--qr" data-testid="token-qr-panel">
      <div className="revealed-head">
        <span className="revealed-title">QR code</span>
        {entry.fingerprint && (
          <span className="revealed-fingerprint">
            fingerprint <span className="mono" data-testid="token-qr-fingerprint">{entry.fingerprint}</span>
          </span>
        )}
        <span className="toolbar-spacer" />
        <Countdown maskAt={entry.maskAt} testId="token-qr-countdown" />
        <button type="button" className="btn btn-small" onClick={() => dropRevealed(purpose)} data-testid="token-qr-hide">
          <EyeOffIcon />
          Hide
        </button>
      </div>
      <img className="qr-image" src={src} alt={`QR code of the join token ${tokenName}`} width={220} height={220} data-testid="token-qr-image" />
      <p className="field-hint">Scan it on the other side, or save a screenshot as a PNG: Join a primary → QR image reads it.</p>
    </div>
  );
}
