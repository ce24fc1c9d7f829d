// `GET /events?organization_id=` finds an organization's events in every family WorkOS sends,
// wherever the family keeps the organization (data.id, data.organization_id, or nested), read
// with the official SDK's listEvents from serve and from the stand-in WorkOS API, on both backends.
import type { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnownEventName } from '../../src/events/index.js';
import { sampleEvent } from '../../src/testing/sample-event.js';
import type { WireEvent } from '../../src/workos-api/event-list.js';
import { pulledEventsApi } from './serve-events-api.js';

const org = 'org_01TARGET0000000000000000';
const token = 'admin_token_org_filter';

/** One event per family, with the organization where that family keeps it. */
const ofTheOrganization: [KnownEventName, Record<string, unknown>][] = [
  ['organization.created', { id: org }],
  ['organization.deleted', { id: org }],
  ['organization_domain.verified', { organization_id: org }],
  ['organization_domain.verification_failed', { organization_domain: { organization_id: org } }],
  ['organization_membership.created', { organization_id: org }],
  ['organization_role.updated', { organization_id: org }],
  ['dsync.activated', { organization_id: org }],
  ['dsync.user.created', { organization_id: org }],
  ['dsync.group.created', { organization_id: org }],
  ['dsync.group.user_added', { user: { organization_id: org }, group: { organization_id: org } }],
  ['dsync.group.user_removed', { user: { organization_id: org }, group: { organization_id: org } }],
  ['connection.activated', { organization_id: org }],
  ['connection.saml_certificate_renewal_required', { connection: { organization_id: org } }],
  ['authentication.sso_succeeded', { sso: { organization_id: org } }],
  ['invitation.created', { organization_id: org }],
  ['session.created', { organization_id: org }],
  ['api_key.created', { owner: { type: 'organization', id: org } }],
];
/** Never an organization's: WorkOS's user events are not organization specific. */
const userEvents: KnownEventName[] = ['user.created', 'email_verification.created'];

const start = Date.UTC(2026, 0, 10);
let n = 0;
const at = () => new Date(start + n++ * 1000);
const events: WireEvent[] = [];
for (const [name, data] of ofTheOrganization) {
  // Another organization's event of the same family first: it must not match.
  events.push(sampleEvent(name, { seed: n + 1, createdAt: at() }) as unknown as WireEvent);
  events.push(
    sampleEvent(name, {
      seed: n + 1,
      createdAt: at(),
      overrides: { data } as never,
    }) as unknown as WireEvent,
  );
}
for (const name of userEvents)
  events.push(sampleEvent(name, { seed: n + 1, createdAt: at() }) as unknown as WireEvent);
const expected = events.filter((_, i) => i % 2 === 1 && i < ofTheOrganization.length * 2);

describe.each(['sqlite', 'postgres'] as const)(
  'GET /events?organization_id= on serve (%s)',
  (backend) => {
    let served: Awaited<ReturnType<typeof pulledEventsApi>>;
    let fromServe: WorkOS;
    let fromWorkos: WorkOS;

    beforeAll(async () => {
      served = await pulledEventsApi(backend, 'wi_events_org', events, token);
      ({ fromServe, fromWorkos } = served);
    });
    afterAll(async () => {
      await served?.close();
    });

    it('lists one event of every family the organization is in, and no other', async () => {
      const options = { events: [], organizationId: org, order: 'asc', limit: 100 } as const;
      const ours = await fromServe.events.listEvents({ ...options, events: [] });
      expect(ours.data.map((e) => `${e.event} ${e.id}`)).toEqual(
        expected.map((e) => `${e.event} ${e.id}`),
      );
      expect(ours).toEqual(await fromWorkos.events.listEvents({ ...options, events: [] }));
      // With a name filter too, and paging: the same events, a page at a time.
      const first = await fromServe.events.listEvents({
        ...options,
        events: ['organization.created', 'dsync.group.user_added', 'api_key.created'],
        limit: 2,
      });
      expect(first.data.map((e) => e.event)).toEqual([
        'organization.created',
        'dsync.group.user_added',
      ]);
      const rest = await fromServe.events.listEvents({
        ...options,
        events: ['organization.created', 'dsync.group.user_added', 'api_key.created'],
        limit: 2,
        after: first.listMetadata.after!,
      });
      expect(rest.data.map((e) => e.event)).toEqual(['api_key.created']);
    });
  },
);
