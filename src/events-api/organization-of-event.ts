/** Objects inside an event's `data` that carry the organization of events that have no `data.organization_id`. */
const carriers = ['organization_domain', 'group', 'user', 'connection', 'sso'] as const;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const object = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/**
 * The organization an event belongs to, for `GET /events?organization_id=`: the one rule our
 * Events API and the stand-in WorkOS API both filter by, over every family WorkOS sends.
 *
 * - `organization.*`: the organization itself, `data.id`.
 * - most families (`dsync.*`, `connection.*`, `organization_domain.*`,
 *   `organization_membership.*`, `organization_role.*`, `invitation.*`, `session.*` …):
 *   `data.organization_id`.
 * - the ones that nest it: `organization_domain.verification_failed`
 *   (`data.organization_domain`), `dsync.group.user_added` / `user_removed` (`data.group`, else
 *   `data.user`), `connection.saml_certificate_*` (`data.connection`), SSO `authentication.*`
 *   (`data.sso`), `api_key.*` (`data.owner`: the organization, or a user's `organization_id`).
 *
 * Undefined for the rest: as WorkOS says, user events (`user.*`, `authentication.*` without SSO,
 * `email_verification.*` …) are not organization specific.
 */
export function organizationOfEvent(event: string, data: unknown): string | undefined {
  const payload = object(data);
  if (payload === undefined) return undefined;
  if (event.startsWith('organization.')) return text(payload.id);
  const own = text(payload.organization_id);
  if (own !== undefined) return own;
  for (const key of carriers) {
    const nested = text(object(payload[key])?.organization_id);
    if (nested !== undefined) return nested;
  }
  const owner = object(payload.owner);
  if (owner === undefined) return undefined;
  return owner.type === 'organization' ? text(owner.id) : text(owner.organization_id);
}
