// The forwarder's writes, written once for both backends over SqlExecutor (`$n` placeholders).
// Each runs inside a transaction the backend opened (Store.writeTransaction).
import { placeholders } from '../store/event-rows.js';
import { addressesByKey } from '../store/postgres/addresses-by-key.js';
import type { SqlExecutor } from '../store/sql-executor.js';
import {
  deliveries,
  deliveryAttempts,
  destinationFilters,
  destinations,
  toClaimedDelivery,
} from './delivery-rows.js';
import type { ClaimedDelivery, DeliveryOutcome } from './delivery-types.js';

/**
 * Make the database's destinations (what the append trigger queues deliveries for) equal to
 * `wanted`. A destination dropped from the configuration keeps its deliveries (listed, redrivable)
 * but gets no new ones. A pause (410) survives: only `resumeDestination` lifts it.
 */
export async function syncDestinations(
  tx: SqlExecutor,
  wanted: readonly { name: string; events: readonly string[]; ordered: boolean }[],
): Promise<void> {
  const params: unknown[] = [];
  const keep =
    wanted.length === 0
      ? `''`
      : placeholders(
          params,
          wanted.map((d) => d.name),
        );
  await tx.query(`DELETE FROM ${destinations} WHERE name NOT IN (${keep})`, params);
  for (const d of wanted) {
    await tx.query(
      `INSERT INTO ${destinations} (name, ordered) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET ordered = excluded.ordered`,
      [d.name, d.ordered],
    );
    await tx.query(`DELETE FROM ${destinationFilters} WHERE destination = $1`, [d.name]);
    for (const pattern of new Set(d.events)) {
      await tx.query(`INSERT INTO ${destinationFilters} (destination, pattern) VALUES ($1, $2)`, [
        d.name,
        pattern,
      ]);
    }
  }
}

export interface ClaimDeliveriesOptions {
  destination: string;
  owner: string;
  limit: number;
  leaseMs: number;
  now: Date;
  /** Only the earliest unfinished delivery of each directory object may be claimed. */
  ordered: boolean;
}

const unfinished = `('pending', 'retrying', 'delivering')`;

/**
 * SET clause for a release or redrive, which end the row's attempt after logging it: the row then
 * holds none until the next claim starts one (store migration 0007).
 */
export const noAttempt =
  'attempt_worker = NULL, attempt_started_at = NULL, attempt_finished_at = NULL, attempt_outcome = NULL';

/**
 * Copy the attempt each row matching `where` holds to the attempt log, before a release or redrive
 * ends it (`noAttempt`). With `releasedAt` (a placeholder of `params`) the attempt is logged as
 * `released` then, unfinished; without, as the row recorded its end (outcome, status code, error).
 */
export async function logRowAttempts(
  tx: SqlExecutor,
  where: string,
  params: readonly unknown[],
  releasedAt?: string,
): Promise<void> {
  const ending =
    releasedAt === undefined
      ? 'attempt_finished_at, last_status_code, attempt_outcome, last_error'
      : `${releasedAt}, NULL, 'released', NULL`;
  await tx.query(
    `INSERT INTO ${deliveryAttempts}
       (event_id, destination, attempt, worker, started_at, finished_at, status_code, outcome,
        error)
     SELECT event_id, destination, attempts, attempt_worker, attempt_started_at, ${ending}
     FROM ${deliveries} WHERE ${where} AND attempt_started_at IS NOT NULL`,
    params,
  );
}

/**
 * Lease due deliveries of one destination: each becomes `delivering` with `attempts + 1`, leased
 * to `owner` until `now + leaseMs`, and comes back with what its attempt needs (id, attempt number,
 * the event's name and body). A paused destination (410) yields none, whichever process paused it.
 */
