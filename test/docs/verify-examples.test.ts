// Runs the verification and event-type examples the docs show (test/docs/examples/*), against the
// real @workos-inc/node 11.0.0 where the docs promise equal results.
import type { AddressInfo } from 'node:net';
import { WorkOS as SdkWorkOS } from '@workos-inc/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deserializeEvent } from '../../src/events/index.js';
import { generateTestWebhook, sampleEvent } from '../../src/testing/index.js';

const sdk = new SdkWorkOS({ clientId: 'client_docs' });

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('verification examples', () => {
  it('README "change the import": constructEvent returns what the SDK returns', async () => {
    vi.stubEnv('WORKOS_WEBHOOK_SECRET', 'whsec_readme_compat');
    const { delivery, webhook, SignatureVerificationException } =
      await import('./examples/verify-compat.js');
    const expected = await sdk.webhooks.constructEvent({
      payload: delivery.body,
      sigHeader: delivery.headers['workos-signature'],
      secret: 'whsec_readme_compat',
    });
    expect(webhook).toEqual(expected);
    expect(webhook.event).toBe('dsync.user.created');
    expect(SignatureVerificationException.name).toBe('SignatureVerificationException');
  });

  it('README sync verifier: a delivery signed with the previous secret verifies during rotation', async () => {
    vi.stubEnv('CURRENT_SECRET', 'whsec_new');
    vi.stubEnv('PREVIOUS_SECRET', 'whsec_old');
    const { delivery, event, wire } = await import('./examples/verify-sync.js');
    expect(wire).toEqual(JSON.parse(delivery.body));
    expect(event).toEqual(
      await sdk.webhooks.constructEvent({
        payload: delivery.body,
        sigHeader: delivery.headers['workos-signature'],
        secret: 'whsec_old',
      }),
    );
  });

  it('docs/verification.md "change the import", with a tolerance', async () => {
    vi.stubEnv('WORKOS_WEBHOOK_SECRET', 'whsec_verification_md');
    const { delivery, event } = await import('./examples/verify-compat-options.js');
    expect(event).toEqual(deserializeEvent(JSON.parse(delivery.body)));
  });

  it('docs/verification.md fast API: verify, verifyAndParse, constructEvent', async () => {
    vi.stubEnv('WORKOS_WEBHOOK_SECRET', 'whsec_fast_api');
    const { delivery, signature, wire, event } = await import('./examples/verifier-options.js');
    expect(signature.secretIndex).toBe(0);
    expect(typeof signature.timestampMs).toBe('number');
    expect(wire).toEqual(JSON.parse(delivery.body));
    expect(event).toEqual(
      await sdk.webhooks.constructEvent({
        payload: delivery.body,
        sigHeader: delivery.headers['workos-signature'],
        secret: 'whsec_fast_api',
      }),
    );
  });

  it('docs/verification.md edge worker: 200 when signed, 401 with the code when not, 400 for a non-event', async () => {
    const { default: worker } = await import('./examples/web-worker.js');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const env = { WORKOS_WEBHOOK_SECRET: 'whsec_edge' };
    const post = (body: string, signature: string | null) =>
      worker.fetch(
        new Request('https://worker.example/', {
          method: 'POST',
          body,
          headers: signature === null ? {} : { 'workos-signature': signature },
        }),
        env,
      );
    const good = generateTestWebhook({ secret: 'whsec_edge', event: 'user.created', seed: 4 });
    expect((await post(good.body, good.headers['workos-signature'])).status).toBe(200);
    expect(log).toHaveBeenCalledWith('verified', 'user.created', good.payload.id);

    const forged = generateTestWebhook({ secret: 'whsec_other', event: 'user.created' });
    const rejected = await post(forged.body, forged.headers['workos-signature']);
    expect(rejected.status).toBe(401);
    expect(await rejected.json()).toEqual({ code: 'signature_mismatch' });

    expect(await (await post(good.body, null)).json()).toEqual({ code: 'missing_header' });
    const stale = generateTestWebhook({
      secret: 'whsec_edge',
      event: 'user.created',
      timestampMs: Date.now() - 600_000,
    });
    expect(await (await post(stale.body, stale.headers['workos-signature'])).json()).toEqual({
      code: 'timestamp_too_old',
    });

    const notAnEvent = generateTestWebhook({ secret: 'whsec_edge', body: '{"hello":1}' });
    expect((await post(notAnEvent.body, notAnEvent.headers['workos-signature'])).status).toBe(400);
  });

  it('docs/verification.md Express with express.json({ verify }): req.rawBody (typed) verifies', async () => {
    vi.stubEnv('WORKOS_WEBHOOK_SECRET', 'whsec_express_raw');
    const { app } = await import('./examples/express-verify-raw-body.js');
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
    try {
      // Pretty-printed: re-serializing the parsed req.body would not give the bytes signed.
      const wire = sampleEvent('dsync.user.created', { seed: 5 });
      const body = JSON.stringify(wire, null, 2);
      const good = generateTestWebhook({ secret: 'whsec_express_raw', body });
      const answer = await fetch(url, { method: 'POST', body, headers: good.headers });
      expect(await answer.json()).toEqual({ received: wire.id });
      const forged = generateTestWebhook({ secret: 'whsec_other', body });
      expect((await fetch(url, { method: 'POST', body, headers: forged.headers })).status).toBe(
        401,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('event examples', () => {
  it('docs/events.md Types: the switch narrows data', async () => {
    const { summary } = await import('./examples/event-types.js');
    const user = deserializeEvent(
      sampleEvent('dsync.user.created', { seed: 2, overrides: { data: { first_name: 'Ada' } } }),
    );
    expect(summary(user)).toBe('new user Ada');
    const group = deserializeEvent(sampleEvent('group.created', { seed: 2 }));
    expect(group.event).toBe('group.created');
    if (group.event !== 'group.created') return;
    expect(summary(group)).toBe(`group at ${group.data.createdAt.getTime()}`);
    expect(summary(deserializeEvent(sampleEvent('session.created', { seed: 2 })))).toBe(
      'not handled: session.created',
    );
  });

  it('docs/events.md Validation prints what its comments say', async () => {
    const wire = sampleEvent('dsync.user.created', { seed: 3 });
    vi.stubEnv('BODY', JSON.stringify({ ...wire, data: { ...wire.data, email: 42 } }));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import('./examples/validate-event.js');
    expect(log.mock.calls).toEqual([
      ['invalid_data'],
      ['Invalid WorkOS event: data.email: expected string | null, received number'],
      [[{ path: 'data.email', expected: 'string | null', received: 'number' }]],
    ]);
  });
});
