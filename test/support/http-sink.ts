import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkCall {
  path: string;
  body: Record<string, unknown>;
  at: number;
}

type Behaviour = (call: SinkCall, count: number) => { status: number; json?: unknown; delayMs?: number };

/**
 * An HTTP endpoint for the `http` handler that records every execution with the context the
 * handler sent. Paths can be told how to answer (fail N times, then succeed; answer slowly…).
 */
export class HttpSink {
  readonly calls: SinkCall[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  on(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  callsTo(path: string): SinkCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  /** Resolves once `count` calls to `path` were received. */
  waitFor(path: string, count: number): Promise<void> {
    return new Promise((resolve) => {
      const test = () => this.callsTo(path).length >= count;
      if (test()) resolve();
      else this.waiters.push({ test, resolve });
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0];
    const call: SinkCall = { path, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, at: Date.now() };
    this.calls.push(call);
    const behaviour: Behaviour = this.behaviours.get(path) ?? (() => ({ status: 200, json: { ok: true } }));
    const answer = behaviour(call, this.callsTo(path).length);
    for (const w of [...this.waiters]) {
      if (w.test()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (res.destroyed) return;
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.json ?? null));
  }
}
