// The worker-facing writes, written once for both backends over SqlExecutor (`$n` placeholders).
// Each runs inside a transaction the backend opened.
import { defaults } from '../defaults.js';
import { directoryLockSpace } from './directory-locks.js';
import { addressesByKey } from './postgres/addresses-by-key.js';
import { placeholders, toStoredEvent } from './event-rows.js';
import type { EventRow } from './event-rows.js';
import type { SqlExecutor } from './sql-executor.js';
import type {
  ClaimOptions,
  ClaimOrCompleteResult,
  InlineCompletion,
  CompleteItem,
  CompleteManyOptions,
  CompleteResult,
  FailOptions,
  StoredEvent,
} from './types.js';

const events = 'workos_inbox_events';
const attempts = 'workos_inbox_attempts';

/**
 * SQLite without statistics picks the status index and sorts every pending event; pin the due
 * index so a claim reads only the rows it takes, however long the backlog. PostgreSQL's planner
 * has statistics.
 */
export function dueIndex(db: SqlExecutor): string {
  return db.dialect === 'sqlite' ? 'INDEXED BY workos_inbox_events_due' : '';
}

/** The due events' selection: `SELECT <columns>`, oldest first, `params` = [now, limit, ...]. */
function dueSelect(
  tx: SqlExecutor,
  options: ClaimOptions,
  params: unknown[],
  columns: string,
): string {
  const byName = options.events ? `AND event IN (${placeholders(params, options.events)})` : '';
  // SKIP LOCKED: concurrent workers on PostgreSQL take disjoint events instead of queueing on
  // each other's row locks. SQLite serialises writers, so it needs no row locks.
  const lock = tx.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  // A processing event's next_attempt_at is its lease expiry, so one index range finds both due
  // attempts and expired leases.
  return `SELECT ${columns} FROM ${events} ${dueIndex(tx)}
       WHERE status IN ('pending', 'retrying', 'processing') AND next_attempt_at <= $1 ${byName}
       ORDER BY next_attempt_at, id
       LIMIT $2 ${lock}`;
}

/** SET columns of a claim: `processing`, one more attempt, leased to `owner` until `until`. */
function leaseColumns(owner: string, until: string): string {
  return `status = 'processing', attempts = attempts + 1, lease_owner = ${owner},
         lease_expires_at = ${until}, next_attempt_at = ${until}`;
}

/** SET columns of a completion: `done` at `processedAt`, lease and error cleared. */
function doneColumns(processedAt: string): string {
  return `status = 'done', processed_at = ${processedAt}, next_attempt_at = NULL,
         lease_owner = NULL, lease_expires_at = NULL, last_error = NULL`;
}

/**
 * A WHERE condition for the rows of `ids`. On PostgreSQL one `text[]` parameter, each id looked
 * up by the primary key and its row reached by address ({@link addressesByKey}), so the statement
 * has one text whatever the count and is prepared (`preparedOn`), not parsed and planned at every
 * claim (on the forwarder's claim that was a fifth of PostgreSQL's CPU; on the worker's drain and
 * under `serve`'s load no change was measurable, docs/benchmarks.md), with one plan whatever the
 * statistics. The rows are ones this transaction locked (`FOR UPDATE`), so their addresses cannot
 * change under it. On SQLite a list of placeholders (statements are cached by text anyway).
 */
function whereIds(tx: SqlExecutor, params: unknown[], ids: readonly string[]): string {
  if (tx.dialect === 'postgres') {
    params.push(ids);
    return `ctid = ANY (${addressesByKey(events, 'id', `$${params.length}`)})`;
  }
  return `id IN (${placeholders(params, ids)})`;
}

/** Prepare on PostgreSQL, where the text is one whatever the count (`whereIds`). */
const preparedOn = (tx: SqlExecutor) => ({ prepare: tx.dialect === 'postgres' });

