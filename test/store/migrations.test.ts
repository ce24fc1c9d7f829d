import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coreMigrationSet } from '../../src/store/core-migrations.js';
import { eventsApiMigrationSet } from '../../src/store/events-api-migrations.js';
import { loadMigrations } from '../../src/store/load-migrations.js';
import { migrationChecksum } from '../../src/store/migration-runner.js';
import { MigrationFailedError, SchemaMismatchError } from '../../src/store/types.js';
import { at, newEvent, t0, useBackends } from './backends.js';
import { effectsSet } from './effects.js';

const backends = useBackends();

interface MigrationRow {
  component: string;
  version: number;
  name: string;
  checksum: string;
}

describe.each(backends)('migrations on $name', (backend) => {
  const core = coreMigrationSet()[backend.name];
  // The store always applies the core set, then the Events API's (its own numbering).
  const builtIn = [
    ...core.map((m) => ({ component: 'core', ...m })),
    ...eventsApiMigrationSet()[backend.name].map((m) => ({ component: 'events_api', ...m })),
  ];

  it('applies the core set once; running it again changes nothing', async () => {
    const db = backend.fresh();
    const store = await db.open();
    const titles = builtIn.map(
      (m) => `${m.component}/${String(m.version).padStart(4, '0')} (${m.name})`,
    );
    expect(await store.checkSchema()).toEqual({
      ok: false,
      problems: titles.map((t) => `migration ${t} not applied`),
      migratedByNewerBuild: false,
      empty: true,
    });
    expect(core[0]?.name).toBe('0001-initial');
    // Each start says what it applied, in order; the second finds nothing to do.
    expect(await store.migrate()).toEqual(titles);
    expect(await store.migrate()).toEqual([]);
    const rows = await db.sql<MigrationRow>(
      'SELECT component, version, name, checksum FROM workos_inbox_migrations ORDER BY component, version',
    );
    expect(rows.map((r) => [r.component, Number(r.version), r.name])).toEqual(
      builtIn.map((m) => [m.component, m.version, m.name]),
    );
    expect(rows[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.checkSchema()).toEqual({
      ok: true,
      problems: [],
      migratedByNewerBuild: false,
      empty: false,
    });
  });

  it('applies an extra migration set after the core, versioned on its own', async () => {
    const db = backend.fresh();
    const plain = await db.open();
    await plain.migrate();
    const withExtra = await db.open({ migrationSets: [effectsSet] });
    expect((await withExtra.checkSchema()).problems).toEqual([
      'migration test-effects/0001 (0001-effects) not applied',
    ]);
    await withExtra.migrate();
    expect((await withExtra.checkSchema()).ok).toBe(true);
    const rows = await db.sql<MigrationRow>(
      'SELECT component, version FROM workos_inbox_migrations ORDER BY component, version',
    );
    expect(rows.map((r) => `${r.component}/${Number(r.version)}`)).toEqual([
      ...builtIn.map((m) => `${m.component}/${m.version}`),
      'test-effects/1',
    ]);
    expect(await db.sql('SELECT * FROM test_effects')).toEqual([]);
  });

  it("names the app's migration whose SQL fails, and applies nothing of that migrate()", async () => {
    const db = backend.fresh();
    const broken = {
      version: 1,
      name: '0001-users',
      sql: 'CREATE TABLE app_users (id TEXT);\nCREATE TABL oops;',
    };
    const set = { component: 'my-app', sqlite: [broken], postgres: [broken] };
    const store = await db.open({ migrationSets: [set] });
    const failure = await store.migrate().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect(failure).toMatchObject({
      code: 'migration_failed',
      message: expect.stringMatching(
        /^migration my-app\/0001 \(0001-users\) failed: .*syntax error/,
      ),
      cause: expect.objectContaining({ message: expect.stringContaining('syntax error') }),
    });
    // One transaction: the core's tables are not there either.
    expect((await store.checkSchema()).empty).toBe(true);
  });

  it('refuses a set with two migrations of one version, before applying anything', async () => {
    const db = backend.fresh();
    const a = { version: 1, name: '0001-users', sql: 'CREATE TABLE dup_users (id TEXT)' };
    const b = { version: 1, name: '0001-teams', sql: 'CREATE TABLE dup_teams (id TEXT)' };
    const set = { component: 'my-app', sqlite: [a, b], postgres: [a, b] };
    const store = await db.open({ migrationSets: [set] });
    const refusal = {
      code: 'schema_mismatch',
      message: expect.stringMatching(
        /^migration set "my-app" \(\w+\) has two migrations numbered 1: 0001-users and 0001-teams/,
      ),
    };
    await expect(store.migrate()).rejects.toMatchObject(refusal);
    await expect(store.checkSchema()).rejects.toMatchObject(refusal);
  });

  it('refuses a database whose applied migration text changed', async () => {
    const db = backend.fresh();
    const store = await db.open();
    await store.migrate();
    await db.sql(
      `UPDATE workos_inbox_migrations SET checksum = '${migrationChecksum('something else')}' WHERE component = 'core' AND version = 1`,
    );
    await expect(store.migrate()).rejects.toBeInstanceOf(SchemaMismatchError);
    await expect(store.migrate()).rejects.toThrow(/core\/0001 changed since it was applied/);
    const status = await store.checkSchema();
    expect(status.ok).toBe(false);
    expect(status.problems).toEqual([expect.stringContaining('core/0001 changed')]);
    // Changed, not newer: this build's own migration, edited.
    expect(status.migratedByNewerBuild).toBe(false);
  });

  it('refuses a database migrated by a newer build (unknown version), applying nothing', async () => {
    const db = backend.fresh();
    const store = await db.open();
    await store.migrate();
    const time = backend.name === 'sqlite' ? "'2026-01-01T00:00:00.000Z'" : 'now()';
    await db.sql(
      `INSERT INTO workos_inbox_migrations (component, version, name, checksum, applied_at)
       VALUES ('core', 999, '0999-future', 'x', ${time})`,
    );
    const withExtra = await db.open({ migrationSets: [effectsSet] });
    await expect(withExtra.migrate()).rejects.toMatchObject({
      code: 'schema_mismatch',
      message: expect.stringMatching(
        /unknown migration core\/0999 .*newer build; use the workos-inbox version that migrated it/,
      ),
    });
    expect(await withExtra.checkSchema()).toMatchObject({ ok: false, migratedByNewerBuild: true });
    // The extra set's pending migration was not applied either: one transaction.
    const rows = await db.sql<MigrationRow>(
      "SELECT component FROM workos_inbox_migrations WHERE component = 'test-effects'",
    );
    expect(rows).toEqual([]);
  });

  it('lets concurrent starts migrate the same database safely', async () => {
    const db = backend.fresh();
    const stores = await Promise.all([db.open(), db.open(), db.open()]);
    await Promise.all(stores.map((s) => s.migrate()));
    const rows = await db.sql<MigrationRow>(
      'SELECT component, version FROM workos_inbox_migrations',
    );
    expect(rows).toHaveLength(builtIn.length);
    for (const s of stores) expect((await s.checkSchema()).ok).toBe(true);
  });
});

describe('SQLite 0002-status-counts', () => {
  it('counts the rows already there when it is applied to an existing inbox', async () => {
    const db = backends.find((b) => b.name === 'sqlite')!.fresh();
    const store = await db.open();
    await store.migrate();
    await Promise.all([1, 2, 3].map(() => store.append(newEvent({ receivedAt: at(-1) }))));
    const [claimed] = await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: t0 });
    await store.fail(claimed!.id, 'w', { error: 'x', nextAttemptAt: null, now: t0 });
    await store.close();
    // Back to a database migrated by a build that had only 0001.
    for (const statement of [
      'DROP TRIGGER workos_inbox_events_count_insert',
      'DROP TRIGGER workos_inbox_events_count_update',
      'DROP TRIGGER workos_inbox_events_count_delete',
      'DROP TABLE workos_inbox_status_counts',
      "DELETE FROM workos_inbox_migrations WHERE component = 'core' AND version = 2",
    ]) {
      await db.sql(statement);
    }
    const upgraded = await db.open();
    await upgraded.migrate();
    expect((await upgraded.stats(t0)).byStatus).toEqual({
      pending: 2,
      processing: 0,
      done: 0,
      retrying: 0,
      dead: 1,
    });
  });
});

