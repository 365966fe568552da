/**
 * Runs `send` over `items` with at most `window` in flight: publishes overlap (JetStream throughput
 * comes from many PubAcks outstanding) without queueing 100k requests at once. After a failure no
 * new sends start; the first failure is thrown once those in flight have settled.
 */
export async function pipeline<T>(
  items: readonly T[],
  window: number,
  send: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const item = items[next++];
      try {
        await send(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, items.length) }, lane));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
