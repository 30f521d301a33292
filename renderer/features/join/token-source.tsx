/**
 * Where the join token comes from, on the joining side: pasted, a sealed
 * handoff file (path and passphrase), or a QR image (path). Each goes to
 * main (`join:load-token`), which holds the token and answers with its
 * fingerprint. The secret inputs (the pasted token, the passphrase) are
 * uncontrolled: their value is read on submit and the field cleared right
 * after, so it lives in no component state, no store and no DOM attribute.
 */
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Spinner } from '../../components/spinner.js';
import { InlineError } from '../../components/inline-error.js';
import { useAppStore } from '../../store/store.js';
import type { TokenSource } from '../../store/join.slice.js';

type SourceKind = TokenSource['kind'];
const KINDS: { kind: SourceKind; label: string }[] = [
  { kind: 'paste', label: 'Paste' },
  { kind: 'file', label: 'Handoff file' },
  { kind: 'qr', label: 'QR image' },
];

export function TokenSourcePicker({ disabled }: { disabled?: boolean }) {
  const loading = useAppStore((s) => s.loadingToken);
  const error = useAppStore((s) => s.tokenError);
  const loadJoinToken = useAppStore((s) => s.loadJoinToken);
  const [kind, setKind] = useState<SourceKind>('paste');
  const [filePath, setFilePath] = useState('');
  const [qrPath, setQrPath] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const pasteRef = useRef<HTMLInputElement>(null);
  const passRef = useRef<HTMLInputElement>(null);
  const filePathRef = useRef<HTMLInputElement>(null);
  const qrPathRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const pathField = () => (kind === 'file' ? filePathRef.current : qrPathRef.current);

  /** Loads from the current tab; `choose`: no path, main opens its file dialog. */
  const load = async (choose: boolean) => {
    setNote(null);
    let source: TokenSource;
    if (kind === 'paste') {
      const el = pasteRef.current;
      const token = el?.value ?? '';
      if (el) el.value = ''; // dropped at once, whatever main answers
      if (!token.trim()) {
        setNote('Paste the join token first.');
        return el?.focus();
      }
      source = { kind: 'paste', token };
    } else if (kind === 'file') {
      const passphrase = passRef.current?.value ?? '';
      if (!passphrase) {
        setNote('Type the passphrase the primary’s administrator gave you.');
        return passRef.current?.focus();
      }
      if (!choose && !filePath.trim()) {
        setNote('Type the path of the handoff file, or choose it.');
        return filePathRef.current?.focus();
      }
      source = { kind: 'file', passphrase, ...(choose ? {} : { path: filePath.trim() }) };
    } else {
      if (!choose && !qrPath.trim()) {
        setNote('Type the path of the QR image (PNG), or choose it.');
        return qrPathRef.current?.focus();
      }
      source = { kind: 'qr', ...(choose ? {} : { path: qrPath.trim() }) };
    }
    const outcome = await loadJoinToken(source);
    if (outcome === 'loaded' && passRef.current) passRef.current.value = '';
    if (outcome === 'unsupported') {
      setNote('This Flotilla has no file dialog: type the path here.');
      pathField()?.focus();
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void load(false);
  };

  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = KINDS.findIndex((k) => k.kind === kind);
    const to = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
    if (to === null) return;
    e.preventDefault();
    const next = KINDS[(to + KINDS.length) % KINDS.length]!.kind;
    setKind(next);
    setNote(null);
    requestAnimationFrame(() => document.getElementById(`${id}-tab-${next}`)?.focus());
  };

  const busy = loading || disabled;

  return (
    <form className="token-source" onSubmit={submit} data-testid="join-token-source" data-kind={kind}>
      <div className="tabs tabs--small" role="tablist" aria-label="Where the token comes from" onKeyDown={onTabKey}>
        {KINDS.map((k) => (
          <button
            key={k.kind}
            id={`${id}-tab-${k.kind}`}
            type="button"
            role="tab"
            className="tab"
            aria-selected={k.kind === kind}
            aria-controls={`${id}-panel`}
            tabIndex={k.kind === kind ? 0 : -1}
            onClick={() => {
              setKind(k.kind);
              setNote(null);
            }}
            data-testid={`join-source-${k.kind}`}
          >
            {k.label}
          </button>
        ))}
      </div>
      <div id={`${id}-panel`} role="tabpanel" className="token-source-panel">
        {kind === 'paste' && (
          <div className="form-field">
            <label htmlFor={`${id}-paste`}>Join token</label>
            <input ref={pasteRef} id={`${id}-paste`} type="password" className="input input-mono" autoComplete="off" spellCheck={false} placeholder="Paste the token the primary’s administrator gave you" disabled={busy} data-testid="join-paste" />
            <p className="field-hint">It stays hidden, and Flotilla forgets the text as soon as main has it.</p>
          </div>
        )}
        {kind === 'file' && (
          <>
            <div className="form-field">
              <div className="field-row">
                <label htmlFor={`${id}-file`}>Handoff file (.age)</label>
                <button type="button" className="btn btn-small" onClick={() => void load(true)} disabled={busy} data-testid="join-file-choose">
                  Choose…
                </button>
              </div>
              <input ref={filePathRef} id={`${id}-file`} className="input input-mono" value={filePath} onChange={(e) => setFilePath(e.target.value)} spellCheck={false} autoComplete="off" placeholder="/media/usb/flotilla-join-token.age" disabled={busy} data-testid="join-file-path" />
            </div>
            <div className="form-field">
              <label htmlFor={`${id}-pass`}>Passphrase</label>
              <input ref={passRef} id={`${id}-pass`} type="password" className="input" autoComplete="off" disabled={busy} data-testid="join-file-passphrase" />
            </div>
          </>
        )}
        {kind === 'qr' && (
          <div className="form-field">
            <div className="field-row">
              <label htmlFor={`${id}-qr`}>Picture of the QR code (PNG)</label>
              <button type="button" className="btn btn-small" onClick={() => void load(true)} disabled={busy} data-testid="join-qr-choose">
                Choose…
              </button>
            </div>
            <input ref={qrPathRef} id={`${id}-qr`} className="input input-mono" value={qrPath} onChange={(e) => setQrPath(e.target.value)} spellCheck={false} autoComplete="off" placeholder="/home/me/Pictures/token-qr.png" disabled={busy} data-testid="join-qr-path" />
          </div>
        )}
        {note && (
          <p className="field-hint" role="status" data-testid="join-path-note">
            {note}
          </p>
        )}
        <InlineError error={error} testId="join-token-error" />
        <div className="form-actions">
          <span className="toolbar-spacer" />
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="join-load">
            {loading && <Spinner label="Reading the token" />}
            {loading ? 'Reading…' : 'Use this token'}
          </button>
        </div>
      </div>
    </form>
  );
}