export async function claimEvents(tx: SqlExecutor, options: ClaimOptions): Promise<StoredEvent[]> {
  if (options.limit <= 0 || (options.events && options.events.length === 0)) return [];
  const until = new Date(options.now.getTime() + options.leaseMs);
  const params: unknown[] = [options.now, Math.floor(options.limit), options.owner, until];
  const due = `due AS (${dueSelect(tx, options, params, 'id')})`;
  const update = `UPDATE ${events}
     SET ${leaseColumns('$3', '$4')}
     WHERE id IN (SELECT id FROM due)
     RETURNING *`;
  if (tx.dialect === 'postgres') {
    // One round trip: the attempt log follows in data-modifying CTEs. They see the rows as they
    // were before the statement, so `lost` closes the previous attempt only, not the new one.
    // Only a re-claimed event (attempts > 1 now) can have one: releaseLeases, replay and redrive
    // finish theirs. `= ANY (ARRAY(...))` reads the attempts by index; as `IN (SELECT ...)` the
    // planner hash-joined against a scan of every attempt row (10 ms at 26,000).
    const { rows } = await tx.query<EventRow>(
      `WITH ${due},
       claimed AS (${update}),
       lost AS (
         UPDATE ${attempts} SET finished_at = $1, outcome = 'lease_lost'
         WHERE event_id = ANY (ARRAY(SELECT id FROM claimed WHERE attempts > 1))
           AND finished_at IS NULL
       ),
       started AS (
         INSERT INTO ${attempts} (event_id, attempt, worker, started_at)
         SELECT id, attempts, $3, $1 FROM claimed
       )
       SELECT * FROM claimed`,
      params,
    );
    return sortClaimed(rows.map(toStoredEvent));
  }
  const { rows } = await tx.query<EventRow>(`WITH ${due} ${update}`, params);
  if (rows.length === 0) return [];
  const claimed = rows.map(toStoredEvent);
  await startAttempts(tx, options.owner, claimed, options.now, null);
  return sortClaimed(claimed);
}

/**
 * The attempt log of events whose `attempts` were just counted up: the attempt a re-claimed
 * event's expired lease left open is closed as `lease_lost`, then one row per event is added,
 * still open (`outcome` null) or already finished with `outcome`.
 */
async function startAttempts(
  tx: SqlExecutor,
  owner: string,
  counted: readonly StoredEvent[],
  now: Date,
  outcome: 'done' | null,
): Promise<void> {
  const reclaimed = counted.filter((e) => e.attempts > 1);
  if (tx.dialect === 'postgres') {
    // Arrays: one text whatever the count, prepared (see whereIds).
    if (reclaimed.length > 0) {
      await tx.query(
        `UPDATE ${attempts} SET finished_at = $1, outcome = 'lease_lost'
         WHERE finished_at IS NULL AND event_id = ANY ($2::text[])`,
        [now, reclaimed.map((e) => e.id)],
        { prepare: true },
      );
    }
    await tx.query(
      `INSERT INTO ${attempts} (event_id, attempt, worker, started_at, finished_at, outcome)
       SELECT id, attempt, $1::text, $2::timestamptz,
         CASE WHEN $3::text IS NULL THEN NULL ELSE $2::timestamptz END, $3::text
       FROM unnest($4::text[], $5::int[]) AS e (id, attempt)`,
      [owner, now, outcome, counted.map((e) => e.id), counted.map((e) => e.attempts)],
      { prepare: true },
    );
    return;
  }
  if (reclaimed.length > 0) {
    const idParams: unknown[] = [now];
    const ids = placeholders(
      idParams,
      reclaimed.map((e) => e.id),
    );
    await tx.query(
      `UPDATE ${attempts} SET finished_at = $1, outcome = 'lease_lost'
       WHERE finished_at IS NULL AND event_id IN (${ids})`,
      idParams,
    );
  }
  const insertParams: unknown[] = [owner, now, outcome];
  const finished = outcome === null ? 'NULL' : '$2';
  const values = counted
    .map((e) => `(${placeholders(insertParams, [e.id, e.attempts])}, $1, $2, ${finished}, $3)`)
    .join(', ');
  await tx.query(
    `INSERT INTO ${attempts} (event_id, attempt, worker, started_at, finished_at, outcome)
     VALUES ${values}`,
    insertParams,
  );
}

