// The append thread: owns one connection and runs the group-commit loop, so the fsync of each
// commit blocks this thread, never the event loop that answers HTTP requests.
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type {
  AppendItem,
  AppendWorkerData,
  FromAppendThread,
  ToAppendThread,
} from './append-protocol.js';
import { openSqlite } from './sqlite-connection.js';

const data = workerData as AppendWorkerData;
const port = parentPort!;
const queue: AppendItem[] = [];
let db: Database.Database | undefined;
let insert: Database.Statement | undefined;
let scheduled = false;

function send(message: FromAppendThread): void {
  port.postMessage(message);
}

function commitBatch(batch: AppendItem[]): void {
  try {
    db ??= openSqlite(data.path, { busyTimeoutMs: data.busyTimeoutMs });
    insert ??= db.prepare(
      `INSERT INTO workos_inbox_events
         (id, event, created_at, received_at, raw_body, source, status, attempts, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    const statement = insert;
    const results = db
      .transaction((items: AppendItem[]) =>
        items.map((item): [number, boolean] => {
          const body = Buffer.from(
            item.rawBody.buffer,
            item.rawBody.byteOffset,
            item.rawBody.byteLength,
          );
          const info = statement.run(
            item.id,
            item.event,
            item.createdAt,
            item.receivedAt,
            body,
            item.source,
            item.receivedAt,
          );
          return [item.seq, info.changes > 0];
        }),
      )
      .immediate(batch);
    send({ type: 'committed', results });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    send({
      type: 'failed',
      seqs: batch.map((item) => item.seq),
      message: error instanceof Error ? error.message : String(error),
      code: typeof code === 'string' ? code : null,
    });
  }
}

// Drain in batches. Between batches the thread goes back to its event loop, so the appends that
// arrived during the last commit's fsync are gathered into the next batch.
function flush(): void {
  scheduled = false;
  const batch = queue.splice(0, data.maxBatchSize);
  if (batch.length > 0) commitBatch(batch);
  schedule();
}

function schedule(): void {
  if (!scheduled && queue.length > 0) {
    scheduled = true;
    setImmediate(flush);
  }
}

port.on('message', (message: ToAppendThread) => {
  if (message.type === 'append') {
    for (const item of message.items) queue.push(item);
    schedule();
  } else {
    while (queue.length > 0) commitBatch(queue.splice(0, data.maxBatchSize));
    db?.close();
    db = undefined;
    send({ type: 'closed' });
    port.close();
  }
});
