// Runs the mirror snippets: querying it in code (examples/mirror-query.ts, after the inbox stored
// and processed a directory's history) and the official SDK reading it over HTTP
// (examples/sdk-reads-mirror.ts, against the mirror's read handler on a free port).
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import { generateDirectoryHistory, generateTestWebhook } from '../../src/testing/index.js';
import type { WireEvent } from '../../src/index.js';
import { waitFor } from '../e2e/cli-harness.js';
import { openSqliteMirrorDatabase } from '../mirror/helpers/mirror-databases.js';
import { adminToken, startMirrorServer } from '../mirror/helpers/mirror-server.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';

const docGroupId = 'directory_group_01HV3ZQ5X1Y8D2K7M4N6P9R0ST';
const history = generateDirectoryHistory({ seed: 11, organizations: 1, usersPerDirectory: 20 });
// The docs name a group by a literal id: give the history's most populated group that id.
const members = (groupId: string) =>
  [...history.final.groupMemberships].filter((k) => k.startsWith(`${groupId} `));
const [groupId] = [...history.final.directoryGroups.keys()].sort(
  (a, b) => members(b).length - members(a).length,
);
const events = JSON.parse(
  JSON.stringify(history.events).replaceAll(groupId!, docGroupId),
) as WireEvent[];
const secret = 'whsec_docs_mirror';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('docs/mirror.md and README: query the mirror in code', () => {
  const temp = createTempSqlitePath();
  afterAll(() => temp.cleanup());

  it('lists the active members of the group, after the history was delivered', async () => {
    const inbox = await createInbox({ database: temp.path, secret });
    for (const payload of events) {
      const { body, headers } = generateTestWebhook({ secret, payload });
      const res = await inbox.fetch(
        new Request('http://inbox.test/webhooks/workos', { method: 'POST', body, headers }),
      );
      expect(res.status).toBe(200);
    }
    await inbox.start();
    await waitFor(
      async () => {
        const { byStatus } = await inbox.store.stats(new Date());
        return byStatus.done === events.length || undefined;
      },
      'the history processed',
      60_000,
    );
    await inbox.close();

    vi.stubEnv('DATABASE_URL', temp.path);
    vi.stubEnv('WORKOS_WEBHOOK_SECRET', secret);
    const { data } = await import('./examples/mirror-query.js');
    const expected = members(groupId!)
      .map((k) => k.split(' ')[1]!)
      .filter((id) => history.final.directoryUsers.get(id)!.state === 'active');
    expect(expected.length).toBeGreaterThan(0);
    expect(data.map((u) => u.id).sort()).toEqual(expected.sort());
  });
});

describe('README, docs/mirror.md, docs/cli.md: the official SDK reads the mirror', () => {
  it('autoPagination() resolves to every user of the directory, as an array', async () => {
    const db = await openSqliteMirrorDatabase();
    const server = await startMirrorServer(db.reader);
    try {
      await db.transaction(async (tx) => {
        for (const e of events) await applyMirrorEvent(tx, e);
      });
      const [directory] = history.final.directories.keys();
      vi.stubEnv('ADMIN_TOKEN', adminToken);
      vi.stubEnv('DIRECTORY_ID', directory!);
      vi.stubEnv('MIRROR_URL', `http://127.0.0.1:${server.port}/`);
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const { users } = await import('./examples/sdk-reads-mirror.js');
      const expected = [...history.final.directoryUsers.values()].filter(
        (u) => u.directory_id === directory,
      );
      // More than one page: the read API's default page size is 10, as WorkOS's.
      expect(expected.length).toBeGreaterThan(10);
      expect(Array.isArray(users)).toBe(true);
      expect(users.map((u) => u.id).sort()).toEqual(expected.map((u) => String(u.id)).sort());
      expect(log).toHaveBeenCalledWith(users.map((u) => u.email));
    } finally {
      await server.close();
      await db.close();
    }
  });
});
