import { useSyncExternalStore } from 'react';
import { Link } from './router';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
  link?: { to: string; label: string };
}

/** Short notes after an action ("Run 1a2b3c4d started"), announced to screen readers. */
class Toasts {
  private list: Toast[] = [];
  private next = 1;
  private readonly listeners = new Set<() => void>();

  show(text: string, options: { tone?: Toast['tone']; link?: Toast['link']; ms?: number } = {}): void {
    const toast: Toast = { id: this.next++, text, tone: options.tone ?? 'info', link: options.link };
    this.list = [...this.list, toast].slice(-4);
    this.emit();
    setTimeout(() => this.dismiss(toast.id), options.ms ?? (toast.tone === 'error' ? 10_000 : 5000));
  }

  dismiss(id: number): void {
    this.list = this.list.filter((t) => t.id !== id);
    this.emit();
  }

  get current(): Toast[] {
    return this.list;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export const toasts = new Toasts();

export function ToastArea() {
  const list = useSyncExternalStore(
    (l) => toasts.subscribe(l),
    () => toasts.current,
  );
  return (
    <div className="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast toast--${t.tone}`}>
          <span>{t.text}</span>
          {t.link && (
            <Link to={t.link.to} className="toast__link">
              {t.link.label}
            </Link>
          )}
          <button type="button" className="toast__close" aria-label="Dismiss" onClick={() => toasts.dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
