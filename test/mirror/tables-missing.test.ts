// createMirror on a database without the mirror's tables (an inbox created with mirror: false)
// threw the driver's raw "no such table: workos_directory_users" (SQLite) or `relation … does not
// exist` (PostgreSQL), which says neither why nor what to do.
import { GenericServerException, OauthException, WorkOS } from '@workos-inc/node';
import { afterEach, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { createMirror, MirrorTablesMissingError } from '../../src/mirror/read/create-mirror.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { secret } from '../inbox/helpers/events.js';
import { adminToken, startMirrorServer } from './helpers/mirror-server.js';

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

  // Over HTTP the read API answered 500 internal_error, which the SDK retried (three times by
  // default, with back-off) before raising an error that said nothing of the missing tables.
  it('over HTTP: 501 mirror_tables_missing, which the official SDK raises at once, with how to fix', async () => {
    const backend = await createBackend(kind, 'wi_mirror_missing_http');
    cleanups.push(backend.cleanup);
    const inbox = await createInbox({ database: backend.database, secret, mirror: false });
    cleanups.push(() => inbox.close());
    const server = await startMirrorServer(inbox.store);
    cleanups.push(server.close);

    const raw = await fetch(`http://127.0.0.1:${server.port}/directory_users?directory=d_1`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(raw.status).toBe(501);
    expect(await raw.json()).toEqual({
      code: 'mirror_tables_missing',
      message: expect.stringContaining(
        "the mirror's table workos_directory_users is not in this database",
      ) as unknown,
    });

    // The SDK with its default retries: one request, not four.
    let requests = 0;
    const workos = new WorkOS(adminToken, {
      apiHostname: '127.0.0.1',
      https: false,
      port: server.port,
      fetchFn: (...args: Parameters<typeof fetch>) => {
        requests++;
        return fetch(...args);
      },
    } as ConstructorParameters<typeof WorkOS>[1]);
    const error = await workos.directorySync.getUser('directory_user_1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenericServerException);
    expect(error).not.toBeInstanceOf(OauthException);
    expect(error).toMatchObject({ status: 501, code: 'mirror_tables_missing' });
    expect((error as Error).message).toContain('`workos-inbox migrate`');
    expect(requests).toBe(1);
  });
});