/**
 * `Store.claimOrComplete` inside a transaction the backend opened (SQLite: its one writer, so the
 * due rows cannot change between the SELECT and the UPDATEs). The due events `inline.collect`
 * accepts are applied by `inline.flush` and marked done at once, without a lease: the transaction
 * is their lease (a crash rolls it back, and they stay due). Of the rest, and of all of them if
 * the flush throws (rolled back to a savepoint), the oldest `options.limit` are claimed as
 * `claimEvents` does. `contended` is left for the backend to fill in.
 */
export async function claimOrCompleteEvents(
  tx: SqlExecutor,
  options: ClaimOptions,
  inline: InlineCompletion,
): Promise<Omit<ClaimOrCompleteResult, 'contended'>> {
  const limit = Math.max(Math.floor(options.limit), Math.floor(inline.limit));
  if (limit <= 0 || (options.events && options.events.length === 0)) {
    return { done: [], claimed: [], due: 0 };
  }
  const { rows: due, looked } =
    tx.dialect === 'postgres' && inline.byDirectory
      ? await readDueByDirectory(tx, options, limit, inline)
      : await readDue(tx, options, limit, inline).then((rows) => ({ rows, looked: rows.length }));
  let done = due.filter(isWhole).filter((stored) => inline.collect(stored));
  if (done.length > 0) {
    await tx.query(`SAVEPOINT ${savepoint}`);
    try {
      await inline.flush(tx);
      await tx.query(`RELEASE SAVEPOINT ${savepoint}`);
    } catch (error) {
      await tx.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      await tx.query(`RELEASE SAVEPOINT ${savepoint}`);
      inline.flushFailed?.(error);
      done = [];
    }
  }
  const inlineIds = new Set(done.map((stored) => stored.id));
  const rest = due
    .filter((stored) => !inlineIds.has(stored.id))
    .slice(0, Math.max(0, Math.floor(options.limit)));
  if (done.length > 0) {
    const doneParams: unknown[] = [options.now];
    const which = whereIds(
      tx,
      doneParams,
      done.map((stored) => stored.id),
    );
    await tx.query(
      `UPDATE ${events}
       SET ${doneColumns('$1')}, attempts = attempts + 1
       WHERE ${which}`,
      doneParams,
      preparedOn(tx),
    );
    done = done.map((stored) => ({
      ...stored,
      status: 'done',
      attempts: stored.attempts + 1,
      nextAttemptAt: null,
      processedAt: options.now,
      leaseOwner: null,
      leaseExpiresAt: null,
      lastError: null,
    }));
    await startAttempts(tx, options.owner, done, options.now, 'done');
  }
  let claimed: StoredEvent[] = [];
  if (rest.length > 0) {
    const until = new Date(options.now.getTime() + options.leaseMs);
    const claimParams: unknown[] = [options.owner, until];
    const which = whereIds(
      tx,
      claimParams,
      rest.map((stored) => stored.id),
    );
    const { rows: updated } = await tx.query<EventRow>(
      `UPDATE ${events}
       SET ${leaseColumns('$1', '$2')}
       WHERE ${which}
       RETURNING *`,
      claimParams,
      preparedOn(tx),
    );
    claimed = updated.map(toStoredEvent);
    await startAttempts(tx, options.owner, claimed, options.now, null);
  }
  return { done, claimed: sortClaimed(claimed), due: looked };
}

/**
 * The due events, oldest first: ids and names first, then whole rows for the names
 * `inline.accepts` (the others are only ever leased, by id, and read by the lease's RETURNING);
 * whole rows at once when it accepts every name.
 */
async function readDue(
  tx: SqlExecutor,
  options: ClaimOptions,
  limit: number,
  inline: InlineCompletion,
): Promise<Array<StoredEvent | { id: string; event: string }>> {
  const params: unknown[] = [options.now, limit];
  if (inline.acceptsEvery) {
    // Nothing to leave unread: one statement, whole rows.
    const { rows } = await tx.query<EventRow>(dueSelect(tx, options, params, '*'), params);
    return rows.map(toStoredEvent);
  }
  const { rows: heads } = await tx.query<{ id: string; event: string }>(
    dueSelect(tx, options, params, 'id, event'),
    params,
  );
  return wholeRowsOfAccepted(tx, heads, inline);
}

