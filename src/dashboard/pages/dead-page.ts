import type { StoredEvent } from '../../store/types.js';
import { html } from '../html.js';
import type { SafeHtml } from '../html.js';
import { dashboardBase } from '../layout.js';
import { eventsTable, olderPager } from './events-page.js';

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
              ${eventsTable({
                caption: 'Dead events, newest first',
                events: data.events,
                selectable: true,
              })}
              <p class="actions">
                <button type="submit" name="scope" value="selected" id="redrive-selected">
                  Redrive selected…
                </button>
                <button type="submit" name="scope" value="all" id="redrive-all">
                  Redrive all ${data.deadCount} dead…
                </button>
              </p>
            </form>
            ${olderPager(
              data.nextCursor
                ? `${dashboardBase}/dead?after=${encodeURIComponent(data.nextCursor)}`
                : null,
              'Older →',
              html``,
            )}`
    }`;
}

/** The confirmation step: how many events will be queued again, before anything changes. */
export function redriveConfirmBody(options: {
  scope: 'all' | 'selected';
  ids: readonly string[];
  count: number;
  /** `all`: which dead events were counted (the final step queues those or nothing). */
  confirmed?: string;
  /** The dead events changed after the previous confirmation: nothing was queued. */
  changed?: boolean;
  csrf: string;
}): SafeHtml {
  const what =
    options.scope === 'all'
      ? `all ${options.count} dead event${options.count === 1 ? '' : 's'}`
      : `${options.count} selected event${options.count === 1 ? '' : 's'}`;
  return html`${
      options.changed
        ? html`<p class="error" role="alert" id="redrive-changed">
            The dead events changed since you confirmed (some died or were queued again meanwhile),
            so nothing was queued. Confirm again:
          </p>`
        : ''
    }
    <form method="post" action="${dashboardBase}/dead/redrive" class="confirm">
      <input type="hidden" name="csrf" value="${options.csrf}" />
      <input type="hidden" name="scope" value="${options.scope}" />
      ${options.confirmed ? html`<input type="hidden" name="confirmed" value="${options.confirmed}" />` : ''}
      ${options.ids.map((id) => html`<input type="hidden" name="id" value="${id}" />`)}
      <p id="redrive-count">Queue ${what} again? Each is attempted again from its first attempt.</p>
      <p class="actions">
        <button type="submit" id="redrive-confirm">Redrive ${options.count}</button>
        <a href="${dashboardBase}/dead">Cancel</a>
      </p>
    </form>`;
}
