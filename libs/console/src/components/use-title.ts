import { useEffect } from 'react';

/** The tab's title: what the page shows, then the product. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · shardflow` : 'shardflow';
  }, [title]);
}