export async function claimDeliveries(
  tx: SqlExecutor,
  options: ClaimDeliveriesOptions,
): Promise<ClaimedDelivery[]> {
  if (options.limit <= 0) return [];
  const until = new Date(options.now.getTime() + options.leaseMs);
  const index = tx.dialect === 'sqlite' ? 'INDEXED BY workos_inbox_deliveries_due' : '';
  const lock = tx.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  // An earlier event of the same object still unfinished (queued, retrying or in flight) holds
  // the later ones back; a dead one does not (it will not be delivered without a redrive).
  const inOrder = options.ordered
    ? `AND (d.ordering_key IS NULL OR NOT EXISTS (
         SELECT 1 FROM ${deliveries} e
         WHERE e.destination = d.destination AND e.ordering_key = d.ordering_key
           AND e.status IN ${unfinished}
           AND (e.event_created_at < d.event_created_at
             OR (e.event_created_at = d.event_created_at AND e.event_id < d.event_id))))`
    : '';
  // PostgreSQL takes each due row's address too (see below).
  const due = `due AS (
       SELECT d.event_id${tx.dialect === 'postgres' ? ', d.ctid AS address' : ''}
       FROM ${deliveries} d ${index}
       WHERE d.destination = $1 AND d.status IN ${unfinished} AND d.next_attempt_at <= $2 ${inOrder}
         AND NOT EXISTS (
           SELECT 1 FROM ${destinations} p WHERE p.name = $1 AND p.paused_at IS NOT NULL)
       ORDER BY d.next_attempt_at, d.event_id
       LIMIT $3 ${lock}
     )`;
  // The claim starts the row's new attempt; the one it replaces, if any (a retry, or a lease its
  // holder lost), goes to the attempt log by the table's trigger (store migration 0007).
  const update = (rows: string) => `UPDATE ${deliveries}
     SET status = 'delivering', attempts = attempts + 1, lease_owner = $4, next_attempt_at = $5,
         attempt_worker = $4, attempt_started_at = $2, attempt_finished_at = NULL,
         attempt_outcome = NULL
     WHERE ${rows}
     RETURNING event_id, attempts`;
  const claimParams = [
    options.destination,
    options.now,
    Math.floor(options.limit),
    options.owner,
    until,
  ];
  if (tx.dialect === 'postgres') {
    // One round trip, as the worker's claim: the bodies are joined in. Prepared (one of two
    // texts, ordered or not): parsing and planning it each time cost PostgreSQL more CPU per
    // claim than writing dozens of the claimed rows. Written so that it has one plan whatever the
    // statistics, as the outcomes' statement: the update reaches the rows the due scan locked by
    // their address (a TID scan; locked, so it cannot move), and each claimed row's event is
    // looked up by its key (`OFFSET 0` keeping it a lookup). Before, `event_id IN (…)` and a
    // join: with statistics PostgreSQL judged a claim of 256 cheaper as a hash join over every
    // delivery and every event the inbox keeps, read in full by each claim.
    const { rows } = await tx.query<ClaimedRow & { event: string; raw_body: Buffer }>(
      `WITH ${due},
       claimed AS (${update('ctid = ANY (ARRAY(SELECT address FROM due))')})
       SELECT c.event_id, c.attempts, e.event, e.raw_body
       FROM claimed c CROSS JOIN LATERAL (
         SELECT x.event, x.raw_body FROM workos_inbox_events x
         WHERE x.id = c.event_id OFFSET 0) e`,
      claimParams,
      { prepare: true },
    );
    return rows.map((r) => toClaimedDelivery(options.destination, r, r));
  }
  // SQLite: no data-modifying CTEs, so the bodies are read by a second statement, which takes the
  // ids as one JSON array (`json_each`): one text whatever the claim's size, where a text per size
  // would be prepared again for most claims (a few hundred µs for a large one; sizes vary from 1
  // to the claim window). (Subqueries in the claim's RETURNING read the bodies too, measured ~2 µs
  // per delivery slower: two lookups each.)
  const { rows } = await tx.query<ClaimedRow>(
    `WITH ${due} ${update('destination = $1 AND event_id IN (SELECT event_id FROM due)')}`,
    claimParams,
  );
  if (rows.length === 0) return [];
  const { rows: bodies } = await tx.query<{ id: string; event: string; raw_body: Buffer }>(
    `SELECT e.id, e.event, e.raw_body
     FROM json_each($1) j CROSS JOIN workos_inbox_events e ON e.id = j.value`,
    [JSON.stringify(rows.map((r) => r.event_id))],
  );
  const byId = new Map(bodies.map((b) => [b.id, b]));
  return rows.flatMap((r) => {
    const body = byId.get(r.event_id);
    return body ? [toClaimedDelivery(options.destination, r, body)] : [];
  });
}

/** What a claim returns of each row it leases: the rest is known (status, lease) or not needed. */
type ClaimedRow = { event_id: string; attempts: number | string };

