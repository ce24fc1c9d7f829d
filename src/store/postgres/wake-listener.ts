import pg from 'pg';

export const wakeChannel = 'workos_inbox_wake';

/**
 * A dedicated connection that LISTENs for wake-ups from every process sharing the database.
 * It reconnects with backoff when the server goes away, and wakes once after reconnecting because
 * notifications sent while it was disconnected are lost.
 */
export class WakeListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs = 100;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly onWake: () => void,
  ) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.client) return;
    const client = new pg.Client(this.config);
    this.client = client;
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => {});
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message) => {
      if (message.channel === wakeChannel) this.onWake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${wakeChannel}`);
      this.backoffMs = 100;
      if (this.stopped) {
        await client.end().catch(() => {});
        return;
      }
      this.onWake();
    } catch {
      onLost();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const delayMs = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 5000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delayMs);
    // Reconnecting must not keep a process alive that has nothing else to do.
    this.retryTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => {});
      await client.end().catch(() => {});
    }
  }
}
