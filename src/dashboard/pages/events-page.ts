import type { StoredEvent } from '../../store/types.js';
import { eventStatuses } from '../../store/types.js';
import { html } from '../html.js';
import type { SafeHtml } from '../html.js';
import { dashboardBase, statusBadge, timeTag } from '../layout.js';

/** The events page's filters, as typed in its form (and carried by its links). */
export interface EventsQuery {
  status: string;
  event: string;
  since: string;
  id: string;
}

export function eventsQueryString(query: EventsQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...extra })) {
    if (value !== '') params.set(key, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export const eventRowId = (id: string) => `ev-${id}`;

/** One row of the events table; the live stream sends the same markup. */
export function eventRow(event: StoredEvent): SafeHtml {
  const href = `${dashboardBase}/events/${encodeURIComponent(event.id)}`;
  const firstLine = event.lastError?.split('\n')[0] ?? '';
  return html`<tr id="${eventRowId(event.id)}">
    <td class="id"><a href="${href}">${event.id}</a></td>
    <td>${event.event}</td>
    <td>${statusBadge(event.status)}</td>
    <td class="num">${event.attempts}</td>
    <td>${timeTag(event.receivedAt)}</td>
    <td class="error-cell">${firstLine}</td>
  </tr>`;
}

export interface EventsPageData {
  query: EventsQuery;
  events: readonly StoredEvent[];
  nextCursor: string | null;
  /** The page shows the newest events: new ones are streamed in. */
  live: boolean;
  /** A filter the server refused, with the reason. */
  error?: string | undefined;
  /** The id searched for was not found. */
  notFoundId?: string | undefined;
}

/** Newest first, filters, search by id, keyset pagination and (on the first page) live rows. */
export function eventsBody(data: EventsPageData): SafeHtml {
  const { query } = data;
  const stream = `${dashboardBase}/events/stream${eventsQueryString({ ...query, id: '' })}`;
  return html`<form method="get" action="${dashboardBase}/events" class="filters" role="search">
      <div>
        <label for="f-status">Status</label>
        <select id="f-status" name="status">
          <option value="">any</option>
          ${eventStatuses.map(
            (s) =>
              html`<option value="${s}" ${query.status === s ? html` selected` : ''}>${s}</option>`,
          )}
        </select>
      </div>
      <div>
        <label for="f-event">Event name</label>
        <input id="f-event" name="event" value="${query.event}" placeholder="dsync.user.created" />
      </div>
      <div>
        <label for="f-since">Received since</label>
        <input
          id="f-since"
          name="since"
          value="${query.since}"
          placeholder="1h or 2024-05-01T12:00:00Z"
        />
      </div>
      <div>
        <label for="f-id">Event id</label>
        <input id="f-id" name="id" value="${query.id}" placeholder="event_01…" />
      </div>
      <div><button type="submit">Apply</button> <a href="${dashboardBase}/events">Clear</a></div>
    </form>
    ${data.error ? html`<p class="error" role="alert">${data.error}</p>` : ''}
    ${data.notFoundId !== undefined ? html`<p class="error" role="alert">No event with id ${data.notFoundId}.</p>` : ''}
    <div class="table-wrap">
      <table class="events">
        <caption>
          ${data.live ? 'Newest first; new events appear as they arrive' : 'Older events'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Received (UTC)</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody id="event-rows" ${data.live ? html` data-live="${stream}"` : ''}>
          ${data.events.map(eventRow)}
        </tbody>
      </table>
    </div>
    ${data.events.length === 0 ? html`<p class="muted" id="no-events">No events match.</p>` : ''}
    <nav aria-label="Pages" class="pager">
      ${
        data.nextCursor
          ? html`<a
              href="${dashboardBase}/events${eventsQueryString(query, { after: data.nextCursor })}"
              rel="next"
              >Older events →</a
            >`
          : html`<span class="muted">No older events.</span>`
      }
    </nav>`;
}
