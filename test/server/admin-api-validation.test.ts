import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import type { Inbox } from '../../src/inbox/create-inbox.js';
import type { RunningHttpServer } from '../../src/server/http-server.js';
import { sampleEvent } from '../../src/testing/sample-event.js';
import { createBackend } from '../inbox/helpers/backends.js';
import { startServeRoutes } from '../helpers/serve-routes.js';

const token = 'admin-validation-token';
const auth = { authorization: `Bearer ${token}` };

// Every malformed admin request answers 400 naming the field, and changes nothing: a filter of the
// wrong type must never widen to "redrive every dead event".
describe.each(['sqlite', 'postgres'] as const)(
  'admin API refuses malformed requests (%s)',
  (backend) => {
    let inbox: Inbox;
    let http: RunningHttpServer;
    let cleanup: () => Promise<void> | void;
    const dead = ['event_dead_1', 'event_dead_2'];

    beforeAll(async () => {
      let database: string;
      ({ database, cleanup } = await createBackend(backend, 'wi_admin'));
      inbox = await createInbox({ database, secret: 'whsec_admin_validation_0123456789' });
      http = await startServeRoutes(
        {
          store: inbox.store,
          adminToken: token,
        },
        { maxHeaderBytes: 8192, requestTimeoutMs: 30_000 },
      );
      for (const id of dead) {
        const event = sampleEvent('dsync.user.created', { overrides: { id } });
        await inbox.store.append({
          id,
          event: event.event,
          createdAt: event.created_at,
          rawBody: Buffer.from(JSON.stringify(event)),
          source: 'webhook',
          receivedAt: new Date(),
        });
        const [claimed] = await inbox.store.claim({
          owner: 'test',
          limit: 1,
          leaseMs: 60_000,
          now: new Date(),
        });
        await inbox.store.fail(claimed!.id, 'test', {
          error: 'boom',
          nextAttemptAt: null,
          now: new Date(),
        });
      }
    });

    afterAll(async () => {
      await http?.close(1000);
      await inbox?.close();
      await cleanup?.();
    });

    const expectUnchanged = async () => {
      for (const id of dead) expect((await inbox.store.get(id))?.status).toBe('dead');
    };

    const cases: Array<[string, string, RequestInit, string]> = [
      ['GET a malformed escape', '/inbox/events/%E0%A4%A', {}, 'id'],
      ['replay a malformed escape', '/inbox/events/%E0%A4%A/replay', { method: 'POST' }, 'id'],
      ['a cursor not from a page', '/inbox/events?after=not-a-cursor', {}, 'after'],
      ['a base64 cursor of garbage', '/inbox/events?after=eyJ4Ijp0cnVlfQ', {}, 'after'],
      ['a limit of 1.5', '/inbox/events?limit=1.5', {}, 'limit'],
      ['an unknown status', '/inbox/events?status=gone', {}, 'status'],
      ['a misspelled filter (it would list everything)', '/inbox/events?stauts=dead', {}, 'stauts'],
      ['an unknown deliveries filter', '/inbox/deliveries?statuss=dead', {}, 'statuss'],
      ['redrive with body null', '/inbox/redrive', { method: 'POST', body: 'null' }, 'body'],
      ['redrive with body []', '/inbox/redrive', { method: 'POST', body: '[]' }, 'body'],
      ['redrive with body "x"', '/inbox/redrive', { method: 'POST', body: '"x"' }, 'body'],
      ['redrive with invalid JSON', '/inbox/redrive', { method: 'POST', body: '{' }, 'body'],
      [
        'redrive {"status":5}',
        '/inbox/redrive',
        { method: 'POST', body: '{"status":5}' },
        'status',
      ],
      ['redrive {"event":5}', '/inbox/redrive', { method: 'POST', body: '{"event":5}' }, 'event'],
      [
        'redrive {"event":null}',
        '/inbox/redrive',
        { method: 'POST', body: '{"event":null}' },
        'event',
      ],
      ['redrive {"evnt":"x"}', '/inbox/redrive', { method: 'POST', body: '{"evnt":"x"}' }, 'evnt'],
      ['redrive ?evnt=x', '/inbox/redrive?evnt=x', { method: 'POST' }, 'evnt'],
      [
        'redrive since=garbage',
        '/inbox/redrive',
        { method: 'POST', body: '{"since":"soon"}' },
        'since',
      ],
    ];

    it.each(cases)('%s: 400 naming the field, nothing redriven', async (_, path, init, field) => {
      const answer = await fetch(`${http.url}${path}`, {
        ...init,
        headers: { ...auth, 'content-type': 'application/json' },
      });
      expect(answer.status).toBe(400);
      const body = (await answer.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ error: 'bad_request', code: 'invalid_request', field });
      expect(body.message).toContain(field);
      await expectUnchanged();
    });

    it('a well-formed redrive still works after all that', async () => {
      await expectUnchanged();
      const answer = await fetch(`${http.url}/inbox/redrive`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'dsync.user.created' }),
      });
      expect(await answer.json()).toEqual({ redriven: 2 });
    });
  },
);
