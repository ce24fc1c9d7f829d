import type { StoredEvent } from '../../store/types.js';
import { html } from '../html.js';
import type { SafeHtml } from '../html.js';
import { dashboardBase, timeTag } from '../layout.js';

export interface DeadPageData {
  events: readonly StoredEvent[];
  nextCursor: string | null;
  /** Every dead event, from the status counts. */
  deadCount: number;
  csrf: string;
  notice?: string | undefined;
}

/** Dead letters: select some (or all) and redrive them, after a confirmation with the count. */
export function deadBody(data: DeadPageData): SafeHtml {
  return html`${data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : ''}
    <p>
      ${data.deadCount} dead event${data.deadCount === 1 ? '' : 's'}: they exhausted their attempts.
      Fix the cause, then queue them again.
    </p>
    ${
      data.events.length === 0
        ? html`<p class="muted" id="no-dead">Nothing is dead.</p>`
        : html`<form method="post" action="${dashboardBase}/dead/confirm">
              <input type="hidden" name="csrf" value="${data.csrf}" />
              <div class="table-wrap">
                <table class="events">
                  <caption>
                    Dead events, newest first
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col"><span class="visually-hidden">Select</span></th>
                      <th scope="col">Id</th>
                      <th scope="col">Event</th>
                      <th scope="col">Attempts</th>
                      <th scope="col">Received (UTC)</th>
                      <th scope="col">Last error</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${data.events.map(
                      (e) =>
                        html`<tr>
                          <td>
                            <input
                              type="checkbox"
                              name="id"
                              value="${e.id}"
                              id="sel-${e.id}"
                              aria-label="Select ${e.id}"
                            />
                          </td>
                          <td class="id">
                            <a href="${dashboardBase}/events/${encodeURIComponent(e.id)}"
                              >${e.id}</a
                            >
                          </td>
                          <td>${e.event}</td>
                          <td class="num">${e.attempts}</td>
                          <td>${timeTag(e.receivedAt)}</td>
                          <td class="error-cell">${e.lastError?.split('\n')[0] ?? ''}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              <p class="actions">
                <button type="submit" name="scope" value="selected" id="redrive-selected">
                  Redrive selected…
                </button>
                <button type="submit" name="scope" value="all" id="redrive-all">
                  Redrive all ${data.deadCount} dead…
                </button>
              </p>
            </form>
            <nav aria-label="Pages" class="pager">
              ${
                data.nextCursor
                  ? html`<a
                      href="${dashboardBase}/dead?after=${encodeURIComponent(data.nextCursor)}"
                      rel="next"
                      >Older →</a
                    >`
                  : ''
              }
            </nav>`
    }`;
}

/** The confirmation step: how many events will be queued again, before anything changes. */
export function redriveConfirmBody(options: {
  scope: 'all' | 'selected';
  ids: readonly string[];
  count: number;
  csrf: string;
}): SafeHtml {
  const what =
    options.scope === 'all'
      ? `all ${options.count} dead event${options.count === 1 ? '' : 's'}`
      : `${options.count} selected event${options.count === 1 ? '' : 's'}`;
  return html`<form method="post" action="${dashboardBase}/dead/redrive" class="confirm">
    <input type="hidden" name="csrf" value="${options.csrf}" />
    <input type="hidden" name="scope" value="${options.scope}" />
    ${options.ids.map((id) => html`<input type="hidden" name="id" value="${id}" />`)}
    <p id="redrive-count">Queue ${what} again? Each is attempted again from its first attempt.</p>
    <p class="actions">
      <button type="submit" id="redrive-confirm">Redrive ${options.count}</button>
      <a href="${dashboardBase}/dead">Cancel</a>
    </p>
  </form>`;
}
