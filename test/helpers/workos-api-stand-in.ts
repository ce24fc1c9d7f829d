// A stand-in for WorkOS's API on loopback, for tests, bench:pull and bench:reconcile. It answers
// `GET /events`, and the list and get endpoints of its state (workos-api-stand-in-state.ts), as
// WorkOS does (reference: the Events API docs and the official SDK's
// listEvents), and test/workos-api/stand-in-fidelity.test.ts proves that the official SDK reads
// it unchanged.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireEvent } from '../../src/workos-api/event-list.js';
import { organizationOfEvent } from '../../src/events-api/organization-of-event.js';
import { eventTimeMs } from '../../src/workos-api/event-time.js';
import { answerStateRequest, emptyState } from './workos-api-stand-in-state.js';
import type { StandInState } from './workos-api-stand-in-state.js';

export interface StandInOptions {
  /** The only key accepted (`Authorization: Bearer <key>`). @defaultValue 'sk_test_stand_in' */
  apiKey?: string;
  /** `after` cursors naming one of these ids are refused as too old (400). */
  expiredIds?: Set<string>;
}

/** One recorded request: its path and query, as the server saw them. */
export interface StandInRequest {
  url: string;
  query: URLSearchParams;
  authorization: string | undefined;
  userAgent: string | undefined;
}

interface Fault {
  status: number;
  retryAfter?: string;
}

export interface WorkosApiStandIn {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  apiKey: string;
  /** Events in the order they happened (ascending = this order). */
  events: WireEvent[];
  /** The objects the list and get endpoints answer with, newest first; tests change them. */
  state: StandInState;
  /** Ids not yet visible to reads (WorkOS holds new events back from cursor reads for a while). */
  heldBack: Set<string>;
  requests: StandInRequest[];
  /**
   * Called with each request's number (1-based) before it is answered; the answer waits for it.
   * (Tests kill a pulling process here.)
   */
  beforeAnswer: ((requestNumber: number) => Promise<void> | void) | undefined;
  /** Called after each answer was written. */
  afterAnswer: ((requestNumber: number) => Promise<void> | void) | undefined;
  /** The next requests fail with these statuses, one each, in order. */
  failNext(...faults: Fault[]): void;
  close(): Promise<void>;
}

/** The `events` filter in every form clients send: `a,b`, `events=a&events=b`, `events[]=a`. */
export function eventsFilter(query: URLSearchParams): string[] {
  return [...query.getAll('events'), ...query.getAll('events[]')]
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

/** Start the stand-in on an ephemeral loopback port. */
export async function startWorkosApiStandIn(
  options: StandInOptions = {},
): Promise<WorkosApiStandIn> {
  const apiKey = options.apiKey ?? 'sk_test_stand_in';
  const faults: Fault[] = [];
  const state = {
    events: [] as WireEvent[],
    heldBack: new Set<string>(),
    requests: [] as StandInRequest[],
  };

  const stateOf = { state: emptyState() };
  const hooks: Pick<WorkosApiStandIn, 'beforeAnswer' | 'afterAnswer'> = {
    beforeAnswer: undefined,
    afterAnswer: undefined,
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const number = state.requests.length + 1;
    await hooks.beforeAnswer?.(number);
    answer(req, res);
    await hooks.afterAnswer?.(number);
  };
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    state.requests.push({
      url: req.url ?? '/',
      query: url.searchParams,
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
    });
    const fault = faults.shift();
    if (fault) {
      const headers: Record<string, string> = fault.retryAfter
        ? { 'retry-after': fault.retryAfter }
        : {};
      send(res, fault.status, { message: `injected ${fault.status}` }, headers);
      return;
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      send(res, 401, { message: 'Unauthorized' });
      return;
    }
    const stateAnswer =
      req.method === 'GET'
        ? answerStateRequest(stateOf.state, url.pathname, url.searchParams)
        : undefined;
    if (stateAnswer) {
      send(res, stateAnswer.status, stateAnswer.body);
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/events') {
      send(res, 404, { message: 'Not Found' });
      return;
    }
    const answer = listEvents(state.events, state.heldBack, url.searchParams, options.expiredIds);
    send(res, answer.status, answer.body);
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey,
    get events() {
      return state.events;
    },
    set events(value: WireEvent[]) {
      state.events = value;
    },
    get state() {
      return stateOf.state;
    },
    set state(value: StandInState) {
      stateOf.state = value;
    },
    heldBack: state.heldBack,
    requests: state.requests,
    get beforeAnswer() {
      return hooks.beforeAnswer;
    },
    set beforeAnswer(fn) {
      hooks.beforeAnswer = fn;
    },
    get afterAnswer() {
      return hooks.afterAnswer;
    },
    set afterAnswer(fn) {
      hooks.afterAnswer = fn;
    },
    failNext: (...more) => void faults.push(...more),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  } as WorkosApiStandIn;
}

