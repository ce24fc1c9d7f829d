// The state half of the stand-in WorkOS API: organizations, directories, directory users and
// groups, connections, AuthKit users and organization memberships, answered through WorkOS's
// list endpoints (limit 1–100, `after` / `before` cursors, `order`, the filters the SDK sends) and
// get endpoints. Tests mutate the arrays; test/workos-api/stand-in-fidelity.test.ts proves that
// the official SDK reads them unchanged.

/** A JSON object as WorkOS sends it (snake_case). */
export type WireObject = Record<string, unknown>;

/** WorkOS's state, newest first (the lists' default `desc` order). Directory users carry `groups`. */
export interface StandInState {
  organizations: WireObject[];
  directories: WireObject[];
  directoryUsers: WireObject[];
  directoryGroups: WireObject[];
  connections: WireObject[];
  users: WireObject[];
  organizationMemberships: WireObject[];
}

export function emptyState(): StandInState {
  return {
    organizations: [],
    directories: [],
    directoryUsers: [],
    directoryGroups: [],
    connections: [],
    users: [],
    organizationMemberships: [],
  };
}

type Filter = (obj: WireObject, query: URLSearchParams) => boolean;
interface Resource {
  key: keyof StandInState;
  filter?: Filter;
  /** Parameters WorkOS requires, one of which must be present (422 otherwise). */
  requireOne?: readonly string[];
}

const many = (query: URLSearchParams, name: string): string[] =>
  [...query.getAll(name), ...query.getAll(`${name}[]`)]
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '');
const field =
  (name: string, param = name): Filter =>
  (obj, query) => {
    const want = query.get(param);
    return !want || obj[name] === want;
  };
const all =
  (...filters: Filter[]): Filter =>
  (obj, query) =>
    filters.every((f) => f(obj, query));

/** Whether a directory user's `groups` names the group. */
const inGroup = (user: WireObject, groupId: string) =>
  Array.isArray(user.groups) && (user.groups as WireObject[]).some((g) => g.id === groupId);

function resources(state: StandInState): Record<string, Resource> {
  return {
    '/organizations': {
      key: 'organizations',
      filter: (org, query) => {
        const domains = many(query, 'domains');
        if (domains.length === 0) return true;
        const own = Array.isArray(org.domains) ? (org.domains as WireObject[]) : [];
        return own.some((d) => domains.includes(String(d.domain)));
      },
    },
    '/directories': { key: 'directories', filter: field('organization_id') },
    '/directory_users': {
      key: 'directoryUsers',
      requireOne: ['directory', 'group'],
      filter: (user, query) => {
        const group = query.get('group');
        return field('directory_id', 'directory')(user, query) && (!group || inGroup(user, group));
      },
    },
    '/directory_groups': {
      key: 'directoryGroups',
      requireOne: ['directory', 'user'],
      filter: (group, query) => {
        const userId = query.get('user');
        if (!field('directory_id', 'directory')(group, query)) return false;
        if (!userId) return true;
        const user = state.directoryUsers.find((u) => u.id === userId);
        return user !== undefined && inGroup(user, String(group.id));
      },
    },
    '/connections': {
      key: 'connections',
      filter: all(field('organization_id'), field('connection_type')),
    },
    '/user_management/users': {
      key: 'users',
      filter: (user, query) => {
        const org = query.get('organization_id');
        const email = query.get('email');
        if (email && user.email !== email) return false;
        return (
          !org ||
          state.organizationMemberships.some(
            (m) => m.user_id === user.id && m.organization_id === org,
          )
        );
      },
    },
    '/user_management/organization_memberships': {
      key: 'organizationMemberships',
      requireOne: ['organization_id', 'user_id'],
      filter: (m, query) => {
        const statuses = many(query, 'statuses');
        return (
          field('organization_id')(m, query) &&
          field('user_id')(m, query) &&
          (statuses.length === 0 || statuses.includes(String(m.status)))
        );
      },
    },
  };
}

/** An answer: status and JSON body. */
export interface Answer {
  status: number;
  body: unknown;
}

const invalid = (message: string): Answer => ({
  status: 422,
  body: { code: 'invalid_request_parameters', message },
});
const notFound = (what: string): Answer => ({
  status: 404,
  body: { code: 'entity_not_found', message: `${what} not found` },
});

const positions = new WeakMap<readonly WireObject[], Map<string, number>>();

/** Where `id` sits in `list` (an index per array, checked, so 100k-object lists page fast). */
function positionOf(list: readonly WireObject[], id: string): number {
  let byId = positions.get(list);
  let at = byId?.get(id);
  if (at === undefined || list[at]?.id !== id) {
    byId = new Map(list.map((o, i) => [String(o.id), i]));
    positions.set(list, byId);
    at = byId.get(id);
  }
  return at ?? -1;
}

function listAnswer(
  list: readonly WireObject[],
  resource: Resource,
  query: URLSearchParams,
): Answer {
  const limitText = query.get('limit');
  const limit = limitText === null ? 10 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return invalid('limit must be an integer between 1 and 100');
  }
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc' && order !== 'normal') {
    return invalid('order must be asc or desc');
  }
  if (resource.requireOne && !resource.requireOne.some((p) => query.get(p))) {
    return invalid(`one of ${resource.requireOne.join(', ')} is required`);
  }
  const after = query.get('after');
  const before = query.get('before');
  // Stored newest first; `asc` walks it from the end. Each cursor bounds the walk, alone or
  // together (the SDK's autoPagination() from a `before` sends both), as WorkOS's own emulator
  // and the mirror's read API do: a page is the first `limit` objects after `after` and before
  // `before`.
  const step = order === 'asc' ? -1 : 1;
  let i = order === 'asc' ? list.length - 1 : 0;
  if (after) {
    const at = positionOf(list, after);
    if (at < 0) return invalid(`after: no object ${after}`);
    i = at + step;
  }
  let stop = order === 'asc' ? -1 : list.length;
  if (before) {
    const at = positionOf(list, before);
    if (at < 0) return invalid(`before: no object ${before}`);
    stop = at;
  }
  const data: WireObject[] = [];
  let more = false;
  for (; step === 1 ? i < stop : i > stop; i += step) {
    const obj = list[i]!;
    if (resource.filter && !resource.filter(obj, query)) continue;
    if (data.length === limit) {
      more = true;
      break;
    }
    data.push(obj);
  }
  return page(data, more, Boolean(after));
}

function page(data: WireObject[], more: boolean, hasBefore: boolean): Answer {
  return {
    status: 200,
    body: {
      object: 'list',
      data,
      list_metadata: {
        before: hasBefore && data.length > 0 ? data[0]!.id : null,
        after: more && data.length > 0 ? data[data.length - 1]!.id : null,
      },
    },
  };
}

/** The answer to a GET of a list or get endpoint over `state`; undefined for other paths. */
export function answerStateRequest(
  state: StandInState,
  path: string,
  query: URLSearchParams,
): Answer | undefined {
  const routes = resources(state);
  const list = routes[path];
  if (list) return listAnswer(state[list.key], list, query);
  const slash = path.lastIndexOf('/');
  const get = routes[path.slice(0, slash)];
  if (!get || slash === path.length - 1) return undefined;
  const id = decodeURIComponent(path.slice(slash + 1));
  const found = state[get.key].find((o) => o.id === id);
  return found ? { status: 200, body: found } : notFound(id);
}
