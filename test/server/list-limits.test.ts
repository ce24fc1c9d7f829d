// Every list of `serve` takes `limit` up to one bound, stated once in src/limits.ts: the admin
// API's lists (events, deliveries) up to `limits.listPage`, the WorkOS-shaped ones (the mirror's
// REST API, `GET /events`) up to WorkOS's own `limits.workosListPage`. At the bound a request is
// answered; one past it gets 400 (422 on the mirror's REST API, as WorkOS's) naming `limit` and
// the bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import type { Inbox } from '../../src/inbox/create-inbox.js';
import { limits } from '../../src/limits.js';
import type { RunningHttpServer } from '../../src/server/http-server.js';
import { createMirrorHandler } from '../../src/server/mirror-routes.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { startServeRoutes } from '../helpers/serve-routes.js';

const token = 'list-limits-token';
const auth = { authorization: `Bearer ${token}` };

describe('list limits (one bound per kind of list)', () => {
  const temp = createTempSqlitePath();
  let inbox: Inbox;
  let http: RunningHttpServer;

  beforeAll(async () => {
    inbox = await createInbox({
      database: temp.path,
      secret: 'whsec_list_limits_0123456789',
    });
    http = await startServeRoutes({
      store: inbox.store,
      adminToken: token,
      mirror: createMirrorHandler(inbox.store),
    });
  });

  afterAll(async () => {
    await http?.close(1000);
    await inbox?.close();
    temp.cleanup();
  });

  const get = (path: string) => fetch(`${http.url}${path}`, { headers: auth });

  it.each([
    ['/inbox/events', limits.listPage, 400],
    ['/inbox/deliveries', limits.listPage, 400],
    ['/events', limits.workosListPage, 422],
    ['/directories', limits.workosListPage, 422],
  ])('%s answers limit=%i and refuses one more', async (path, bound, refusal) => {
    const at = await get(`${path}?limit=${bound}`);
    expect(at.status).toBe(200);
    await at.arrayBuffer();
    const past = await get(`${path}?limit=${bound + 1}`);
    const text = await past.text();
    expect(past.status).toBe(refusal);
    expect(text).toContain('limit');
    expect(text).toContain(String(bound));
  });

  it('the admin lists answer their default page without a limit', async () => {
    const answer = await get('/inbox/events');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ data: [] });
  });
});