/** How one attempt ended, to record with `finishDeliveries`. */
export interface DeliveryResult {
  eventId: string;
  destination: string;
  outcome: Exclude<DeliveryOutcome, 'lease_lost' | 'released'>;
  /** `retrying` / `paused`: when to try again. */
  nextAttemptAt: Date | null;
  statusCode: number | null;
  error: string | null;
  now: Date;
  /**
   * When the request went out; the attempt keeps its claim's time without one. They differ when a
   * delivery waits in the queue after its claim (a rate limit, a slow destination's turn).
   */
  startedAt?: Date;
}

/**
 * Record several attempts' outcomes for deliveries `owner` still holds. Returns how many were
 * recorded (a delivery whose lease was lost meanwhile is left to its new holder). One statement
 * per destination, with one text whatever the batch size (the outcomes travel as one JSON
 * parameter); each delivery's row holds its latest attempt (store migration 0007), so the outcome
 * ends the attempt on the row; no attempt-log row is written.
 */
export async function finishDeliveries(
  tx: SqlExecutor,
  owner: string,
  results: readonly DeliveryResult[],
): Promise<number> {
  let recorded = 0;
  const byDestination = new Map<string, DeliveryResult[]>();
  for (const r of results) {
    const group = byDestination.get(r.destination);
    if (group) group.push(r);
    else byDestination.set(r.destination, [r]);
  }
  for (const [destination, group] of byDestination) {
    const { rowCount } =
      tx.dialect === 'sqlite'
        ? await tx.query(
            // `v` is the outcomes' rows; $1 the destination, $2 the owner. Each row is looked up
            // by its key, named: from about 64 outcomes SQLite's planner otherwise read every
            // delivery in flight (the status index) for each outcome. (SQLite names a table's
            // PRIMARY KEY index sqlite_autoindex_<table>_1.)
            `WITH v (${outcomeColumns.map(([name]) => name).join(', ')}) AS (
               SELECT ${outcomeColumns.map((_, k) => `value ->> ${k}`).join(', ')}
               FROM json_each($3))
             UPDATE ${deliveries} AS d INDEXED BY sqlite_autoindex_${deliveries}_1
             SET status = v.status, next_attempt_at = v.next_attempt_at, lease_owner = NULL,
                 last_status_code = v.status_code, last_error = v.error,
                 delivered_at = v.delivered_at, attempt_finished_at = v.finished_at,
                 attempt_outcome = v.outcome,
                 attempt_started_at = coalesce(v.started_at, d.attempt_started_at)
             FROM v
             WHERE d.event_id = v.event_id AND d.destination = $1 AND d.lease_owner = $2
               AND d.status = 'delivering'`,
            [destination, owner, JSON.stringify(group.map(outcomeRow))],
          )
        : await tx.query(
            postgresOutcomes,
            [
              destination,
              owner,
              JSON.stringify(Object.fromEntries(group.map((r) => [r.eventId, outcomeRow(r)]))),
              group.map((r) => r.eventId),
            ],
            { prepare: true },
          );
    recorded += rowCount;
  }
  return recorded;
}

/** An outcome's row, in `outcomeColumns`' order; dates as ISO text (what `toSqliteValue` binds). */
function outcomeRow(r: DeliveryResult): unknown[] {
  const status =
    r.outcome === 'delivered' ? 'delivered' : r.outcome === 'dead' ? 'dead' : 'retrying';
  const now = r.now.toISOString();
  return [
    r.eventId,
    status,
    status === 'retrying' ? r.nextAttemptAt : null,
    r.statusCode,
    r.error,
    status === 'delivered' ? now : null,
    now,
    r.outcome,
    r.startedAt?.toISOString() ?? null,
  ];
}

/** The columns of an outcome's row, in order, with PostgreSQL's type for each. */
const outcomeColumns = [
  ['event_id', 'text'],
  ['status', 'text'],
  ['next_attempt_at', 'timestamptz'],
  ['status_code', 'integer'],
  ['error', 'text'],
  ['delivered_at', 'timestamptz'],
  ['finished_at', 'timestamptz'],
  ['outcome', 'text'],
  ['started_at', 'timestamptz'],
] as const;