/** `heads` in order, whole (body included) where `inline` accepts the name. */
async function wholeRowsOfAccepted(
  tx: SqlExecutor,
  heads: ReadonlyArray<{ id: string; event: string }>,
  inline: InlineCompletion,
): Promise<Array<StoredEvent | { id: string; event: string }>> {
  const wanted = heads.filter((head) => inline.accepts(head.event));
  if (wanted.length === 0) return [...heads];
  const idParams: unknown[] = [];
  const which = whereIds(
    tx,
    idParams,
    wanted.map((head) => head.id),
  );
  const { rows } = await tx.query<EventRow>(
    `SELECT * FROM ${events} WHERE ${which}`,
    idParams,
    preparedOn(tx),
  );
  const whole = new Map(rows.map((row) => [row.id, toStoredEvent(row)]));
  return heads.map((head) => whole.get(head.id) ?? head);
}

/** Directories passed over, at most, when the oldest due events' are held elsewhere. */
const directoriesBeyond = 8;
/** Directories one claim takes at most (while the claim has room: a live stream's few each). */
const directoriesPerClaim = 16;

/**
 * PostgreSQL, `InlineCompletion.byDirectory`: due events by directory, row-locked as `readDue`'s.
 * First the due events of no directory, oldest first; then, while the claim has room, the due
 * events of the directory of the oldest due event whose lock no other transaction holds (taken
 * here without waiting; the mirror's writes take it again, at once), then the next such
 * directory's. A deep backlog fills a claim with one directory, so two workers apply two; a live
 * stream's few events of many directories still share one claim. When the claim found nothing
 * else and the oldest few directories are all held, it waits for the oldest one's lock, holding
 * no other (so no cycle). Each statement reads an index in its order and stops at its LIMIT,
 * never sorting the backlog. `looked` tells the worker whether it caught up: a claim that took a
 * directory may have left others due, so the next claim looks.
 */
