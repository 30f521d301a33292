/**
 * Seal a join token for a handoff: an age file encrypted with a passphrase,
 * with an expiry, written by main (owner-only). The file goes one way (a
 * USB stick, a file share), the passphrase another (a phone call). The
 * passphrase fields are uncontrolled: the value sits in the inputs only,
 * is read on submit and cleared once sealed; this component keeps only
 * whether it is long enough and typed the same twice.
 *
 * Where the file goes: a typed path, or "Choose…", the save dialog, which
 * the preview does not have (UNSUPPORTED: the path field gets the focus).
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { Token } from '../../../shared/contract/index.js';
import { CheckIcon } from '../../components/icons.js';
import { InlineError } from '../../components/inline-error.js';
import { Modal } from '../../components/modal.js';
import { Spinner } from '../../components/spinner.js';
import { useAppStore } from '../../store/store.js';
import type { SealOutcome, SealResult } from '../../store/tokens.slice.js';

export const MIN_PASSPHRASE = 8;
export const DEFAULT_EXPIRY_HOURS = 24;
export const MAX_EXPIRY_HOURS = 24 * 30;

export function SealDialog({ primaryId, token, onClose }: { primaryId: string; token: Token | null; onClose(): void }) {
  const sealToken = useAppStore((s) => s.sealToken);
  const busy = useAppStore((s) => (token ? s.tokenBusy[token.secretName] === 'seal' : false));
  const passRef = useRef<HTMLInputElement>(null);
  const againRef = useRef<HTMLInputElement>(null);
  const pathRef = useRef<HTMLInputElement>(null);
  const [pass, setPass] = useState({ length: 0, same: true, againTyped: false });
  const [hours, setHours] = useState(String(DEFAULT_EXPIRY_HOURS));
  const [path, setPath] = useState('');
  const [tried, setTried] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<SealOutcome | null>(null);
  const [sealed, setSealed] = useState<SealResult | null>(null);
  const id = useId();

  useEffect(() => {
    setPass({ length: 0, same: true, againTyped: false });
    setHours(String(DEFAULT_EXPIRY_HOURS));
    setPath('');
    setTried(false);
    setNote(null);
    setOutcome(null);
    setSealed(null);
  }, [token]);

  const measure = () => {
    const a = passRef.current?.value ?? '';
    const b = againRef.current?.value ?? '';
    setPass({ length: a.length, same: a === b, againTyped: b.length > 0 });
  };

  const hoursNumber = Number(hours);
  const hoursProblem = !Number.isInteger(hoursNumber) || hoursNumber < 1 || hoursNumber > MAX_EXPIRY_HOURS ? `Between 1 and ${MAX_EXPIRY_HOURS} hours.` : null;
  const passProblem = pass.length < MIN_PASSPHRASE ? `At least ${MIN_PASSPHRASE} characters.` : !pass.same ? 'The two passphrases differ.' : null;
  const showPassProblem = tried || (pass.againTyped && !pass.same) ? passProblem : null;

  const seal = async (withPath: boolean) => {
    setTried(true);
    setNote(null);
    setOutcome(null);
    if (!token || passProblem || hoursProblem) return;
    if (withPath && !path.trim()) {
      setNote('Type the path of the file to write.');
      pathRef.current?.focus();
      return;
    }
    const passphrase = passRef.current?.value ?? '';
    const result = await sealToken(primaryId, token.secretName, { passphrase, expiresInHours: hoursNumber, ...(withPath ? { path: path.trim() } : {}) });
    setOutcome(result);
    if (result.kind === 'unsupported') {
      setNote(`${result.message} Type the path here.`);
      pathRef.current?.focus();
    } else if (result.kind === 'sealed') {
      if (passRef.current) passRef.current.value = '';
      if (againRef.current) againRef.current.value = '';
      setPass({ length: 0, same: true, againTyped: false });
      setSealed(result.result);
    }
  };

  return (
    <Modal
      open={token !== null}
      title={`Seal the join token “${token?.name ?? ''}”`}
      onClose={onClose}
      busy={busy}
      testId="seal-dialog"
      actions={
        sealed ? (
          <button type="button" className="btn btn-primary" onClick={onClose} data-testid="seal-close">
            Close
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={onClose} disabled={busy} data-testid="seal-cancel">
              Cancel
            </button>
            <button type="submit" form={`${id}-form`} className="btn btn-primary" disabled={busy} data-testid="seal-submit">
              {busy && <Spinner label="Sealing" />}
              {busy ? 'Sealing…' : 'Seal to file'}
            </button>
          </>
        )
      }
    >
      {sealed ? (
        <div className="result-box" data-testid="seal-result">
          <div className="result-title">
            <CheckIcon /> Sealed
          </div>
          <dl className="result-fields">
            <dt>File</dt>
            <dd className="mono" data-testid="seal-result-path">
              {sealed.path}
            </dd>
            <dt>Fingerprint</dt>
            <dd className="mono" data-testid="seal-result-fingerprint">
              {sealed.fingerprint}
            </dd>
            <dt>Expires</dt>
            <dd data-testid="seal-result-expires">{new Date(sealed.expiresAt).toLocaleString()}</dd>
          </dl>
          <p>Give the passphrase to the other administrator by another way than the file (a call), and read them the fingerprint.</p>
        </div>
      ) : (
        <form
          id={`${id}-form`}
          className="seal-form"
          onSubmit={(e) => {
            e.preventDefault();
            void seal(true);
          }}
        >
          <p>Main encrypts the token with a passphrase (age) into a file only you can read. The other side opens it with Join a primary → Handoff file.</p>
          <div className="form-field">
            <label htmlFor={`${id}-pass`}>Passphrase</label>
            <input ref={passRef} id={`${id}-pass`} type="password" className="input" autoComplete="new-password" onInput={measure} aria-invalid={!!showPassProblem} disabled={busy} data-testid="seal-passphrase" />
          </div>
          <div className="form-field">
            <label htmlFor={`${id}-again`}>Passphrase again</label>
            <input ref={againRef} id={`${id}-again`} type="password" className="input" autoComplete="new-password" onInput={measure} aria-invalid={!!showPassProblem} disabled={busy} data-testid="seal-passphrase-again" />
            {showPassProblem ? (
              <p className="field-hint field-hint--error" data-testid="seal-passphrase-problem">
                {showPassProblem}
              </p>
            ) : (
              <p className="field-hint">At least {MIN_PASSPHRASE} characters; a few words are easier to read out than symbols.</p>
            )}
          </div>
          <div className="form-field">
            <label htmlFor={`${id}-hours`}>Expires after (hours)</label>
            <input id={`${id}-hours`} type="number" className="input input-number" min={1} max={MAX_EXPIRY_HOURS} value={hours} onChange={(e) => setHours(e.target.value)} aria-invalid={!!hoursProblem} disabled={busy} data-testid="seal-expiry" />
            {hoursProblem && <p className="field-hint field-hint--error">{hoursProblem}</p>}
          </div>
          <div className="form-field">
            <div className="field-row">
              <label htmlFor={`${id}-path`}>File</label>
              <button type="button" className="btn btn-small" onClick={() => void seal(false)} disabled={busy} data-testid="seal-choose">
                Choose…
              </button>
            </div>
            <input ref={pathRef} id={`${id}-path`} className="input input-mono" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} autoComplete="off" placeholder="/home/me/flotilla-join-token.age" disabled={busy} data-testid="seal-path" />
            {note && (
              <p className="field-hint" data-testid="seal-path-note">
                {note}
              </p>
            )}
          </div>
          {outcome?.kind === 'failed' && <InlineError error={outcome.error} testId="seal-error" />}
        </form>
      )}
    </Modal>
  );
}
