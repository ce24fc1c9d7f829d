// The append thread: owns one connection and runs the group-commit loop, so the fsync of each
// commit blocks this thread, never the event loop that answers HTTP requests.
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { appendPageSqlite } from '../pull-operations.js';
import type { AppendOutcome } from '../types.js';
import type {
  AppendItem,
  AppendWorkerData,
  FromAppendThread,
  PageMessage,
  ToAppendThread,
} from './append-protocol.js';
import { openSqlite } from './sqlite-connection.js';
import { ThreadWriteLock } from './thread-write-lock.js';

const data = workerData as AppendWorkerData;
const port = parentPort!;
const lock = new ThreadWriteLock(data.lockBuffer);
const queue: AppendItem[] = [];
let db: Database.Database | undefined;
let insert: Database.Statement | undefined;
let writePage: Database.Transaction<(message: PageMessage) => AppendOutcome[]> | undefined;
let scheduled = false;

function send(message: FromAppendThread): void {
  port.postMessage(message);
}

/**
 * This thread's connection, opened holding the write lock: a thread of this process in a write
 * transaction (a handler's, in `serve`'s worker thread) then keeps this one waiting on the lock,
 * where it can be stopped, rather than in SQLite's busy handler, where it cannot (a thread that
 * ended in a transaction would keep the process from exiting for busyTimeoutMs).
 */
function connection(): Database.Database {
  db ??= underWriteLock(() => openSqlite(data.path, { busyTimeoutMs: data.busyTimeoutMs }));
  return db;
}

function prepareInsert(): Database.Statement {
  insert ??= connection().prepare(
    `INSERT INTO workos_inbox_events
       (id, event, created_at, received_at, raw_body, source, status, attempts, next_attempt_at)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)
     ON CONFLICT (id) DO NOTHING`,
  );
  return insert;
}

/** Run `fn` holding the write lock: the main thread's connection waits on it instead of SQLite's sleeping busy handler. */
function underWriteLock<T>(fn: () => T): T {
  if (!lock.acquireSync(data.busyTimeoutMs)) {
    throw Object.assign(new Error(`the write lock stayed busy for ${data.busyTimeoutMs} ms`), {
      code: 'SQLITE_BUSY',
    });
  }
  try {
    return fn();
  } finally {
    lock.release();
  }
}

function sendFailed(seqs: number[], error: unknown): void {
  const code = (error as { code?: unknown }).code;
  send({
    type: 'failed',
    seqs,
    message: error instanceof Error ? error.message : String(error),
    code: typeof code === 'string' ? code : null,
  });
}

function commitBatch(batch: AppendItem[]): void {
  try {
    const statement = prepareInsert();
    const database = db!;
    const write = database.transaction((items: AppendItem[]) =>
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
    );
    send({ type: 'committed', results: underWriteLock(() => write.immediate(batch)) });
  } catch (error) {
    sendFailed(
      batch.map((item) => item.seq),
      error,
    );
  }
}

/**
 * A pulled page and its cursor in one transaction on this thread's connection, so the puller's
 * thread only fetches and parses. This commit alone runs with synchronous=NORMAL (no fsync of its
 * own): the cursor commits with the page's events, so a power loss before the next fsync undoes
 * both together and the puller fetches the page again; nothing is skipped and nobody was answered
 * 2xx for it. The WAL is written in order, so the next FULL commit (a webhook's) makes it durable
 * too. A process crash loses nothing either way: the WAL is in the OS's hands at commit. On the
 * project's test machine this measured no faster (its fsyncs are cheap); on a slower disk each
 * page's fsync would sit on the puller's path.
 */
function commitPage(message: PageMessage): void {
  try {
    const database = connection();
    writePage ??= database.transaction((m: PageMessage) =>
      appendPageSqlite(database, m.page, m.cursor, m.now),
    );
    const write = writePage;
    const outcomes = underWriteLock(() => {
      database.pragma('synchronous = NORMAL');
      try {
        return write.immediate(message);
      } finally {
        database.pragma('synchronous = FULL');
      }
    });
    send({ type: 'paged', seq: message.seq, outcomes });
  } catch (error) {
    sendFailed([message.seq], error);
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
  } else if (message.type === 'page') {
    commitPage(message);
  } else if (message.type === 'checkpoint') {
    try {
      const database = connection();
      // Two passes, both PASSIVE (they do not wait for readers). The first copies the WAL's
      // frames into the database file while writers go on. The second, under the write lock so
      // no frame is appended meanwhile, copies only what they added during the first, and so
      // finishes, letting the next writer start the WAL over from its beginning.
      database.pragma('wal_checkpoint(PASSIVE)');
      if (lock.acquireSync(data.busyTimeoutMs)) {
        try {
          database.pragma('wal_checkpoint(PASSIVE)');
        } finally {
          lock.release();
        }
      }
    } catch {
      // The next request or the next commit's auto-checkpoint tries again.
    }
    send({ type: 'checkpointed' });
  } else {
    while (queue.length > 0) commitBatch(queue.splice(0, data.maxBatchSize));
    db?.close();
    db = undefined;
    insert = undefined;
    writePage = undefined;
    send({ type: 'closed' });
    port.close();
  }
});

// Be ready before the first request: open the connection and prepare the insert now. Before
// migrate() there is no table yet; the first batch tries again.
try {
  prepareInsert();
} catch {
  // see above
}
