import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';

interface DialogProps {
  title: string;
  open: boolean;
  onClose: () => void;
  /** Called on submit (Enter in a field, or the primary button). */
  onSubmit?: () => void;
  submitLabel?: string;
  submitTone?: 'primary' | 'danger';
  busy?: boolean;
  error?: string | null;
  children: ReactNode;
}

/**
 * A modal on the native <dialog>: focus moves into it and stays there, Escape closes it,
 * and focus returns to whatever opened it.
 */
export function Dialog({
  title,
  open,
  onClose,
  onSubmit,
  submitLabel = 'OK',
  submitTone = 'primary',
  busy,
  error,
  children,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy) onSubmit?.();
  };
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      {open && (
        <form onSubmit={submit} className="dialog__form">
          <h2 id={titleId} className="dialog__title">
            {title}
          </h2>
          <div className="dialog__body">{children}</div>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog__actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            {onSubmit && (
              <button type="submit" className={`button button--${submitTone}`} disabled={busy}>
                {busy ? 'Working…' : submitLabel}
              </button>
            )}
          </div>
        </form>
      )}
    </dialog>
  );
}
