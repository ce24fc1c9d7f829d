import { WorkosApiError } from '../workos-api/workos-api-errors.js';

/** A JSON object as WorkOS's REST API sends it (snake_case). */
export type WireObject = Record<string, unknown>;

/** What the reconcile reads WorkOS through: `WorkosApiClient` (its `get` retries and parses). */
export interface ListSource {
  get(path: string): Promise<unknown>;
}

/** One page of a WorkOS list endpoint. */
export interface ListPage {
  data: WireObject[];
  /** The cursor for the next page; null on the last one. */
  after: string | null;
}

/** WorkOS's largest page. */
export const listPageSize = 100;

function checkPage(path: string, body: unknown): ListPage {
  const list = body as { data?: unknown; list_metadata?: { after?: unknown } } | null;
  if (!list || typeof list !== 'object' || !Array.isArray(list.data)) {
    throw new WorkosApiError(`GET ${path}: the answer is not a list (no "data" array)`, 200);
  }
  for (const [index, item] of list.data.entries()) {
    const id = (item as WireObject | null)?.id;
    if (typeof id !== 'string' || id === '') {
      throw new WorkosApiError(`GET ${path}: data[${index}] has no string "id"`, 200);
    }
  }
  const after = list.list_metadata?.after;
  return { data: list.data as WireObject[], after: typeof after === 'string' ? after : null };
}

/**
 * Every page of a WorkOS list endpoint (`limit=100`, following `list_metadata.after`), in wire
 * form. `params` become the query string (undefined values are left out).
 */
export async function* listPages(
  api: ListSource,
  path: string,
  params: Readonly<Record<string, string | undefined>> = {},
): AsyncGenerator<ListPage> {
  let after: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(listPageSize) });
    for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
    if (after) query.set('after', after);
    const page = checkPage(path, await api.get(`${path}?${query.toString()}`));
    yield page;
    // A page that names no next cursor, or an empty one, is the last.
    after = page.data.length > 0 ? page.after : null;
  } while (after);
}

/** GET one object; undefined when WorkOS answers 404 (it no longer has it). */
export async function getObject(api: ListSource, path: string): Promise<WireObject | undefined> {
  try {
    const body = (await api.get(path)) as WireObject | null;
    if (!body || typeof body !== 'object' || typeof body.id !== 'string') {
      throw new WorkosApiError(`GET ${path}: the answer has no string "id"`, 200);
    }
    return body;
  } catch (error) {
    if (error instanceof WorkosApiError && error.status === 404) return undefined;
    throw error;
  }
}
