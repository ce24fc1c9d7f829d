// --schema (WORKOS_INBOX_SCHEMA): several inboxes in one PostgreSQL database from the CLI, as the
// library's `schema` option allows (the CLI had no way to choose one).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.js';
import { ensureBuilt, killAll, runCli, startServe } from './cli-harness.js';

let cwd: string;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-schema-'));
  db = await createTestDatabase('wi_schema_flag');
});
afterAll(async () => {
  killAll();
  rmSync(cwd, { recursive: true, force: true });
  await db.drop();
});

const oneLine = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

describe('--schema', () => {
  it('keeps two inboxes apart in one database, the flag and the variable alike', async () => {
    const migrateA = await runCli(['migrate', '--database', db.url, '--schema', 'TenantA'], {
      cwd,
    });
    expect(migrateA.code).toBe(0);
    // Which inbox of the database it migrated, not only the database (as for tenant_b below).
    expect(migrateA.stdout).toContain('schema "TenantA" of postgres://');
    const migrateB = await runCli(['migrate', '--database', db.url], {
      cwd,
      env: { WORKOS_INBOX_SCHEMA: 'tenant_b' },
    });
    expect(migrateB.code).toBe(0);
    expect(migrateB.stdout).toContain('schema "tenant_b" of postgres://');
    const again = await runCli(['migrate', '--database', db.url, '--schema', 'TenantA'], { cwd });
    expect(again.stdout).toMatch(/^schema "TenantA" of postgres:\/\/\S+: schema up to date/);
    const check = await runCli(
      ['migrate', '--check', '--database', db.url, '--schema', 'TenantA'],
      { cwd },
    );
    expect(check.stdout).toMatch(/^schema "TenantA" of postgres:\/\/\S+ is up to date\n$/);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ schema: string }>(
        `SELECT table_schema AS schema FROM information_schema.tables
         WHERE table_name = 'workos_inbox_events' ORDER BY 1`,
      );
      // Capitals kept; nothing in public.
      expect(rows.map((r) => r.schema)).toEqual(['TenantA', 'tenant_b']);
    } finally {
      await client.end();
    }
    expect(
      (await runCli(['stats', '--database', db.url, '--schema', 'TenantA'], { cwd })).code,
    ).toBe(0);
    // Without it, the search_path (public) holds no inbox.
    const plain = await runCli(['stats', '--database', db.url], { cwd });
    expect(plain.code).toBe(3);
    oneLine(plain.stderr);
    // A mistyped schema is named as holding nothing, not listed as every migration to apply
    // (which advised `migrate`, creating an empty inbox beside the real one).
    const typo = await runCli(['stats', '--database', db.url, '--schema', 'TenantAA'], { cwd });
    expect(typo.code).toBe(3);
    expect(typo.stderr).toContain('schema "TenantAA" of ');
    expect(typo.stderr).toContain('holds no workos-inbox tables: check --database and --schema.');
    expect(typo.stderr).not.toContain('not applied');
  });

  it("the start line names the schema: which of the database's inboxes this process serves", async () => {
    const work = await startServe(['--database', db.url, '--schema', 'TenantA'], {
      cwd,
      command: 'work',
    });
    expect(await work.stop('SIGTERM')).toBe(0);
    const { stdout } = work.output();
    const line = stdout.split('\n').find((l) => l.includes('"msg":"workos-inbox worker running"'));
    expect(line, stdout).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ schema: 'TenantA' });
  });

  it('--help says which commands create a missing schema, and the others do not claim to', async () => {
    const schemaHelp = async (command: string[]) => {
      const help = await runCli([...command, '--help'], { cwd });
      expect(help.code, command.join(' ')).toBe(0);
      // commander wraps the help to the terminal's width: compare with the line breaks taken out.
      const text = help.stdout.replace(/\s+/g, ' ');
      return text.slice(text.indexOf('--schema <name>'));
    };
    for (const command of [['migrate'], ['pull'], ['reconcile'], ['serve']]) {
      expect(await schemaHelp(command), command.join(' ')).toContain('created if missing');
    }
    // These refuse a schema that does not exist (exit 3, above): the help said it was created.
    for (const command of [
      ['stats'],
      ['events', 'list'],
      ['directory', 'users'],
      ['deliveries', 'list'],
    ]) {
      const help = await schemaHelp(command);
      expect(help, command.join(' ')).not.toContain('created if missing');
      expect(help, command.join(' ')).toContain('`migrate` or `serve` creates it');
    }
  });

  it.each([
    [
      ['--schema', 'bad-name'],
      /--schema \(WORKOS_INBOX_SCHEMA\): schema "bad-name" must be a plain identifier/,
    ],
    [['--schema', 'x', '--database', 'inbox.db'], /applies to a postgres:\/\/ database only/],
  ])('%j exits 2 naming the flag', async (args, message) => {
    const database = args.includes('--database') ? [] : ['--database', db.url];
    for (const command of [['stats'], ['serve', '--port', '0']]) {
      const result = await runCli([...command, ...database, ...args], { cwd });
      expect(result.code, command.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      oneLine(result.stderr);
    }
  });
});
