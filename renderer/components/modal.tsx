/**
 * A modal built on <dialog>, like ConfirmDialog, for dialogs with a form or
 * live steps: the browser traps focus, Escape cancels (unless the dialog is
 * busy), the page behind is inert. The caller owns `open` and the buttons.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface ModalProps {
  open: boolean;
  title: string;
  children: ReactNode;
  /** The buttons, right-aligned under the body. */
  actions: ReactNode;
  onClose(): void;
  /** While busy, Escape does not close. */
  busy?: boolean;
  wide?: boolean;
  testId?: string;
}

export function Modal({ open, title, children, actions, onClose, busy, wide, testId }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog--wide' : 'dialog'}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault(); // the parent owns `open`
        if (!busy) onClose();
      }}
    >
      {open && (
        <>
          <h2 id={titleId} className="dialog-title">
            {title}
          </h2>
          <div className="dialog-body">{children}</div>
          <div className="dialog-actions">{actions}</div>
        </>
      )}
    </dialog>
  );
}
