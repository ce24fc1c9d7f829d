import { CreateWebhookEndpointEvents } from '@workos-inc/node';
import { describe, expect, it } from 'vitest';
import {
  deserializeEvent,
  eventNames,
  extraEventNames,
  sdkEventNames,
} from '../../src/events/index.js';
import type { WireEvent } from '../../src/events/index.js';
import { sampleEvent } from '../../src/testing/index.js';
import { constructWithBoth, forEachTabledObject, sdkUnionEventNames } from './events-helpers.js';

/** Ours, the SDK's and our compat `constructEvent` on the same bytes: all strictly equal. */
async function expectSdkEqual(wire: WireEvent): Promise<unknown> {
  const { sdkEvent, compatEvent } = await constructWithBoth(wire);
  const ours = deserializeEvent(structuredClone(wire));
  expect(ours).toStrictEqual(sdkEvent);
  expect(compatEvent).toStrictEqual(sdkEvent);
  // Same key order too, so logged JSON is byte-identical.
  expect(JSON.stringify(ours)).toBe(JSON.stringify(sdkEvent));
  return sdkEvent;
}

describe('event names', () => {
  it('lists exactly the 84 names of SDK 11.0.0 Event union, then the 7 extra subscribable ones', () => {
    const sdkNames = sdkUnionEventNames();
    expect(sdkNames).toHaveLength(84);
    expect([...sdkEventNames].sort()).toEqual([...sdkNames].sort());
    expect(extraEventNames).toHaveLength(7);
    expect(eventNames).toHaveLength(91);
    expect(new Set(eventNames).size).toBe(91);
  });

  it('adds exactly the names an SDK 11.0.0 endpoint can subscribe to but its union lacks', () => {
    const subscribable: string[] = Object.values(CreateWebhookEndpointEvents);
    const union = new Set(sdkUnionEventNames());
    expect(subscribable.filter((n) => !union.has(n)).sort()).toEqual([...extraEventNames].sort());
  });

  it.each(extraEventNames)('%s is passed through by the SDK with its raw data', async (name) => {
    const wire = sampleEvent(name, { seed: 1 });
    const sdkEvent = (await expectSdkEqual(wire)) as { data: unknown };
    expect(sdkEvent.data).toStrictEqual(wire.data);
  });
});

describe.each(sdkEventNames)('%s deserializes as SDK 11.0.0 does', (name) => {
  it.each([1, 2, 3])('sample seed %i', async (seed) => {
    const wire = sampleEvent(name, { seed });
    const sdkEvent = (await expectSdkEqual(wire)) as { data: Record<string, unknown> };
    // A real deserializer ran: the data is not the wire object passed through.
    expect(sdkEvent.data).not.toStrictEqual(wire.data);
  });

  it('drops unknown fields at every level', async () => {
    const wire = sampleEvent(name, { seed: 4 });
    forEachTabledObject(name, wire.data, (_shape, value) => {
      value.unknown_future_field = { nested: [1, 'two'] };
      value.emails = [{ primary: true, value: 'legacy@example.com' }];
    });
    const sdkEvent = (await expectSdkEqual(wire)) as { data: Record<string, unknown> };
    // Dropped from every deserialized object (objects the SDK copies whole keep them).
    expect(Object.keys(sdkEvent.data)).not.toContain('unknown_future_field');
    expect(Object.keys(sdkEvent.data)).not.toContain('unknownFutureField');
    expect(Object.keys(sdkEvent.data)).not.toContain('emails');
  });

  it('handles every optional field missing', async () => {
    const wire = sampleEvent(name, { seed: 5 });
    forEachTabledObject(name, wire.data, (shape, value) => {
      for (const spec of shape.fields) if (spec.optional) delete value[spec.wire];
    });
    await expectSdkEqual(wire);
  });

  it('handles every optional and nullable field present: null where allowed', async () => {
    const wire = sampleEvent(name, { seed: 6 });
    forEachTabledObject(name, wire.data, (shape, value) => {
      for (const spec of shape.fields) if (spec.nullable) value[spec.wire] = null;
    });
    await expectSdkEqual(wire);
  });

  it('passes context through and drops the envelope object field', async () => {
    const wire = sampleEvent(name, {
      seed: 7,
      overrides: { context: { client_id: 'client_123', actor: { id: 'user_1' } } },
    }) as WireEvent;
    wire.object = 'event';
    const event = (await expectSdkEqual(wire)) as Record<string, unknown>;
    expect(event.context).toStrictEqual({ client_id: 'client_123', actor: { id: 'user_1' } });
    expect(Object.keys(event)).toEqual(['id', 'createdAt', 'context', 'event', 'data']);
  });
});