async function readDueByDirectory(
  tx: SqlExecutor,
  options: ClaimOptions,
  limit: number,
  inline: InlineCompletion,
): Promise<{ rows: Array<StoredEvent | { id: string; event: string }>; looked: number }> {
  // An array, so that each statement has one text (prepared) whether or not names are given.
  const byName = (params: unknown[]) => {
    if (!options.events) return '';
    params.push(options.events);
    return `AND event = ANY ($${params.length}::text[])`;
  };
  const dueRows = `status IN ('pending', 'retrying', 'processing') AND next_attempt_at <= $1`;
  const columns = inline.acceptsEvery ? '*' : 'id, event';
  const dueOf = async (directory: string, room: number): Promise<EventRow[]> => {
    const params: unknown[] = [options.now, room, directory];
    const { rows } = await tx.query<EventRow>(
      `SELECT ${columns} FROM ${events}
       WHERE directory_id = $3 AND ${dueRows} ${byName(params)}
       ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      params,
      { prepare: true },
    );
    return rows;
  };
  // Without statistics (a new or bulk-filled table) PostgreSQL expected a few rows and read every
  // due row of the directory in a bitmap scan, then sorted them: 180 ms per claim at 45,000 due.
  // Bitmap scans off for these statements, the index is read in its order and the LIMIT stops
  // it, whatever the statistics; back to the setting for the rest of the transaction.
  await tx.query('SET LOCAL enable_bitmapscan = off');
  const found = await dueOf('', limit);
  const taken: string[] = [];
  while (found.length < limit && taken.length < directoriesPerClaim) {
    const directory = await takeOldestFreeDirectory(tx, options, dueRows, byName, taken, {
      wait: found.length === 0 && taken.length === 0,
    });
    if (directory === undefined) break;
    taken.push(directory);
    found.push(...(await dueOf(directory, limit - found.length)));
  }
  await tx.query('SET LOCAL enable_bitmapscan TO DEFAULT');
  const ordered = found.sort((a, b) => {
    const at = toTime(a.next_attempt_at) - toTime(b.next_attempt_at);
    return at !== 0 ? at : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  const rows = inline.acceptsEvery
    ? ordered.map(toStoredEvent)
    : await wholeRowsOfAccepted(tx, ordered, inline);
  return {
    rows,
    looked: taken.length > 0 && rows.length > 0 ? Math.max(rows.length, limit) : rows.length,
  };
}

/**
 * The directory of the oldest due event, not in `taken`, whose lock this transaction could take
 * without waiting (then held), passing over up to `directoriesBeyond` held elsewhere; with
 * `wait`, if each of those is held, the oldest one's lock, waited for. Undefined when no other
 * due event names a directory (or, without `wait`, none could be taken).
 */
async function takeOldestFreeDirectory(
  tx: SqlExecutor,
  options: ClaimOptions,
  dueRows: string,
  byName: (params: unknown[]) => string,
  taken: readonly string[],
  { wait }: { wait: boolean },
): Promise<string | undefined> {
  const passed: string[] = [];
  for (let k = 0; k <= directoriesBeyond; k++) {
    const params: unknown[] = [options.now, [...taken, ...passed]];
    // The lock is tried on the one row the subquery's LIMIT lets through.
    const { rows } = await tx.query<{ directory_id: string; held: boolean }>(
      `SELECT directory_id,
         pg_try_advisory_xact_lock(${directoryLockSpace}, hashtext(directory_id)) AS held
       FROM (SELECT directory_id FROM ${events}
             WHERE ${dueRows} AND directory_id <> '' AND directory_id <> ALL ($2::text[])
               ${byName(params)}
             ORDER BY next_attempt_at, id LIMIT 1) AS oldest`,
      params,
      { prepare: true },
    );
    const next = rows[0];
    if (!next) break;
    if (next.held) return next.directory_id;
    passed.push(next.directory_id);
  }
  if (!wait || passed.length === 0) return undefined;
  await tx.query(`SELECT pg_advisory_xact_lock(${directoryLockSpace}, hashtext($1))`, [passed[0]]);
  return passed[0];
}

function toTime(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(String(value));
}

function isWhole(row: StoredEvent | { id: string; event: string }): row is StoredEvent {
  return 'rawBody' in row;
}

/** In the order they were received (ties by id). */
function sortClaimed(claimed: StoredEvent[]): StoredEvent[] {
  return claimed.sort(
    (a, b) =>
      a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Mark `done` if `owner` holds the lease; the UPDATE also locks the row until commit. */
export async function markDone(
  tx: SqlExecutor,
  id: string,
  owner: string,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE ${events}
     SET ${doneColumns('$3')}
     WHERE id = $1 AND lease_owner = $2 AND status = 'processing'`,
    [id, owner, now],
  );
  if (rowCount === 0) return false;
  await finishAttempt(tx, id, owner, now, 'done', null);
  return true;
}

/** A `complete` whose work took this long gets its end time written (`restampDone`). */
export const restampAfterMs = 1000;

/**
 * After `markDone(…, startedAt)` and a `work` that took `restampAfterMs` or more: the event's
 * `processed_at` and its attempt's end become `finishedAt`, so `events show` tells how long the
 * handlers ran (the lease check and the done mark come first, before `work`, by design).
 */
export async function restampDone(
  tx: SqlExecutor,
  id: string,
  owner: string,
  startedAt: Date,
  finishedAt: Date,
): Promise<void> {
  if (finishedAt.getTime() - startedAt.getTime() < restampAfterMs) return;
  await tx.query(`UPDATE ${events} SET processed_at = $2 WHERE id = $1 AND status = 'done'`, [
    id,
    finishedAt,
  ]);
  await tx.query(
    `UPDATE ${attempts} SET finished_at = $4
     WHERE event_id = $1 AND worker = $2 AND finished_at = $3 AND outcome = 'done'`,
    [id, owner, startedAt, finishedAt],
  );
}

const savepoint = 'workos_inbox_complete_item';

/**
 * The ids of `ids` whose lease `owner` still holds. On PostgreSQL the rows stay locked until the
 * transaction ends, so nobody can take them meanwhile (SQLite has one writer at a time).
 */
async function heldLeases(
  tx: SqlExecutor,
  owner: string,
  ids: readonly string[],
): Promise<Set<string>> {
  const params: unknown[] = [owner];
  // Only the ids in WHERE: with the lease test there too, PostgreSQL's planner (its estimates
  // behind a draining backlog) intersected the primary key with the status index and walked
  // every processing entry left in it, thousands, for a batch of eight; and as an `IN (…)` list,
  // a table without statistics was read whole. On PostgreSQL each id is found by its key and its
  // row reached by address (`whereIds`), locked in id order; a row updated between the lookup and
  // the lock (its lease taken by another worker) has a new address and is not returned, so it
  // counts as lost, as it is. A row whose lease somebody else took is locked too, until this
  // transaction ends; that is rare (a lost lease).
  const lock = tx.dialect === 'postgres' ? 'ORDER BY id FOR UPDATE' : '';
  const { rows } = await tx.query<{ id: string; held: boolean | number }>(
    `SELECT id, (lease_owner = $1 AND status = 'processing') AS held FROM ${events}
     WHERE ${whereIds(tx, params, ids)} ${lock}`,
    params,
    preparedOn(tx),
  );
  return new Set(rows.filter((r) => Boolean(r.held)).map((r) => r.id));
}

/**
 * Mark `ids` done and finish their attempts. Their leases were checked (and on PostgreSQL the
 * rows locked) by `heldLeases` in this transaction, so the update selects by id alone
 * (`whereIds`: by key, then by address on PostgreSQL).
 */
async function markManyDone(
  tx: SqlExecutor,
  owner: string,
  ids: readonly string[],
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  const params: unknown[] = [owner, now];
  const done = (where: string) => `UPDATE ${events}
     SET ${doneColumns('$2')}
     WHERE ${where}`;
  const finish = (
    eventIds: string,
  ) => `UPDATE ${attempts} SET finished_at = $2, outcome = 'done', error = NULL
     WHERE event_id ${eventIds} AND worker = $1 AND finished_at IS NULL`;
  if (tx.dialect === 'postgres') {
    // One round trip, prepared: the attempts are finished for exactly the rows the update marked
    // (read by index: see the claim's `lost`).
    await tx.query(
      `WITH done AS (${done(whereIds(tx, params, ids))} RETURNING id)
       ${finish('= ANY (ARRAY(SELECT id FROM done))')}`,
      params,
      { prepare: true },
    );
    return;
  }
  const list = placeholders(params, ids);
  await tx.query(done(`id IN (${list})`), params);
  await tx.query(finish(`IN (${list})`), params);
}

/**
 * `Store.completeMany` inside a transaction the backend opened. The leases are checked (and on
 * PostgreSQL locked) with one statement and the events marked done with one more; each item that
 * writes runs inside its own savepoint, so a failing handler undoes that item's writes only. A
 * `collectsOnly` item needs no savepoint: its writes are applied by `options.flush`.
 */
export async function completeItems(
  tx: SqlExecutor,
  owner: string,
  items: readonly CompleteItem[],
  now: Date,
  options: CompleteManyOptions = {},
): Promise<CompleteResult[]> {
  const maxItems = options.maxItems ?? defaults.completeManyMaxItems.value;
  const budgetMs = options.budgetMs ?? defaults.completeManyBudgetMs.value;
  const monotonicNow = options.monotonicNow ?? (() => performance.now());
  const flush = options.flush ?? (async () => {});
  const candidates = items.slice(0, Math.max(1, maxItems));
  const held = await heldLeases(
    tx,
    owner,
    candidates.map((item) => item.id),
  );
  const started = monotonicNow();
  const results: CompleteResult[] = [];
  const done: string[] = [];
  const failed: { item: CompleteItem; index: number; error: unknown }[] = [];
  for (const item of candidates) {
    // Stopping: not even the first item starts. The caller checked before calling, but stop()
    // can come while this transaction begins (the SQLite write lock, a PostgreSQL connection,
    // BEGIN, the lease check), as `complete`'s caller checks inside its transaction for.
    if (options.stopped?.()) break;
    if (results.length > 0 && monotonicNow() - started >= budgetMs) break;
    if (!held.has(item.id)) {
      results.push({ id: item.id, outcome: 'lease_lost' });
      continue;
    }
    if (item.collectsOnly) {
      try {
        await item.work(tx);
        done.push(item.id);
        results.push({ id: item.id, outcome: 'done' });
      } catch (error) {
        failed.push({ item, index: results.length, error });
        results.push({ id: item.id, outcome: 'failed', error, recorded: false });
      }
      continue;
    }
    await flush(tx);
    await tx.query(`SAVEPOINT ${savepoint}`);
    try {
      await item.work(tx);
    } catch (error) {
      await tx.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      await tx.query(`RELEASE SAVEPOINT ${savepoint}`);
      failed.push({ item, index: results.length, error });
      results.push({ id: item.id, outcome: 'failed', error, recorded: false });
      continue;
    }
    await tx.query(`RELEASE SAVEPOINT ${savepoint}`);
    done.push(item.id);
    results.push({ id: item.id, outcome: 'done' });
  }
  await flush(tx);
  await markManyDone(tx, owner, done, options.finishedAt?.() ?? now);
  for (const { item, index, error } of failed) {
    const recorded = await markFailed(tx, item.id, owner, item.failure(error));
    results[index] = { id: item.id, outcome: 'failed', error, recorded };
  }
  return results;
}

export async function markFailed(
  tx: SqlExecutor,
  id: string,
  owner: string,
  options: FailOptions,
): Promise<boolean> {
  const status = options.nextAttemptAt === null ? 'dead' : 'retrying';
  const { rowCount } = await tx.query(
    `UPDATE ${events}
     SET status = $3, next_attempt_at = $4, last_error = $5,
         lease_owner = NULL, lease_expires_at = NULL
     WHERE id = $1 AND lease_owner = $2 AND status = 'processing'`,
    [id, owner, status, options.nextAttemptAt, options.error],
  );
  if (rowCount === 0) return false;
  await finishAttempt(tx, id, owner, options.now, status, options.error);
  return true;
}

async function finishAttempt(
  tx: SqlExecutor,
  id: string,
  owner: string,
  now: Date,
  outcome: string,
  error: string | null,
): Promise<void> {
  await tx.query(
    `UPDATE ${attempts} SET finished_at = $3, outcome = $4, error = $5
     WHERE event_id = $1 AND worker = $2 AND finished_at IS NULL`,
    [id, owner, now, outcome, error],
  );
}

export async function extendLease(
  tx: SqlExecutor,
  id: string,
  owner: string,
  until: Date,
): Promise<boolean> {
  if (tx.dialect === 'sqlite') {
    const { rowCount } = await tx.query(
      `UPDATE ${events} SET lease_expires_at = $3, next_attempt_at = $3
       WHERE id = $1 AND lease_owner = $2 AND status = 'processing'`,
      [id, owner, until],
    );
    return rowCount > 0;
  }
  // On PostgreSQL the owner's own `complete` transaction holds the row lock while its handler
  // runs; waiting for it would park a pooled connection per extension. Skip a locked row, and
  // answer from the committed state: nobody can claim a locked row, so the lease is still held.
  const { rowCount } = await tx.query(
    `UPDATE ${events} SET lease_expires_at = $3, next_attempt_at = $3
     WHERE id IN (
       SELECT id FROM ${events}
       WHERE id = $1 AND lease_owner = $2 AND status = 'processing'
       FOR UPDATE SKIP LOCKED
     )`,
    [id, owner, until],
  );
  if (rowCount > 0) return true;
  const { rows } = await tx.query(
    `SELECT 1 AS held FROM ${events} WHERE id = $1 AND lease_owner = $2 AND status = 'processing'`,
    [id, owner],
  );
  return rows.length > 0;
}

/** Give leases back due now; the attempt they started is not counted. */
export async function releaseLeases(tx: SqlExecutor, owner: string, now: Date): Promise<number> {
  const { rows } = await tx.query<{ id: string }>(
    `UPDATE ${events}
     SET status = CASE WHEN attempts > 1 THEN 'retrying' ELSE 'pending' END,
         attempts = attempts - 1, next_attempt_at = $2, lease_owner = NULL, lease_expires_at = NULL
     WHERE lease_owner = $1 AND status = 'processing'
     RETURNING id`,
    [owner, now],
  );
  for (const { id } of rows) await finishAttempt(tx, id, owner, now, 'released', null);
  return rows.length;
}
