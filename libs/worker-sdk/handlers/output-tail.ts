/**
 * Keeps the last `limit` bytes written to it: a chatty command must not grow the worker's
 * memory, and only the end of its output (last stdout line, last stderr lines) is used.
 */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0].length >= this.limit) {
      this.size -= this.chunks[0].length;
      this.chunks.shift();
      this.dropped = true;
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    const kept = all.length > this.limit ? all.subarray(all.length - this.limit) : all;
    return (this.dropped || kept.length < all.length ? '…' : '') + kept.toString('utf8');
  }
}

/** The last line with something on it, trimmed; null when there is none. */
export function lastNonEmptyLine(text: string): string | null {
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i].trim();
    if (line !== '') return line;
  }
  return null;
}

/** The last `count` non-empty lines, at most `maxChars` from their end. */
export function lastLines(text: string, count: number, maxChars: number): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const tail = lines.slice(-count).join('\n');
  return tail.length > maxChars ? `…${tail.slice(tail.length - maxChars)}` : tail;
}
