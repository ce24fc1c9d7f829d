/** A JSON object as the WorkOS REST API returns it (snake_case). */
export type WireObject = Record<string, unknown>;
type Row = Record<string, unknown>;

/** JSON columns come back as text from SQLite and parsed from PostgreSQL's JSONB. */
export function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

// The objects are stored as their events carried them; these keys exist only on events.
function fromRaw(row: Row, object: string): WireObject {
  const raw = { ...(parseJson(row.raw) as WireObject) };
  delete raw.previous_attributes;
  return { object, ...raw };
}

export const directoryGroupWire = (row: Row): WireObject => fromRaw(row, 'directory_group');

export function directoryUserWire(row: Row, groups: readonly Row[]): WireObject {
  return { ...fromRaw(row, 'directory_user'), groups: groups.map(directoryGroupWire) };
}

// Events carry the state the SDK calls active/inactive; the REST API says linked/unlinked
// (and the SDK maps those back), so the mirror answers as the API does.
const apiDirectoryState: Record<string, string> = { active: 'linked', inactive: 'unlinked' };

export function directoryWire(row: Row): WireObject {
  const raw = parseJson(row.raw) as WireObject;
  const state = typeof row.state === 'string' ? (apiDirectoryState[row.state] ?? row.state) : null;
  return {
    object: 'directory',
    id: row.id,
    domain: row.domain,
    external_key: row.external_key,
    name: row.name,
    ...('organization_id' in raw && { organization_id: row.organization_id }),
    state,
    type: row.type,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export const organizationWire = (row: Row): WireObject => fromRaw(row, 'organization');
export const organizationDomainWire = (row: Row): WireObject => fromRaw(row, 'organization_domain');
export const connectionWire = (row: Row): WireObject => fromRaw(row, 'connection');
export const userWire = (row: Row): WireObject => fromRaw(row, 'user');
export const organizationMembershipWire = (row: Row): WireObject =>
  fromRaw(row, 'organization_membership');
