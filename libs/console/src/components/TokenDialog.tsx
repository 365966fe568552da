import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { tokenStore } from '../api/token-store';

/**
 * Shown when the API answered UNAUTHENTICATED: asks for the token once, keeps it for the
 * tab (sessionStorage), and lets the waiting requests go on.
 */
export function TokenDialog() {
  const request = useSyncExternalStore(
    (l) => tokenStore.subscribe(l),
    () => tokenStore.request,
  );
  const ref = useRef<HTMLDialogElement>(null);
  const [value, setValue] = useState('');
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (request && !dialog.open) dialog.showModal();
    if (!request && dialog.open) dialog.close();
  }, [request]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="token-title" onCancel={(e) => e.preventDefault()}>
      {request && (
        <form
          className="dialog__form"
          onSubmit={(e) => {
            e.preventDefault();
            if (value.trim()) tokenStore.answer(value.trim());
            setValue('');
          }}
        >
          <h2 id="token-title" className="dialog__title">
            API token
          </h2>
          <div className="dialog__body">
            <p>This shardflow API needs its token (SHARDFLOW_API_TOKEN). It is kept for this tab only.</p>
            {request?.reason && (
              <p className="form-error" role="alert">
                {request.reason}
              </p>
            )}
            <label className="field">
              <span className="field__label">Token</span>
              <input
                className="input"
                type="password"
                autoComplete="current-password"
                value={value}
                onChange={(e) => setValue(e.target.value)}
                data-testid="token-input"
                autoFocus
              />
            </label>
          </div>
          <div className="dialog__actions">
            <button type="submit" className="button button--primary" disabled={!value.trim()}>
              Use token
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
