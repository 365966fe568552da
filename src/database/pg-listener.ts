import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/**
 * LISTENs on PostgreSQL channels over one dedicated connection (a pooled one would be handed
 * back and lose its LISTENs), and reconnects after the database restarts. Missed
 * notifications are fine by design: every listener also sweeps on a timer.
 */
export class PgListener {
  private readonly logger = new Logger(PgListener.name);
  private client: Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly channels: string[],
    private readonly onNotify: (channel: string, payload: string) => void,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    client.on('notification', (n) => this.onNotify(n.channel, n.payload ?? ''));
    client.on('error', (err) => {
      this.logger.warn(`listener connection lost: ${err.message}`);
      this.reconnectLater(client);
    });
    client.on('end', () => this.reconnectLater(client));
    try {
      await client.connect();
      for (const channel of this.channels) await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      this.client = client;
    } catch (err) {
      this.logger.warn(`cannot listen yet: ${(err as Error).message}`);
      this.reconnectLater(client);
    }
  }

  private reconnectLater(client: Client): void {
    if (this.stopped || this.retry) return;
    if (this.client === client) this.client = null;
    client.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.stopped) void this.connect();
    }, 1000);
    this.retry.unref();
  }
}
