// createMirror on a database without the mirror's tables (an inbox created with mirror: false)
// threw the driver's raw "no such table: workos_directory_users" (SQLite) or `relation … does not
// exist` (PostgreSQL), which says neither why nor what to do.
import { afterEach, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { createMirror, MirrorTablesMissingError } from '../../src/mirror/read/create-mirror.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { secret } from '../inbox/helpers/events.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(backendKinds)('the mirror read without its tables, on %s', (kind) => {
  it('says the tables are missing, why, and how to create them', async () => {
    const backend = await createBackend(kind, 'wi_mirror_missing');
    cleanups.push(backend.cleanup);
    const inbox = await createInbox({ database: backend.database, secret, mirror: false });
    cleanups.push(() => inbox.close());
    const mirror = createMirror(inbox.store);

    const listed = await mirror.directoryUsers.list({}).catch((e: unknown) => e);
    expect(listed).toBeInstanceOf(MirrorTablesMissingError);
    expect(listed).toMatchObject({
      code: 'mirror_tables_missing',
      message:
        "the mirror's table workos_directory_users is not in this database: the inbox was created with mirror: false, or the mirror's migrations have not run on it. Create the tables with createInbox({ mirror: true }) (the default), openStore({ …, migrationSets: [mirrorMigrations] }) or `workos-inbox migrate`",
    });
    expect((listed as Error).cause).toBeInstanceOf(Error);
    await expect(mirror.organizations.get('org_1')).rejects.toMatchObject({
      code: 'mirror_tables_missing',
      message: expect.stringContaining('workos_organizations') as unknown,
    });
    // Inside a transaction (a handler's ctx.tx) too.
    await expect(
      inbox.store.read((db) => createMirror(db).connections.list()),
    ).rejects.toBeInstanceOf(MirrorTablesMissingError);
  });
});
