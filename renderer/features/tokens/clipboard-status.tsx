/**
 * The clipboard while it holds a token Flotilla copied: which token, when
 * main clears it (a countdown from `expiresAt`, moved by `clipboard:changed`),
 * "Clear now", and a note where the platform cannot keep it out of
 * clipboard history. The renderer never has the value: main wrote it.
 */
import { secondsLeft, useNow } from '../../components/use-now.js';
import { AlertIcon, CheckIcon, CopyIcon } from '../../components/icons.js';
import { useAppStore } from '../../store/store.js';

export function ClipboardStatusBar() {
  const clipboard = useAppStore((s) => s.clipboard);
  const clearClipboard = useAppStore((s) => s.clearClipboard);
  const holding = clipboard.state === 'holding';
  const now = useNow(holding);
  if (clipboard.state === 'idle') return null;
  const left = secondsLeft(clipboard.expiresAt, now);

  return (
    <div className={`clipboard-status clipboard-status--${clipboard.state}`} role="status" data-testid="clipboard-status" data-state={clipboard.state}>
      {holding ? <CopyIcon /> : clipboard.state === 'cleared' ? <CheckIcon /> : <AlertIcon />}
      <div className="clipboard-text">
        {holding && (
          <>
            The join token{clipboard.tokenName ? ` “${clipboard.tokenName}”` : ''} is on the clipboard. Flotilla clears it in{' '}
            <strong data-testid="clipboard-countdown" data-seconds={left}>
              {left} s
            </strong>
            .
            {clipboard.concealed === false && (
              <span className="clipboard-note" data-testid="clipboard-history-note">
                {' '}
                This system cannot mark it as concealed: clipboard history may keep it. Clear it there too.
              </span>
            )}
          </>
        )}
        {clipboard.state === 'cleared' && 'Clipboard cleared: the token is no longer on it.'}
        {clipboard.state === 'left-alone' && 'Something else was copied since, so Flotilla left the clipboard alone.'}
      </div>
      {holding && (
        <button type="button" className="btn btn-small" onClick={() => void clearClipboard()} data-testid="clipboard-clear">
          Clear now
        </button>
      )}
    </div>
  );
}
