import fs from 'node:fs';

/** Past this size the previous log is set aside at start, so the file cannot grow without bound. */
const ROTATE_BYTES = 10 * 1024 * 1024;

/**
 * The file initdb and the server write to. Opened by us and handed down as a descriptor, so the
 * postgres user needs no access to its folder, and the server keeps logging after its owner dies.
 */
export class PostgresLog {
  private constructor(
    readonly file: string,
    readonly fd: number,
    private readonly startOffset: number,
  ) {}

  static open(file: string): PostgresLog {
    try {
      if (fs.statSync(file).size > ROTATE_BYTES) fs.renameSync(file, `${file}.1`);
    } catch {
      // No log yet.
    }
    const fd = fs.openSync(file, 'a+', 0o600);
    return new PostgresLog(file, fd, fs.fstatSync(fd).size);
  }

  /** The last lines written since this start, without PostgreSQL's timestamp prefix, as one line. */
  tail(lines = 6): string {
    let text = '';
    try {
      const size = fs.fstatSync(this.fd).size;
      const from = Math.max(this.startOffset, size - 64 * 1024);
      const buffer = Buffer.alloc(size - from);
      fs.readSync(this.fd, buffer, 0, buffer.length, from);
      text = buffer.toString('utf8');
    } catch {
      return `(see ${this.file})`;
    }
    const last = text
      .split('\n')
      .map((line) => line.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \S+ \[\d+\] /, '').trim())
      .filter(Boolean)
      .slice(-lines);
    return last.length ? `${last.join(' | ')} (log: ${this.file})` : `(nothing logged; see ${this.file})`;
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Closed already.
    }
  }
}
