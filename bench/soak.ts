// npm run soak [-- --events 2000000 --database <postgres-url-or-sqlite-path> --retention-s 20
//   --interval-s 5 --concurrency 256 --backlog 5000]
//
// Retention soak (not in CI): events are received (store.append, the receiver's commit path) and
// processed (the inbox's worker, a no-op handler, no mirror) continuously while retention prunes
// everything older than a short window. Every tenth of the run it prints the process's RSS and
// the database's size, so one can see both go flat after the first retention window: what stays
// per event is its id row (dedup), measured at the end as bytes per pruned event.
import { statSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createInbox } from '../src/inbox/create-inbox.js';
import { benchNewEvent, benchSecret } from './fixtures/bench-events.js';
import { benchFlags } from './fixtures/flags.js';

const { values, number } = benchFlags(
  'npm run soak -- [--events N] [--database <postgres-url-or-sqlite-path>] [--retention-s N] [--interval-s N] [--concurrency N] [--backlog N]',
  {
    events: { type: 'string' },
    database: { type: 'string' },
    'retention-s': { type: 'string' },
    'interval-s': { type: 'string' },
    concurrency: { type: 'string' },
    backlog: { type: 'string' },
  },
);
const total = number('events') ?? 2_000_000;
const retentionMs = (number('retention-s') ?? 20) * 1000;
const intervalMs = (number('interval-s') ?? 5) * 1000;
const concurrency = number('concurrency') ?? 256;
// Receiving pauses while this many events wait for the worker, so the run measures retention,
// not a backlog that grows because two cores cannot receive and process at the same rate.
const maxBacklog = number('backlog') ?? 5000;
const tmp = mkdtempSync(join(tmpdir(), 'wi-soak-'));
const database = values.database ?? join(tmp, 'inbox.db');
const isPostgres = /^postgres(ql)?:\/\//.test(database);

const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0);

/** SQLite: the database file without its WAL (whose size is its high-water mark, reused). */
async function databaseBytes(): Promise<number> {
  if (!isPostgres) return fileSize(database);
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `SELECT pg_total_relation_size('workos_inbox_events') +
              pg_total_relation_size('workos_inbox_attempts') AS n`,
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const inbox = await createInbox({
    database,
    secret: benchSecret,
    mirror: false,
    retention: { olderThanMs: retentionMs, intervalMs },
  });
  inbox.onAny(() => {});
  await inbox.start();
  const started = Date.now();
  let sent = 0;
  let refused = 0;
  const tenth = Math.max(1, Math.floor(total / 10));
  console.log(
    `soak: ${total} events on ${isPostgres ? 'PostgreSQL' : 'SQLite'}, retention ${retentionMs / 1000} s (every ${intervalMs / 1000} s)`,
  );
  console.log('events\tseconds\tRSS\tdatabase\tWAL\tpending\tdone\tbytes/event');
  const sample = async () => {
    const stats = await inbox.store.stats(new Date(), { estimateDone: true });
    const bytes = await databaseBytes();
    console.log(
      `${sent}\t${((Date.now() - started) / 1000).toFixed(0)}\t${mb(process.memoryUsage().rss)}\t${mb(bytes)}\t${isPostgres ? '-' : mb(fileSize(`${database}-wal`))}\t${stats.byStatus.pending}\t${stats.byStatus.done}\t${(bytes / Math.max(1, sent)).toFixed(0)}`,
    );
  };
  const send = async (): Promise<void> => {
    while (sent < total) {
      const id = `event_soak_${sent++}`;
      if (sent % tenth === 0) await sample();
      try {
        await inbox.store.append(benchNewEvent(id));
      } catch {
        refused++;
      }
      if (sent % 1000 === 0) {
        for (;;) {
          const stats = await inbox.store.stats(new Date(), { estimateDone: true });
          if (stats.byStatus.pending + stats.byStatus.retrying < maxBacklog) break;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, send));
  await inbox.worker.drain();
  const seconds = (Date.now() - started) / 1000;
  console.log(`received and processed ${total} in ${seconds.toFixed(0)} s (${refused} refused)`);

  // What a pruned event keeps: prune everything, give the space back, divide by the rows.
  const final = await inbox.store.prune({
    receivedBefore: new Date(Date.now() + 1000),
    now: new Date(),
  });
  if (isPostgres) {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    await client.query('VACUUM FULL workos_inbox_events');
    await client.query('VACUUM FULL workos_inbox_attempts');
    await client.end();
  }
  // Closing checkpoints the SQLite WAL into the file and removes it.
  await inbox.close();
  const bytes = await databaseBytes();
  console.log(
    `final prune: ${final.pruned} more; database ${mb(bytes)} for ${total} pruned ids = ${(bytes / total).toFixed(0)} bytes per pruned event`,
  );
  if (values.database === undefined) rmSync(tmp, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