function invalid(message: string): { status: number; body: unknown } {
  return { status: 422, body: { code: 'invalid_request_parameters', message } };
}

const positions = new WeakMap<
  readonly WireEvent[],
  { length: number; byId: Map<string, number> }
>();

/** Where `id` sits in `all`, from an index kept per array (bench:pull reads 100k events). */
function positionOf(all: readonly WireEvent[], id: string): number | undefined {
  let cached = positions.get(all);
  if (!cached || cached.length !== all.length) {
    cached = { length: all.length, byId: new Map(all.map((e, i) => [e.id, i])) };
    positions.set(all, cached);
  }
  return cached.byId.get(id);
}

/** `GET /events` over `all` (in the order they happened). */
function listEvents(
  all: readonly WireEvent[],
  heldBack: ReadonlySet<string>,
  query: URLSearchParams,
  expiredIds: ReadonlySet<string> | undefined,
): { status: number; body: unknown } {
  const names = eventsFilter(query);
  const limitText = query.get('limit');
  const limit = limitText === null ? 10 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return invalid('limit must be an integer between 1 and 100');
  }
  const order = query.get('order') ?? 'desc';
  // `normal` is in WorkOS's list of orders; it lists as `desc` (as the state lists do).
  if (order !== 'asc' && order !== 'desc' && order !== 'normal') {
    return invalid('order must be asc or desc');
  }
  const after = query.get('after');
  const rangeStart = query.get('range_start');
  const rangeEnd = query.get('range_end');
  if (after && rangeStart) return invalid('after and range_start cannot be used together');
  for (const [field, value] of [
    ['range_start', rangeStart],
    ['range_end', rangeEnd],
  ] as const) {
    if (value !== null && Number.isNaN(eventTimeMs(value)))
      return invalid(`${field} is not a date`);
  }
  if (after && expiredIds?.has(after)) {
    return {
      status: 400,
      body: { code: 'invalid_cursor', message: `after ${after} is older than 30 days` },
    };
  }
  const organization = query.get('organization_id');
  const ordered = order === 'asc' ? all : [...all].reverse();
  let start = 0;
  if (after) {
    const position = positionOf(all, after);
    const index =
      position === undefined ? -1 : order === 'asc' ? position : all.length - 1 - position;
    if (index < 0) return invalid(`after: no event ${after}`);
    start = index + 1;
  }
  const data: WireEvent[] = [];
  let more = false;
  for (let i = start; i < ordered.length; i++) {
    const event = ordered[i]!;
    // Held back: ascending reads stop before it (so a cursor cannot pass it); others skip it.
    if (heldBack.has(event.id)) {
      if (order === 'asc') break;
      continue;
    }
    if (names.length > 0 && !names.includes(event.event)) continue;
    // The same rule as our GET /events: the organization an event belongs to, in every family.
    if (organization && organizationOfEvent(event.event, event.data) !== organization) continue;
    const at = eventTimeMs(event.created_at);
    if (rangeStart && at < eventTimeMs(rangeStart)) continue;
    if (rangeEnd && at >= eventTimeMs(rangeEnd)) continue;
    if (data.length === limit) {
      more = true;
      break;
    }
    data.push({ object: 'event', ...event });
  }
  return {
    status: 200,
    body: {
      object: 'list',
      data,
      list_metadata: { after: more ? data[data.length - 1]!.id : null },
    },
  };
}
