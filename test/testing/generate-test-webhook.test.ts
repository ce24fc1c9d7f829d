import { WorkOS as SdkWorkOS } from '@workos-inc/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deserializeEvent } from '../../src/events/index.js';
import { verifySignature } from '../../src/signature/verify.js';
import { generateTestWebhook, sampleEvent } from '../../src/testing/index.js';

const sdk = new SdkWorkOS({ clientId: 'client_x' });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('generateTestWebhook', () => {
  it('signs the exact body; the real SDK verifies it and returns the deserialized sample', async () => {
    const hook = generateTestWebhook({ secret: 'whsec_a', event: 'user.created', seed: 4 });
    expect(hook.headers['content-type']).toBe('application/json');
    expect(hook.headers['workos-signature']).toBe(hook.sigHeader);
    expect(hook.sigHeader).toMatch(/^t=\d+, v1=[0-9a-f]{64}$/);
    expect(JSON.parse(hook.body)).toStrictEqual(hook.payload);
    expect(hook.payload).toStrictEqual(sampleEvent('user.created', { seed: 4 }));
    const event = await sdk.webhooks.constructEvent({
      payload: hook.body,
      sigHeader: hook.headers['workos-signature'],
      secret: 'whsec_a',
    });
    expect(event).toStrictEqual(deserializeEvent(hook.payload));
  });

  it('signs once per secret during a rotation', () => {
    const hook = generateTestWebhook({ secret: ['old', 'new'], timestampMs: 1_700_000_000_000 });
    expect(hook.sigHeader).toMatch(/^t=1700000000000, v1=[0-9a-f]{64}, v1=[0-9a-f]{64}$/);
    for (const secret of ['old', 'new']) {
      const verified = verifySignature({
        payload: hook.body,
        sigHeader: hook.sigHeader,
        secret,
        now: 1_700_000_000_000,
      });
      expect(verified.timestampMs).toBe(1_700_000_000_000);
    }
    expect(() =>
      verifySignature({
        payload: hook.body,
        sigHeader: hook.sigHeader,
        secret: 'other',
        now: 1_700_000_000_000,
      }),
    ).toThrow();
  });

  it('signs a given payload or an exact body', async () => {
    const payload = { id: 'e1', event: 'custom.thing', created_at: 'now', data: { a: 1 } };
    const fromPayload = generateTestWebhook({ secret: 's', payload });
    expect(fromPayload.body).toBe(JSON.stringify(payload));
    const pretty = JSON.stringify(payload, null, 2);
    const fromBody = generateTestWebhook({ secret: 's', body: pretty });
    expect(fromBody.body).toBe(pretty);
    expect(fromBody.payload).toStrictEqual(payload);
    await expect(
      sdk.webhooks.constructEvent({ payload: pretty, sigHeader: fromBody.sigHeader, secret: 's' }),
    ).resolves.toMatchObject({ event: 'custom.thing', data: { a: 1 } });
  });

  it('applies overrides to the sample and defaults the secret to WORKOS_WEBHOOK_SECRET', () => {
    vi.stubEnv('WORKOS_WEBHOOK_SECRET', 'whsec_env');
    const hook = generateTestWebhook({
      event: 'dsync.user.created',
      overrides: { data: { email: 'ada@example.com' } },
      timestampMs: 1_700_000_000_000,
    });
    expect(hook.payload.data.email).toBe('ada@example.com');
    expect(
      verifySignature({
        payload: hook.body,
        sigHeader: hook.sigHeader,
        secret: 'whsec_env',
        now: 1_700_000_000_000,
      }).timestampMs,
    ).toBe(1_700_000_000_000);
  });
});

describe('generateTestWebhook with a body that is not JSON', () => {
  it('signs it as is and leaves payload undefined', () => {
    const hook = generateTestWebhook({
      secret: 's',
      body: 'not json',
      timestampMs: 1_700_000_000_000,
    });
    expect(hook.body).toBe('not json');
    expect(hook.payload).toBeUndefined();
    expect(
      verifySignature({
        payload: 'not json',
        sigHeader: hook.sigHeader,
        secret: 's',
        now: 1_700_000_000_000,
      }).timestampMs,
    ).toBe(1_700_000_000_000);
  });
});
