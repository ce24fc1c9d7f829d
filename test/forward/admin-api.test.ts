// The forwarding routes of the admin API over real HTTP: lists, redrive, resume, remove, 400s
// naming the field, 404s naming an unknown destination.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { syncDestinations, pauseDestination } from '../../src/forward/delivery-operations.js';
import { handleAdminRequest } from '../../src/server/admin-api.js';
import { eventDeliveries } from '../../src/forward/delivery-queries.js';
import { newEvent, useBackends } from '../store/backends.js';

const backends = useBackends();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe.each(backends)('forwarding admin API on $name', (backend) => {
  async function setup() {
    const store = await backend.fresh().open();
    await store.migrate();
    await store.writeTransaction((tx) =>
      syncDestinations(tx, [{ name: 'app', events: ['*'], ordered: false }]),
    );
    const event = newEvent();
    await store.append(event);
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      void handleAdminRequest(req, res, url, store, { now: () => Date.now() });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const call = async (path: string, init?: RequestInit) => {
      const res = await fetch(`${base}${path}`, init);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    return { store, event, call };
  }

  it('lists deliveries, shows them on the event, lists destinations', async () => {
    const { event, call } = await setup();
    const list = await call('/inbox/deliveries?destination=app&status=pending');
    expect(list.status).toBe(200);
    expect(list.body.data).toMatchObject([
      { eventId: event.id, destination: 'app', status: 'pending', attempts: 0 },
    ]);
    const detail = await call(`/inbox/events/${event.id}`);
    expect(detail.body.deliveries).toMatchObject([
      { destination: 'app', status: 'pending', attemptLog: [] },
    ]);
    const destinations = await call('/inbox/destinations');
    expect(destinations.body.data).toMatchObject([
      { name: 'app', configured: true, events: ['*'], pausedAt: null, unfinished: { pending: 1 } },
    ]);
  });

  it('answers 400 naming the field', async () => {
    const { call } = await setup();
    expect(await call('/inbox/deliveries?status=sent')).toMatchObject({
      status: 400,
      body: { code: 'invalid_request', message: expect.stringMatching(/^status must be one of/) },
    });
    expect((await call('/inbox/deliveries?limit=0')).body.message).toMatch(/^limit /);
    expect((await call('/inbox/deliveries?after=nope')).body.message).toMatch(/^after /);
    const bad = await call('/inbox/deliveries/redrive', {
      method: 'POST',
      body: '{"destination":5}',
    });
    expect(bad).toMatchObject({
      status: 400,
      body: {
        error: 'bad_request',
        code: 'invalid_request',
        field: 'destination',
        message: 'destination must be a string',
      },
    });
    expect((await call('/inbox/deliveries?status=sent')).body.field).toBe('status');
    expect((await call('/inbox/deliveries?after=nope')).body.field).toBe('after');
    for (const [body, field] of [
      ['{not json', 'body'],
      ['null', 'body'],
      ['[]', 'body'],
      ['{"status":"delivering"}', 'status'],
      ['{"status":"delivered"}', 'event_id'],
      // A field it does not know is refused, not dropped (that widened the redrive).
      ['{"status":"retrying","destination":"app","event":"x"}', 'event'],
    ] as const) {
      const res = await call('/inbox/deliveries/redrive', { method: 'POST', body });
      expect(res, body).toMatchObject({ status: 400, body: { code: 'invalid_request', field } });
    }
    expect(await call('/inbox/deliveries/redrive?bogus=1', { method: 'POST' })).toMatchObject({
      status: 400,
      body: { field: 'bogus', message: 'unknown field "bogus"; use destination, status, event_id' },
    });
    // A delivered one only named by its event and destination: never a filter's worth.
    expect(
      await call('/inbox/deliveries/redrive?status=delivered&destination=app', { method: 'POST' }),
    ).toMatchObject({
      status: 400,
      body: {
        error: 'bad_request',
        code: 'invalid_request',
        field: 'event_id',
        message: 'status delivered sends one delivery again: name its event id and its destination',
      },
    });
    // A malformed percent-escape in a destination name: 400, not a 500 from decodeURIComponent.
    expect(await call('/inbox/destinations/%E0%A4%A/resume', { method: 'POST' })).toMatchObject({
      status: 400,
      body: { code: 'invalid_request', field: 'name' },
    });
  });

  it('redrives and resumes', async () => {
    const { store, call } = await setup();
    expect(
      (await call('/inbox/deliveries/redrive', { method: 'POST', body: '{"status":"pending"}' }))
        .body,
    ).toEqual({ redriven: 1 });
    await store.writeTransaction((tx) => pauseDestination(tx, 'app', 'answered 410', new Date()));
    expect((await call('/inbox/destinations')).body.data).toMatchObject([
      { pausedReason: 'answered 410' },
    ]);
    expect(await call('/inbox/destinations/app/resume', { method: 'POST' })).toMatchObject({
      status: 200,
      body: { resumed: true },
    });
    expect(await call('/inbox/destinations/nope/resume', { method: 'POST' })).toMatchObject({
      status: 404,
      body: {
        code: 'not_found',
        message: 'no destination named nope. Did you mean: app? (destinations: app)',
      },
    });
    expect((await call('/inbox/destinations')).body.data).toMatchObject([{ pausedAt: null }]);
  });

  it('sends a delivered delivery again, named by event_id and destination; 409 once its event is pruned', async () => {
    const { store, event, call } = await setup();
    const delivered = () =>
      store.writeTransaction((tx) =>
        tx.query(
          `UPDATE workos_inbox_deliveries SET status = 'delivered', delivered_at = $1
           WHERE event_id = $2`,
          [new Date(), event.id],
        ),
      );
    await delivered();
    const body = JSON.stringify({ status: 'delivered', event_id: event.id, destination: 'app' });
    expect(await call('/inbox/deliveries/redrive', { method: 'POST', body })).toEqual({
      status: 200,
      body: { redriven: 1 },
    });
    expect(await store.read((db) => eventDeliveries(db, event.id))).toMatchObject([
      { destination: 'app', status: 'pending', deliveredAt: null },
    ]);
    await delivered();
    await store.writeTransaction((tx) =>
      tx.query(`UPDATE workos_inbox_events SET pruned_at = $1 WHERE id = $2`, [
        new Date(),
        event.id,
      ]),
    );
    expect(await call('/inbox/deliveries/redrive', { method: 'POST', body })).toMatchObject({
      status: 409,
      body: { code: 'event_pruned', field: 'event_id' },
    });
  });

  it('removes a destination: new events queue nothing for it, its deliveries stay; idempotent', async () => {
    const { store, event, call } = await setup();
    expect((await call('/inbox/destinations/app/remove')).status).toBe(405);
    expect(await call('/inbox/destinations/app/remove', { method: 'POST' })).toEqual({
      status: 200,
      body: {
        name: 'app',
        removed: true,
        unfinished: { pending: 1, delivering: 0, retrying: 0, dead: 0 },
      },
    });
    const later = newEvent();
    await store.append(later);
    expect(await store.read((db) => eventDeliveries(db, later.id))).toEqual([]);
    expect(await store.read((db) => eventDeliveries(db, event.id))).toMatchObject([
      { destination: 'app', status: 'pending' },
    ]);
    expect((await call('/inbox/destinations')).body.data).toMatchObject([
      { name: 'app', configured: false, unfinished: { pending: 1 } },
    ]);
    // Again: known by its deliveries only, nothing to remove.
    expect(await call('/inbox/destinations/app/remove', { method: 'POST' })).toMatchObject({
      status: 200,
      body: { name: 'app', removed: false, unfinished: { pending: 1 } },
    });
    expect(await call('/inbox/destinations/nope/remove', { method: 'POST' })).toEqual({
      status: 404,
      body: {
        error: 'not_found',
        code: 'not_found',
        field: 'name',
        message: 'no destination named nope. Did you mean: app? (destinations: app)',
      },
    });
    // Known by its deliveries only: listed and redriven as before, but not paused, so not resumed.
    expect((await call('/inbox/deliveries?destination=app')).body.data).toMatchObject([
      { destination: 'app', status: 'pending' },
    ]);
    expect(
      await call('/inbox/deliveries/redrive', {
        method: 'POST',
        body: '{"destination":"app","status":"pending"}',
      }),
    ).toEqual({ status: 200, body: { redriven: 1 } });
    expect(await call('/inbox/destinations/app/resume', { method: 'POST' })).toEqual({
      status: 404,
      body: {
        error: 'not_found',
        code: 'not_found',
        field: 'name',
        message: 'app is no longer configured (only its deliveries are kept), so it is not paused',
      },
    });
  });

  it('answers 404 for a destination name nothing knows, on every route that takes one, as the CLI exits 4', async () => {
    const { store, event, call } = await setup();
    await store.writeTransaction((tx) =>
      syncDestinations(tx, [
        { name: 'app', events: ['*'], ordered: false },
        { name: 'billing', events: ['*'], ordered: false },
      ]),
    );
    await store.writeTransaction((tx) => pauseDestination(tx, 'app', 'answered 410', new Date()));
    const before = await store.read((db) => eventDeliveries(db, event.id));
    const notFound = (field: string, name = 'ap') => ({
      status: 404,
      body: {
        error: 'not_found',
        code: 'not_found',
        field,
        message: `no destination named ${name}. Did you mean: app? (destinations: app, billing)`,
      },
    });
    const post = { method: 'POST' };
    expect(await call('/inbox/deliveries?destination=ap')).toEqual(notFound('destination'));
    expect(await call('/inbox/deliveries?destination=ap&status=pending')).toEqual(
      notFound('destination'),
    );
    expect(await call('/inbox/deliveries/redrive?destination=ap&status=pending', post)).toEqual(
      notFound('destination'),
    );
    expect(
      await call('/inbox/deliveries/redrive', {
        method: 'POST',
        body: '{"destination":"ap","status":"pending"}',
      }),
    ).toEqual(notFound('destination'));
    expect(await call('/inbox/destinations/ap/resume', post)).toEqual(notFound('name'));
    expect(await call('/inbox/destinations/ap/remove', post)).toEqual(notFound('name'));
    // A name escaped in the path is named as decoded.
    expect(await call('/inbox/destinations/a%20p/resume', post)).toEqual(notFound('name', 'a p'));
    // Nothing changed: the pause, the configuration, the delivery.
    expect(await store.read((db) => eventDeliveries(db, event.id))).toEqual(before);
    expect((await call('/inbox/destinations')).body.data).toMatchObject([
      { name: 'app', configured: true, pausedReason: 'answered 410' },
      { name: 'billing', configured: true },
    ]);

    // The names there are: as before.
    expect(await call('/inbox/deliveries?destination=app')).toMatchObject({
      status: 200,
      body: { data: [{ destination: 'app', status: 'pending' }], list_metadata: { after: null } },
    });
    expect(await call('/inbox/deliveries?destination=billing&status=dead')).toEqual({
      status: 200,
      body: { data: [], list_metadata: { after: null } },
    });
    expect(await call('/inbox/deliveries/redrive?destination=app&status=pending', post)).toEqual({
      status: 200,
      body: { redriven: 1 },
    });
    expect(await call('/inbox/deliveries/redrive?destination=billing', post)).toEqual({
      status: 200,
      body: { redriven: 0 },
    });
    expect(await call('/inbox/destinations/app/resume', post)).toEqual({
      status: 200,
      body: { name: 'app', resumed: true, wasPaused: true },
    });
    expect(await call('/inbox/destinations/billing/remove', post)).toMatchObject({
      status: 200,
      body: { name: 'billing', removed: true },
    });
  });

  // It answered 200 {"redriven": 0}: a mistyped id read as "none of its deliveries was dead".
  it('answers 404 naming event_id for a redrive of an event with no delivery', async () => {
    const { store, event, call } = await setup();
    const post = { method: 'POST' };
    expect(await call('/inbox/deliveries/redrive?event_id=event_nope', post)).toEqual({
      status: 404,
      body: {
        error: 'not_found',
        code: 'not_found',
        field: 'event_id',
        message: 'no event with id event_nope',
      },
    });
    const lone = newEvent();
    await store.append(lone);
    await store.writeTransaction((tx) =>
      tx.query('DELETE FROM workos_inbox_deliveries WHERE event_id = $1', [lone.id]),
    );
    expect(
      await call('/inbox/deliveries/redrive', {
        method: 'POST',
        body: JSON.stringify({ event_id: lone.id, status: 'pending' }),
      }),
    ).toMatchObject({ status: 404, body: { message: `event ${lone.id} has no deliveries` } });
    // Its delivery is pending, not dead: nothing to redrive, as for any filter.
    expect(await call(`/inbox/deliveries/redrive?event_id=${event.id}`, post)).toEqual({
      status: 200,
      body: { redriven: 0 },
    });
  });

  it('names no destination when none is configured or has deliveries', async () => {
    const { store, call } = await setup();
    await store.writeTransaction((tx) => syncDestinations(tx, []));
    await store.writeTransaction((tx) => tx.query('DELETE FROM workos_inbox_deliveries'));
    expect(await call('/inbox/deliveries?destination=app')).toEqual({
      status: 404,
      body: {
        error: 'not_found',
        code: 'not_found',
        field: 'destination',
        message: 'no destination named app: no destination is configured or has deliveries',
      },
    });
  });
});
