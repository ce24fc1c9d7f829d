import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { ensureBuilt, killAll, listEvents, runCli, startServe, waitFor } from './cli-harness.js';

// Child processes on a loaded CI machine: generous bounds; every wait inside is bounded too.

const secret = 'whsec_scenario_secret_0123456789';
const adminToken = 'scenario-admin-token-0123456789';
const seed = 42;

// `trigger --scenario directory-sync --seed 42` plays generateDirectoryHistory({ seed: 42 })
// shuffled with duplicates; the mirror must end in that history's final state, read back
// through the CLI and through the official SDK pointed at `serve`.
describe.each(['sqlite', 'postgres'] as const)(
  'trigger --scenario directory-sync (%s)',
  (backend) => {
    let cwd: string;
    let database: string;
    let drop: (() => Promise<void>) | undefined;
    const history = generateDirectoryHistory({ seed });
    const env = () => ({
      DATABASE_URL: database,
      WORKOS_WEBHOOK_SECRET: secret,
      WORKOS_INBOX_ADMIN_TOKEN: adminToken,
    });

    beforeAll(async () => {
      ensureBuilt();
      cwd = mkdtempSync(join(tmpdir(), `wi-e2e-scenario-${backend}-`));
      if (backend === 'postgres') {
        const db = await createTestDatabase('wi_e2e_scenario');
        database = db.url;
        drop = db.drop;
      } else {
        database = join(cwd, 'inbox.db');
      }
    });
    afterAll(async () => {
      killAll();
      await drop?.();
      rmSync(cwd, { recursive: true, force: true });
    });

    it("the mirror ends in the history's final state, readable by the CLI and the official SDK", async () => {
      const serve = await startServe([], { cwd, env: env() });
      try {
        const sent = await runCli(
          [
            'trigger',
            '--scenario',
            'directory-sync',
            '--seed',
            String(seed),
            '--json',
            '--to',
            `${serve.base}/webhooks/workos`,
          ],
          { cwd, env: env() },
        );
        expect(sent.code, `${sent.stdout}\n${sent.stderr}`).toBe(0);
        const summary = JSON.parse(sent.stdout) as { sent: number; '2xx': number };
        expect(summary.sent).toBeGreaterThan(history.events.length); // duplicates included
        expect(summary['2xx']).toBe(summary.sent);

        await waitFor(async () => {
          const events = await listEvents(cwd, [], env());
          return (
            events.length === history.events.length && events.every((e) => e.status === 'done')
          );
        }, 'every event of the history to be processed');

        const expectedUsers = [...history.final.directoryUsers.keys()].sort();
        const listed = await runCli(['directory', 'users', '--json'], { cwd, env: env() });
        expect(listed.code).toBe(0);
        const cliUsers = listed.stdout
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as { id: string; email: string });
        expect(cliUsers.map((u) => u.id).sort()).toEqual(expectedUsers);

        // A --limit that cuts the list says so on stderr, as `deliveries list` does.
        const cut = await runCli(['directory', 'users', '--limit', '1', '--json'], {
          cwd,
          env: env(),
        });
        expect(cut.code).toBe(0);
        expect(cut.stdout.split('\n').filter((l) => l !== '')).toHaveLength(1);
        expect(cut.stderr).toBe('1 shown; more match: pass --limit N to see more\n');
        const whole = await runCli(
          ['directory', 'users', '--limit', String(expectedUsers.length)],
          { cwd, env: env() },
        );
        expect(whole.code).toBe(0);
        expect(whole.stderr).toBe('');

        const groups = await runCli(['directory', 'groups', '--json'], { cwd, env: env() });
        expect(groups.stdout.split('\n').filter((l) => l !== '').length).toBe(
          history.final.directoryGroups.size,
        );

        const workos = new WorkOS(adminToken, {
          apiHostname: '127.0.0.1',
          https: false,
          port: serve.port,
        });
        const sdkUsers: string[] = [];
        for (const directory of history.final.directories.keys()) {
          const page = await workos.directorySync.listUsers({ directory });
          for (const user of await page.autoPagination()) sdkUsers.push(user.id);
        }
        expect(sdkUsers.sort()).toEqual(expectedUsers);

        const [someId] = expectedUsers;
        const expected = history.final.directoryUsers.get(someId!)!;
        const user = await workos.directorySync.getUser(someId!);
        expect(user.email).toBe(expected.email);
        const shown = await runCli(['directory', 'user', someId!, '--json'], { cwd, env: env() });
        expect((JSON.parse(shown.stdout) as { email: string }).email).toBe(expected.email);
        const missing = await runCli(['directory', 'user', 'directory_user_nope'], {
          cwd,
          env: env(),
        });
        expect(missing.code).toBe(4);

        // A mistyped directory id lists nothing, and says which directories there are.
        const [someDirectory] = [...history.final.directories.keys()];
        const typo = await runCli(['directory', 'users', '--directory', 'directory_nope'], {
          cwd,
          env: env(),
        });
        expect(typo.code).toBe(0);
        expect(typo.stdout).toBe('none\n');
        expect(typo.stderr).toContain(
          'the mirror has no directory directory_nope; its directories:',
        );
        expect(typo.stderr).toContain(someDirectory!);
        // As mistyped --group and --organization ids: not an empty group or organization.
        for (const [flag, id, what, command] of [
          ['--group', 'directory_group_nope', 'directory group', 'users'],
          ['--organization', 'org_nope', 'organization', 'users'],
          ['--organization', 'org_nope', 'organization', 'groups'],
        ] as const) {
          const missingId = await runCli(['directory', command, flag, id], { cwd, env: env() });
          expect(missingId.code).toBe(0);
          expect(missingId.stdout).toBe('none\n');
          expect(missingId.stderr).toBe(`workos-inbox: the mirror has no ${what} ${id}\n`);
        }
        const [someGroup] = [...history.final.directoryGroups.keys()];
        const group = await runCli(['directory', 'users', '--group', someGroup!], {
          cwd,
          env: env(),
        });
        expect(group.code).toBe(0);
        expect(group.stderr).toBe('');
        const known = await runCli(['directory', 'users', '--directory', someDirectory!], {
          cwd,
          env: env(),
        });
        expect(known.code).toBe(0);
        expect(known.stderr).toBe('');

        // Without the admin token the read API answers 401.
        expect((await fetch(`${serve.base}/directory_users`)).status).toBe(401);
        expect(await serve.stop()).toBe(0);
      } finally {
        await serve.stop('SIGKILL');
      }
    });
  },
);