describe('events outside the known names', () => {
  it.each(['user.archived', 'something_new.happened', 'dsync'])(
    '%s keeps its raw data, never undefined',
    async (name) => {
      const wire: WireEvent = {
        id: 'event_01',
        event: name,
        created_at: '2026-01-15T12:00:00.000Z',
        data: { snake_case_key: 1, nested: { more_keys: [true] } },
      };
      const event = (await expectSdkEqual(wire)) as Record<string, unknown>;
      expect(event.data).toStrictEqual(wire.data);
      expect(Object.hasOwn(event, 'context')).toBe(true);
    },
  );
});

describe('the SDK fixture and edge cases', () => {
  it('deserializes the SDK webhook fixture (no email, organization_id or custom_attributes)', async () => {
    await expectSdkEqual({
      id: 'wh_123',
      event: 'dsync.user.created',
      created_at: '2021-06-25T19:07:33.155Z',
      data: {
        id: 'directory_user_01FAEAJCR3ZBZ30D8BD1924TVG',
        state: 'active',
        idp_id: '00u1e8mutl6wlH3lL4x7',
        object: 'directory_user',
        last_name: 'Lunchford',
        first_name: 'Blair',
        directory_id: 'directory_01F9M7F68PZP8QXP8G7X5QRHS7',
        created_at: '2021-06-25T19:07:33.155Z',
        updated_at: '2021-06-25T19:07:33.155Z',
        raw_attributes: { name: { givenName: 'Blair', familyName: 'Lunchford' }, groups: [] },
      },
    });
  });

  it('turns group timestamps into Dates, like the SDK', async () => {
    const event = (await expectSdkEqual(sampleEvent('group.updated', { seed: 1 }))) as {
      data: { createdAt: unknown; updatedAt: unknown };
    };
    expect(event.data.createdAt).toBeInstanceOf(Date);
    expect(event.data.updatedAt).toBeInstanceOf(Date);
  });

  it('keeps a non-user API key owner as sent and camelCases a user owner', async () => {
    for (const owner of [
      { type: 'organization', id: 'org_1', extra: true },
      { type: 'user', id: 'user_1', organization_id: 'org_1', extra: true },
    ]) {
      await expectSdkEqual(
        sampleEvent('api_key.created', { overrides: { data: { owner: owner as never } } }),
      );
    }
  });

  it('omits falsy membership roles and keeps directory user roles when present', async () => {
    await expectSdkEqual(
      sampleEvent('organization_membership.updated', {
        overrides: { data: { roles: null as never } },
      }),
    );
    await expectSdkEqual(
      sampleEvent('dsync.user.updated', {
        overrides: { data: { role: { slug: 'admin' }, roles: [{ slug: 'admin' }] } },
      }),
    );
  });

  it('takes the hard-coded object names the SDK uses for sessions and updated users', async () => {
    await expectSdkEqual(
      sampleEvent('session.created', { overrides: { data: { object: 'x' as never } } }),
    );
    await expectSdkEqual(
      sampleEvent('dsync.user.updated', { overrides: { data: { object: 'x' as never } } }),
    );
  });
});
