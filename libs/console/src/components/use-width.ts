import { useEffect, useRef, useState, type RefObject } from 'react';

/** The width of an element, kept current as the window or layout changes. */
export function useWidth<T extends HTMLElement>(initial = 800): [number, RefObject<T | null>] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth || initial);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth || initial));
    observer.observe(el);
    return () => observer.disconnect();
  }, [initial]);
  return [width, ref];
}
