/**
 * A primary's join tokens: the list (name, age, fingerprint, how many
 * clusters joined since), create by name, revoke (clusters already joined
 * stay joined), and the ways to hand one over: reveal, copy (main writes a
 * self-clearing clipboard), a QR code, a sealed file. A revealed value or QR
 * code is shown only while the revealed slice holds it; leaving this view,
 * or the window being hidden, masks everything.
 */
import { RefreshButton } from '../../components/refresh-button.js';
import { Fragment, useEffect, useId, useState, type FormEvent } from 'react';
import type { Token } from '../../../shared/contract/index.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { CopyIcon, EyeIcon, KeyIcon, LockIcon, PlusIcon, QrIcon, TrashIcon } from '../../components/icons.js';
import { InlineError } from '../../components/inline-error.js';
import { Spinner } from '../../components/spinner.js';
import { formatAgo } from '../../format.js';
import { revealPurpose } from '../../store/revealed.slice.js';
import { useAppStore } from '../../store/store.js';
import { ClipboardStatusBar } from './clipboard-status.js';
import { RevealedQr, RevealedValue } from './revealed-token.js';
import { SealDialog } from './seal-dialog.js';

const EMPTY: Token[] = [];

export function TokensView({ primaryId }: { primaryId: string }) {
  const tokens = useAppStore((s) => s.tokensByPrimary[primaryId] ?? EMPTY);
  const loaded = useAppStore((s) => primaryId in s.tokensByPrimary);
  const loading = useAppStore((s) => s.tokensLoading);
  const error = useAppStore((s) => s.tokensError);
  const revealed = useAppStore((s) => s.revealed);
  const loadTokens = useAppStore((s) => s.loadTokens);
  const dropAllRevealed = useAppStore((s) => s.dropAllRevealed);
  const [revoke, setRevoke] = useState<Token | null>(null);
  const [seal, setSeal] = useState<Token | null>(null);

  useEffect(() => {
    void loadTokens(primaryId);
  }, [primaryId, loadTokens]);

  // A hidden window (minimized, another workspace, locked) shows no token; leaving the view does the same (revealed.slice.ts).
  useEffect(() => {
    const onVisibility = () => {
      if (document.hidden) dropAllRevealed();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      dropAllRevealed();
    };
  }, [dropAllRevealed]);

  return (
    <div className="tokens" data-testid="tokens-view">
      <CreateTokenForm primaryId={primaryId} />
      <ClipboardStatusBar />
      <InlineError error={error} testId="tokens-error" />
      <div className="view-toolbar">
        <h2 className="panel-title">Tokens on this primary</h2>
        <span className="toolbar-spacer" />
        <RefreshButton onClick={() => void loadTokens(primaryId)} loading={loading} testId="tokens-refresh" />
      </div>
      {loaded && tokens.length === 0 && (
        <p className="muted" data-testid="tokens-empty">
          No join token yet. Create one to join clusters by hand, or use “Join clusters”, which makes one for you.
        </p>
      )}
      {tokens.length > 0 && (
        <div className="data-frame">
          <table className="data-table tokens-table" data-testid="tokens-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Age</th>
                <th>Fingerprint</th>
                <th>
                  <abbr title="Secondaries whose Cluster appeared after this token was created: an upper bound, as any token could have admitted them">
                    Clusters joined since
                  </abbr>
                </th>
                <th className="col-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => {
                const value = revealed[revealPurpose('token', primaryId, t.secretName)];
                const qr = revealed[revealPurpose('qr', primaryId, t.secretName)];
                return (
                  <Fragment key={t.secretName}>
                    <TokenRow primaryId={primaryId} token={t} onRevoke={() => setRevoke(t)} onSeal={() => setSeal(t)} />
                    {(value || qr) && (
                      <tr className="revealed-row">
                        <td colSpan={5}>
                          <div className="revealed-panels">
                            {value && <RevealedValue purpose={revealPurpose('token', primaryId, t.secretName)} entry={value} />}
                            {qr && <RevealedQr purpose={revealPurpose('qr', primaryId, t.secretName)} entry={qr} tokenName={t.name} />}
                          </div>
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <RevokeDialog primaryId={primaryId} token={revoke} onClose={() => setRevoke(null)} />
      <SealDialog primaryId={primaryId} token={seal} onClose={() => setSeal(null)} />
    </div>
  );
}

function TokenRow({ primaryId, token, onRevoke, onSeal }: { primaryId: string; token: Token; onRevoke(): void; onSeal(): void }) {
  const busy = useAppStore((s) => s.tokenBusy[token.secretName]);
  const revealToken = useAppStore((s) => s.revealToken);
  const showTokenQr = useAppStore((s) => s.showTokenQr);
  const copyToken = useAppStore((s) => s.copyToken);
  const disabled = !token.ready || busy !== undefined;
  return (
    <tr data-testid="token-row" data-name={token.name} data-secret={token.secretName} data-ready={token.ready}>
      <td>
        <div className="cell-primary">
          <KeyIcon /> {token.name}
        </div>
        {token.name !== token.secretName && <div className="cell-secondary mono">{token.secretName}</div>}
      </td>
      <td title={token.createdAt} data-testid="token-age">
        {token.createdAt ? formatAgo(token.createdAt) : '—'}
      </td>
      <td className="mono" data-testid="token-fingerprint">
        {token.fingerprint ?? (token.ready ? '—' : <span className="muted">K10 is filling it…</span>)}
      </td>
      <td className="cell-number-left" data-testid="token-joined-since">
        {token.joinedSince ?? '—'}
      </td>
      <td className="col-actions">
        <div className="row-buttons">
          <button type="button" className="btn btn-small" onClick={() => void revealToken(primaryId, token.secretName)} disabled={disabled} data-testid="token-reveal">
            {busy === 'reveal' ? <Spinner label="Revealing" /> : <EyeIcon />}
            Reveal
          </button>
          <button type="button" className="btn btn-small" onClick={() => void copyToken(primaryId, token.secretName)} disabled={disabled} data-testid="token-copy">
            {busy === 'copy' ? <Spinner label="Copying" /> : <CopyIcon />}
            Copy
          </button>
          <button type="button" className="btn btn-small" onClick={() => void showTokenQr(primaryId, token.secretName)} disabled={disabled} data-testid="token-qr">
            {busy === 'qr' ? <Spinner label="Making the QR code" /> : <QrIcon />}
            QR
          </button>
          <button type="button" className="btn btn-small" onClick={onSeal} disabled={disabled} data-testid="token-seal">
            <LockIcon />
            Seal…
          </button>
          <button type="button" className="btn btn-small btn-danger-outline" onClick={onRevoke} disabled={busy !== undefined} data-testid="token-revoke">
            <TrashIcon />
            Revoke…
          </button>
        </div>
      </td>
    </tr>
  );
}

function CreateTokenForm({ primaryId }: { primaryId: string }) {
  const creating = useAppStore((s) => s.creatingToken);
  const error = useAppStore((s) => s.createTokenError);
  const createToken = useAppStore((s) => s.createToken);
  const [name, setName] = useState('');
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    if (await createToken(primaryId, name)) setName('');
  };

  return (
    <form className="panel create-token" onSubmit={(e) => void submit(e)}>
      <label htmlFor={`${id}-name`} className="panel-title">
        New join token
      </label>
      <div className="inline-form">
        <input
          id={`${id}-name`}
          className="input input-mono"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="a name, e.g. team-a"
          spellCheck={false}
          autoComplete="off"
          maxLength={253}
          disabled={creating}
          data-testid="token-new-name"
        />
        <button type="submit" className="btn btn-primary" disabled={creating || !name.trim()} data-testid="token-create">
          {creating ? <Spinner label="Creating" /> : <PlusIcon />}
          {creating ? 'Creating…' : 'Create'}
        </button>
        <span className="field-hint">One token can join many clusters. K10 fills it within seconds.</span>
      </div>
      <InlineError error={error} testId="token-create-error" />
    </form>
  );
}

function RevokeDialog({ primaryId, token, onClose }: { primaryId: string; token: Token | null; onClose(): void }) {
  const revokeToken = useAppStore((s) => s.revokeToken);
  const busy = useAppStore((s) => (token ? s.tokenBusy[token.secretName] === 'revoke' : false));
  const primaryName = useAppStore((s) => s.rowsById[primaryId]?.name ?? primaryId);
  return (
    <ConfirmDialog
      open={token !== null}
      title={`Revoke the join token “${token?.name ?? ''}”?`}
      confirmLabel={busy ? 'Revoking…' : 'Revoke'}
      danger
      busy={busy}
      testId="revoke-dialog"
      onCancel={onClose}
      onConfirm={() => token && void revokeToken(primaryId, token.secretName).then((ok) => ok && onClose())}
    >
      <p>
        Its Secret <code>{token?.secretName}</code> is deleted on {primaryName}: no new cluster can join with it.
      </p>
      <p>
        <strong>Clusters that already joined with it stay joined.</strong> To remove one, disconnect it.
      </p>
    </ConfirmDialog>
  );
}
