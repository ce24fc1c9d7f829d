import { createHash } from 'node:crypto';
import type { SqlExecutor } from './sql-executor.js';
import { MigrationFailedError, SchemaMismatchError, StoreUnavailableError } from './types.js';
import type { Migration, MigrationSet, SchemaStatus } from './types.js';

/** What the runner needs from a backend, inside a transaction that holds the migration lock. */
export interface MigrationSession extends SqlExecutor {
  /** Run a script of several statements (a migration file). */
  exec(sql: string): Promise<void>;
}

interface AppliedRow {
  component: string;
  version: number;
  name: string;
  checksum: string;
}

interface Plan {
  pending: { component: string; migration: Migration }[];
  /** Unknown or changed migrations: the database is not one this build can use. */
  mismatches: string[];
  /** One of the mismatches is a migration this build does not know. */
  newer: boolean;
}

export const migrationsTable = 'workos_inbox_migrations';

/** sha256 of the text, line endings normalised so a Windows checkout does not count as a change. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

function label(component: string, version: number): string {
  return `${component}/${String(version).padStart(4, '0')}`;
}

/** How a schema problem says the database is ahead of this build (`migrate` cannot help then). */
const migratedByNewerBuild = 'the database was migrated by a newer build';

/** `core/0008 (directory-claims)`: how a migration is named to users. */
function title(component: string, migration: Migration): string {
  return `${label(component, migration.version)} (${migration.name})`;
}

function plan(
  applied: readonly AppliedRow[],
  sets: readonly MigrationSet[],
  session: MigrationSession,
): Plan {
  const result: Plan = { pending: [], mismatches: [], newer: false };
  const seen = new Set<string>();
  for (const set of sets) {
    if (seen.has(set.component)) {
      throw new SchemaMismatchError(`migration set "${set.component}" was given twice`);
    }
    seen.add(set.component);
    const migrations = session.dialect === 'sqlite' ? set.sqlite : set.postgres;
    const byVersion = new Map<number, Migration>();
    for (const m of migrations) {
      const other = byVersion.get(m.version);
      // Else one of the two would be recorded, and the other later taken for a newer build's.
      if (other) {
        throw new SchemaMismatchError(
          `migration set "${set.component}" (${session.dialect}) has two migrations numbered ${m.version}: ` +
            `${other.name} and ${m.name}; give each its own version`,
        );
      }
      byVersion.set(m.version, m);
    }
    const done = new Set<number>();
    for (const row of applied.filter((r) => r.component === set.component)) {
      const known = byVersion.get(row.version);
      if (!known) {
        result.newer = true;
        result.mismatches.push(
          `unknown migration ${label(set.component, row.version)} (${row.name}): ${migratedByNewerBuild}`,
        );
      } else if (known.name !== row.name || migrationChecksum(known.sql) !== row.checksum) {
        result.mismatches.push(
          `migration ${label(set.component, row.version)} changed since it was applied (${row.name}); migrations are append-only`,
        );
      }
      done.add(row.version);
    }
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (!done.has(migration.version))
        result.pending.push({ component: set.component, migration });
    }
  }
  return result;
}

async function readApplied(session: MigrationSession): Promise<AppliedRow[]> {
  const { rows } = await session.query<AppliedRow>(
    `SELECT component, version, name, checksum FROM ${migrationsTable} ORDER BY component, version`,
  );
  return rows.map((r) => ({ ...r, version: Number(r.version) }));
}

async function tableExists(session: MigrationSession): Promise<boolean> {
  const sql =
    session.dialect === 'sqlite'
      ? `SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = $1`
      : `SELECT 1 AS present WHERE to_regclass($1) IS NOT NULL`;
  const { rows } = await session.query(sql, [migrationsTable]);
  return rows.length > 0;
}

/**
 * Apply every pending migration of every set, in order, recording each in `workos_inbox_migrations`.
 * The caller runs this inside one transaction holding the migration lock (SQLite: BEGIN IMMEDIATE;
 * PostgreSQL: an advisory lock), so concurrent starts apply each migration once.
 * Throws SchemaMismatchError, applying nothing, when an applied migration is unknown or changed.
 */
export async function applyMigrations(
  session: MigrationSession,
  sets: readonly MigrationSet[],
  now: Date,
): Promise<string[]> {
  const timeType = session.dialect === 'sqlite' ? 'TEXT' : 'timestamptz';
  await session.exec(
    `CREATE TABLE IF NOT EXISTS ${migrationsTable} (
      component TEXT NOT NULL,
      version INTEGER NOT NULL,
      name TEXT NOT NULL,
      checksum TEXT NOT NULL,
      applied_at ${timeType} NOT NULL,
      PRIMARY KEY (component, version)
    )`,
  );
  const { pending, mismatches, newer } = plan(await readApplied(session), sets, session);
  if (mismatches.length > 0) {
    throw new SchemaMismatchError(
      mismatches.join('; ') +
        (newer ? '; use the workos-inbox version that migrated it, or a newer one' : ''),
    );
  }
  const applied: string[] = [];
  for (const { component, migration } of pending) {
    try {
      await session.exec(migration.sql);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      // The driver's error alone does not say which migration (often the app's own) broke.
      throw new MigrationFailedError(
        `migration ${title(component, migration)} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    await session.query(
      `INSERT INTO ${migrationsTable} (component, version, name, checksum, applied_at) VALUES ($1, $2, $3, $4, $5)`,
      [component, migration.version, migration.name, migrationChecksum(migration.sql), now],
    );
    applied.push(title(component, migration));
  }
  return applied;
}

/** Compare the database with the migration sets without changing anything. */
export async function checkMigrations(
  session: MigrationSession,
  sets: readonly MigrationSet[],
): Promise<SchemaStatus> {
  const applied = (await tableExists(session)) ? await readApplied(session) : [];
  const { pending, mismatches, newer } = plan(applied, sets, session);
  const problems = [
    ...mismatches,
    ...pending.map(
      ({ component, migration }) => `migration ${title(component, migration)} not applied`,
    ),
  ];
  return {
    ok: problems.length === 0,
    problems,
    migratedByNewerBuild: newer,
    empty: applied.length === 0,
  };
}
