import { groupMembershipsTable } from '../mirror/apply/entity-tables.js';
import { writeKinds } from '../mirror/apply/mirror-writes.js';
import type { SqlExecutor } from '../store/sql-executor.js';
import type { PageWrites } from './batched-sql.js';
import { inList, isLive } from './entity-page.js';
import type { WireObject } from './list-pages.js';
import { startVersion } from './snapshot-version.js';
import type { TableCounts } from './table-counts.js';

interface MembershipRow {
  group_id: string;
  user_id: string;
  version: string;
  deleted_version: string | null;
}

const key = (groupId: string, userId: string) => `${groupId}\u0000${userId}`;

/** The group ids a listed directory user says it belongs to. */
function groupIds(user: WireObject): string[] {
  const groups = Array.isArray(user.groups) ? (user.groups as unknown[]) : [];
  return groups
    .map((g) => (g as WireObject | null)?.id)
    .filter((id): id is string => typeof id === 'string' && id !== '');
}

/**
 * A listed page of directory users carries each user's groups: WorkOS's whole truth about their
 * memberships. Memberships it names are created (or brought back); live ones it no longer names
 * are tombstoned, unless written after the snapshot started. Memberships carry no time of their
 * own, so the snapshot writes them with its start's version. The rows to write go to `writes`.
 */
export async function reconcileMembershipPage(
  tx: SqlExecutor,
  users: readonly WireObject[],
  directoryId: string,
  start: string,
  counts: TableCounts,
  writes: PageWrites,
): Promise<void> {
  if (users.length === 0) return;
  const version = startVersion(start);
  const ids = users.map((u) => u.id);
  const params: unknown[] = [];
  const columns = 'group_id, user_id, version, deleted_version';
  const { rows } =
    tx.dialect === 'postgres'
      ? // One index lookup per user. A plain `user_id = ANY(…)` is planned from the table's
        // statistics, which a mirror being filled has not got yet: PostgreSQL then assumes each
        // id matches 0.5% of the rows and scans the whole table for every page.
        await tx.query<MembershipRow>(
          `SELECT m.* FROM unnest($1::text[]) AS u(id) CROSS JOIN LATERAL ` +
            `(SELECT ${columns} FROM ${groupMembershipsTable} WHERE user_id = u.id OFFSET 0) AS m`,
          [ids],
        )
      : await tx.query<MembershipRow>(
          `SELECT ${columns} FROM ${groupMembershipsTable} WHERE ${inList(tx, 'user_id', params, ids)}`,
          params,
        );
  const stored = new Map(rows.map((row) => [key(row.group_id, row.user_id), row]));
  const listed = new Set<string>();
  const upserts: unknown[][] = [];
  for (const user of users) {
    const userId = user.id as string;
    for (const groupId of groupIds(user)) {
      const k = key(groupId, userId);
      if (listed.has(k)) continue;
      listed.add(k);
      const row = stored.get(k);
      if (row && !isLive(row) && String(row.deleted_version) >= version) {
        counts.unchanged++; // removed by an event newer than the snapshot
        continue;
      }
      if (!row || !isLive(row)) counts.created++;
      else counts.unchanged++;
      if (row && isLive(row) && row.version >= version) continue;
      upserts.push([groupId, userId, directoryId, version]);
    }
  }
  writes.add(writeKinds.upsertMembership, upserts);
  const deletes: unknown[][] = [];
  for (const row of rows) {
    if (listed.has(key(row.group_id, row.user_id)) || !isLive(row)) continue;
    if (row.version >= start) {
      counts.unchanged++; // added while the snapshot ran
      continue;
    }
    counts.deleted++;
    deletes.push([row.group_id, row.user_id, version]);
  }
  writes.add(writeKinds.deleteMembership, deletes);
}