describe('loadMigrations', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'wi-migrations-'));
    dirs.push(dir);
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
    return dir;
  };

  it('loads numbered files in order, ignoring other files', () => {
    const dir = folder({ '0002-b.sql': 'B', '0001-a.sql': 'A', 'README.md': 'x' });
    expect(loadMigrations(dir)).toEqual([
      { version: 1, name: '0001-a', sql: 'A' },
      { version: 2, name: '0002-b', sql: 'B' },
    ]);
  });

  it('accepts a gap (a number reserved by a later change), rejects a repeat and a bad name', () => {
    expect(
      loadMigrations(folder({ '0001-a.sql': 'A', '0003-c.sql': 'C' })).map((m) => m.version),
    ).toEqual([1, 3]);
    expect(() => loadMigrations(folder({ '0001-a.sql': 'A', '0001-b.sql': 'B' }))).toThrow(
      /repeats number 1/,
    );
    expect(() => loadMigrations(folder({ '0000-a.sql': 'A' }))).toThrow(/repeats number 0/);
    expect(() => loadMigrations(folder({ '1-a.sql': 'A' }))).toThrow(/is not named like/);
  });

  it('finds the core migrations next to the module (what the build copies into dist)', () => {
    const sqlite = loadMigrations(new URL('../../src/store/migrations/sqlite/', import.meta.url));
    const postgres = loadMigrations(
      new URL('../../src/store/migrations/postgres/', import.meta.url),
    );
    expect(sqlite.map((m) => m.name)).toEqual([
      '0001-initial',
      '0002-status-counts',
      '0003-pruned-events',
      '0004-deliveries',
      '0005-status-event-index',
      '0006-open-status-indexes',
      '0007-delivery-current-attempt',
      '0008-attempt-start-at-send',
      '0009-workers',
    ]);
    expect(postgres.map((m) => m.name)).toEqual([
      '0001-initial',
      '0002-pruned-events',
      '0003-deliveries',
      '0004-status-event-index',
      '0005-worker-plans',
      '0006-open-status-indexes',
      '0007-delivery-current-attempt',
      '0008-directory-claims',
      '0009-directory-of-requeued',
      '0010-attempt-start-at-send',
      '0011-workers',
    ]);
    expect(postgres[0]?.sql).toContain('CREATE TABLE workos_inbox_events');
    expect(sqlite[0]?.sql).toContain('CREATE TABLE workos_inbox_events');
  });
});
