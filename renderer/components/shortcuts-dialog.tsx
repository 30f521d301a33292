/** The `?` dialog: every keyboard shortcut of the app, and the fleet table's keys. */
import { Modal } from './modal.js';
import { SHORTCUTS, TABLE_KEYS } from './shortcuts.js';

function Keys({ keys }: { keys: string[] }) {
  return (
    <span className="shortcut-keys">
      {keys.map((k, i) => (
        <span key={k}>
          {i > 0 && <span className="shortcut-or"> or </span>}
          <kbd>{k}</kbd>
        </span>
      ))}
    </span>
  );
}

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  return (
    <Modal
      open={open}
      title="Keyboard shortcuts"
      onClose={onClose}
      testId="shortcuts-dialog"
      actions={
        <button type="button" className="btn btn-primary" onClick={onClose} data-testid="shortcuts-dialog-close">
          Close
        </button>
      }
    >
      <p className="muted shortcuts-note">Except Ctrl+, these do nothing while you type in a field.</p>
      <dl className="shortcuts-list" data-testid="shortcuts-list">
        {SHORTCUTS.map((s) => (
          <div key={s.id} className="shortcut" data-testid={`shortcut-${s.id}`}>
            <dt>
              <Keys keys={s.keys} />
            </dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
      <h3 className="shortcuts-heading">In the fleet table</h3>
      <dl className="shortcuts-list">
        {TABLE_KEYS.map((s) => (
          <div key={s.what} className="shortcut">
            <dt>
              <Keys keys={s.keys} />
            </dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}
