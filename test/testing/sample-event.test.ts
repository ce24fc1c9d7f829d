import { describe, expect, it } from 'vitest';
import { eventNames } from '../../src/events/index.js';
import { scenarioEvents } from '../../src/cli/sample-source.js';
import { sampleEvent } from '../../src/testing/index.js';

const ulid = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('sampleEvent', () => {
  it.each(eventNames)('%s: a plausible envelope, the same for the same seed', (name) => {
    const a = sampleEvent(name, { seed: 11 });
    expect(a).toStrictEqual(sampleEvent(name, { seed: 11 }));
    expect(a).not.toStrictEqual(sampleEvent(name, { seed: 12 }));
    expect(a.event).toBe(name);
    expect(a.id.startsWith('event_')).toBe(true);
    expect(a.id.slice('event_'.length)).toMatch(ulid);
    expect(new Date(a.created_at).toISOString()).toBe(a.created_at);
    expect(JSON.parse(JSON.stringify(a))).toStrictEqual(a);
  });

  it('makes ids, names and emails that agree with each other', () => {
    const { data } = sampleEvent('dsync.user.created', { seed: 3 });
    expect(data.id).toMatch(/^directory_user_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(data.directory_id).toMatch(/^directory_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(data.organization_id).toMatch(/^org_/);
    const local = `${data.first_name}.${data.last_name}`.toLowerCase().normalize('NFD');
    expect(data.email).toBe(`${local.replace(/[^a-z.]/g, '')}@${data.email?.split('@')[1]}`);
    expect(data.email).toMatch(/^[a-z.]+@[a-z0-9-]+\.[a-z]+$/);
  });

  // WorkOS passes on the IdP's SCIM Group as a group's raw_attributes; the samples (a single
  // `trigger dsync.group.created`, the group inside a membership event, and the groups of
  // `trigger --scenario directory-sync`) carried a SCIM User (userName, emails) or nothing.
  it("gives a directory group a SCIM Group's raw_attributes, named as the group", async () => {
    const groups = [
      sampleEvent('dsync.group.created', { seed: 3 }).data,
      sampleEvent('dsync.group.updated', { seed: 3 }).data,
      sampleEvent('dsync.group.user_added', { seed: 3 }).data.group,
      ...(await scenarioEvents('directory-sync', 5))
        .filter((e) => e.event.startsWith('dsync.group.'))
        .map((e) =>
          e.event.endsWith('_added') || e.event.endsWith('_removed') ? e.data.group : e.data,
        ),
    ] as Array<{ name: string; raw_attributes: Record<string, unknown> }>;
    expect(groups.length).toBeGreaterThan(10);
    for (const group of groups) {
      expect(group.raw_attributes).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: group.name,
      });
      expect(Array.isArray(group.raw_attributes.members)).toBe(true);
      expect(group.raw_attributes).not.toHaveProperty('userName');
      expect(group.raw_attributes).not.toHaveProperty('emails');
    }
  });

  it('gives two events of one seed different ids', () => {
    const user = sampleEvent('user.created', { seed: 1 });
    const org = sampleEvent('organization.created', { seed: 1 });
    expect(user.id).not.toBe(org.id);
    expect(user.data.id.slice(5)).not.toBe(org.data.id.slice(4));
  });

  it('fits the name: a failed sign-in has an error, a revoked session says so', () => {
    const failed = sampleEvent('authentication.password_failed').data;
    expect(failed.status).toBe('failed');
    expect(failed.type).toBe('password');
    expect(failed.error?.code).toBeTypeOf('string');
    expect(sampleEvent('authentication.sso_succeeded').data.sso?.connection_id).toMatch(/^conn_/);
    expect(sampleEvent('session.revoked').data.status).toBe('revoked');
    expect(sampleEvent('invitation.accepted').data.accepted_at).toBeTypeOf('string');
    expect(sampleEvent('waitlist_user.denied').data.state).toBe('denied');
  });

  it('places the event at createdAt, objects before it', () => {
    const e = sampleEvent('user.updated', { createdAt: '2030-05-01T10:00:00.000Z' });
    expect(e.created_at).toBe('2030-05-01T10:00:00.000Z');
    expect(e.data.created_at < e.created_at).toBe(true);
    expect(e.id.slice(6, 16)).toBe(
      sampleEvent('user.created', { createdAt: new Date('2030-05-01T10:00:00.000Z') }).id.slice(
        6,
        16,
      ),
    );
    expect(() => sampleEvent('user.created', { createdAt: 'not a date' })).toThrow(TypeError);
  });

  it('merges deep-partial overrides: nested keys kept, arrays replaced, undefined removes', () => {
    const e = sampleEvent('organization.created', {
      seed: 2,
      overrides: {
        id: 'event_fixed',
        context: { client_id: 'client_1' },
        data: { name: 'Renamed', metadata: { tier: 'gold' }, external_id: undefined, domains: [] },
      },
    });
    const base = sampleEvent('organization.created', { seed: 2 });
    expect(e.id).toBe('event_fixed');
    expect(e.context).toEqual({ client_id: 'client_1' });
    expect(e.data.name).toBe('Renamed');
    expect(e.data.metadata).toEqual({ tier: 'gold' });
    expect(e.data.domains).toEqual([]);
    expect('external_id' in e.data).toBe(false);
    expect(e.data.created_at).toBe(base.data.created_at);
  });

  it('does not share objects between the overrides and the event', () => {
    const roles = [{ slug: 'admin' }];
    const e = sampleEvent('dsync.user.updated', { overrides: { data: { roles } } });
    roles[0]!.slug = 'changed';
    expect(e.data.roles).toEqual([{ slug: 'admin' }]);
  });

  it('rejects a name it has no sample for', () => {
    expect(() => sampleEvent('no.such_event' as never)).toThrow(
      /unknown event name "no.such_event"/,
    );
  });
});

describe('sampleEvent overrides from JSON', () => {
  it('ignore __proto__ keys instead of changing a prototype', () => {
    const overrides = JSON.parse('{"data":{"__proto__":{"polluted":true},"name":"ok"}}') as object;
    const e = sampleEvent('organization.created', { overrides });
    expect(e.data.name).toBe('ok');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(e.data)).toBe(Object.prototype);
  });
});