/**
 * PostgreSQL: $1 the destination, $2 the owner, $3 the outcomes as a JSON object by event id (each
 * an `outcomeRow`), $4 their event ids. Written so that it has one plan whatever the statistics:
 * each delivery is found by its primary key and reached by address ({@link addressesByKey}), and
 * each row takes its outcome from the object by key (parsed once, at bind: the parameter is typed
 * `jsonb`), so there is no join whose order the planner could get wrong: a prepared statement's
 * generic plan is the same plan. The lease and status are tested on each row, written `(…) IS
 * TRUE` (the same for these columns) so that no index on them can look attractive. A row a
 * lease-stealer updated meanwhile has a new `ctid` and is skipped, as the lease test would.
 * Before, one `UPDATE … FROM (VALUES …)`: with statistics taken while few deliveries were in
 * flight, or none yet (a new inbox), PostgreSQL read every delivery in flight (or every unfinished
 * one, the backlog, by the due index) once per batch or per outcome; measured (EXPLAIN ANALYZE)
 * 4.6 ms for 64 outcomes beside 100 in flight, 7.6 ms for 256 beside a backlog of 30,000, growing
 * with the backlog.
 */
const postgresOutcomes = (() => {
  const field = (k: number) => {
    const [, type] = outcomeColumns[k]!;
    return type === 'text' ? `o ->> ${k}` : `(o ->> ${k})::${type}`;
  };
  return `UPDATE ${deliveries} AS d
    SET (status, next_attempt_at, last_status_code, last_error, delivered_at, attempt_finished_at,
         attempt_outcome, attempt_started_at, lease_owner) =
      (SELECT ${[1, 2, 3, 4, 5, 6, 7].map(field).join(', ')},
              coalesce(${field(8)}, d.attempt_started_at), NULL
       FROM (SELECT $3::jsonb -> d.event_id AS o) x)
    WHERE d.ctid = ANY (${addressesByKey(deliveries, 'event_id', '$4', 'r.destination = $1')})
      AND (d.destination = $1 AND d.lease_owner = $2 AND d.status = 'delivering') IS TRUE`;
})();

/**
 * Give back the deliveries `owner` holds, the attempt not counted: every one it holds for
 * `scope.destinations` (graceful shutdown), or `scope`'s one delivery (claimed, never started).
 */
export async function releaseDeliveries(
  tx: SqlExecutor,
  owner: string,
  now: Date,
  scope: { destinations: readonly string[] } | { destination: string; eventId: string },
): Promise<number> {
  const params: unknown[] = [owner, now];
  // By destination and status (an index), not a scan of every delivery the inbox keeps.
  const which =
    'destinations' in scope
      ? `destination IN (${scope.destinations.length === 0 ? 'NULL' : placeholders(params, scope.destinations)})`
      : `destination = ${placeholders(params, [scope.destination])} AND event_id = ${placeholders(params, [scope.eventId])}`;
  const held = `${which} AND lease_owner = $1 AND status = 'delivering'`;
  // The attempt ends here, released: to the log, as the next claim starts another.
  await logRowAttempts(tx, held, params, '$2');
  const { rowCount } = await tx.query(
    `UPDATE ${deliveries}
     SET status = CASE WHEN attempts > 1 THEN 'retrying' ELSE 'pending' END,
         attempts = attempts - 1, next_attempt_at = $2, lease_owner = NULL,
         ${noAttempt}
     WHERE ${held}`,
    params,
  );
  return rowCount;
}

/** Stop delivering to `name` (it answered 410 Gone) until `resumeDestination`. */
export async function pauseDestination(
  tx: SqlExecutor,
  name: string,
  reason: string,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE ${destinations} SET paused_at = $2, paused_reason = $3
     WHERE name = $1 AND paused_at IS NULL`,
    [name, now, reason],
  );
  return rowCount > 0;
}

/**
 * Take `name` out of the configuration (`deliveries remove`): appends queue no delivery for it
 * from this transaction on. Its deliveries stay (listed, redrivable); their events' payloads are
 * no longer kept for them by retention. `false` if it was not configured (removed already, or
 * never). A process started later with it in `--forward-to` writes it back.
 */
export async function removeDestination(tx: SqlExecutor, name: string): Promise<boolean> {
  await tx.query(`DELETE FROM ${destinationFilters} WHERE destination = $1`, [name]);
  const { rowCount } = await tx.query(`DELETE FROM ${destinations} WHERE name = $1`, [name]);
  return rowCount > 0;
}

/** Lift a pause; its deliveries are due at once. `false` if the destination is unknown. */
export async function resumeDestination(
  tx: SqlExecutor,
  name: string,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE ${destinations} SET paused_at = NULL, paused_reason = NULL WHERE name = $1`,
    [name],
  );
  if (rowCount === 0) return false;
  await tx.query(
    `UPDATE ${deliveries} SET next_attempt_at = $2
     WHERE destination = $1 AND status IN ('pending', 'retrying') AND next_attempt_at > $2`,
    [name, now],
  );
  return true;
}
