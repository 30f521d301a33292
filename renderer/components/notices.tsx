/** Messages for the user (mostly errors from main), newest last, each dismissible. */
import { useAppStore } from '../store/store.js';
import { AlertIcon, CloseIcon } from './icons.js';

export function Notices() {
  const notices = useAppStore((s) => s.notices);
  const dismiss = useAppStore((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <section className="notices" aria-label="Messages" data-testid="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice--${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'} data-testid="notice">
          <AlertIcon />
          <span className="notice-text">{n.message}</span>
          <button type="button" className="btn-icon" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            <CloseIcon />
          </button>
        </div>
      ))}
    </section>
  );
}
