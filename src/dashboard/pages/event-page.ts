import { deserializeEvent } from '../../events/deserialize-event.js';
import type { WireEvent } from '../../events/event-types.js';
import type { AttemptRecord, StoredEvent } from '../../store/types.js';
import { html } from '../html.js';
import type { SafeHtml } from '../html.js';
import { eventHref } from '../event-links.js';
import { dashboardBase, statusBadge, timeTag } from '../layout.js';
import { eventTimeMs } from '../../workos-api/event-time.js';

/**
 * WorkOS's `created_at` in UTC as the page's other times are (it may come with an offset, or in
 * its space-separated form), or as sent when it cannot be read.
 */
function createdAtTag(createdAt: string): SafeHtml {
  const ms = eventTimeMs(createdAt);
  return Number.isNaN(ms) ? html`${createdAt}` : timeTag(new Date(ms));
}

/**
 * The payload as received (its bytes as UTF-8 text), and the view to show. The view is indented
 * only when indenting cannot change what it says: when the text is exactly what `JSON.stringify`
 * writes for its parse (no duplicate key, no number parsing would round, no escape parsing would
 * undo, no spacing), re-indenting is lossless. Anything else is shown as received.
 */
export function payloadViews(event: StoredEvent): {
  raw: string;
  shown: string;
  indented: boolean;
  parsed: unknown;
} {
  const raw = Buffer.from(event.rawBody).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { raw, shown: raw, indented: false, parsed: undefined };
  }
  const lossless = JSON.stringify(parsed) === raw;
  return {
    raw,
    shown: lossless ? JSON.stringify(parsed, null, 2) : raw,
    indented: lossless,
    parsed,
  };
}

/** What a handler receives: the event as the SDK's `constructEvent` returns it. */
function sdkView(parsed: unknown): string | undefined {
  if (parsed === null || typeof parsed !== 'object' || !('event' in parsed)) return undefined;
  try {
    return JSON.stringify(deserializeEvent(parsed as WireEvent), null, 2);
  } catch {
    return undefined;
  }
}

function duration(attempt: AttemptRecord): string {
  if (!attempt.finishedAt) return 'running';
  const value = attempt.finishedAt.getTime() - attempt.startedAt.getTime();
  return value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(2)} s`;
}

/** The part of the page that changes while it is open: status, attempts. Streamed live. */
export function eventLiveSection(
  event: StoredEvent,
  attempts: readonly AttemptRecord[],
  csrf: string,
  streamUrl: string,
): SafeHtml {
  const replayable = event.status !== 'processing' && !event.prunedAt;
  return html`<section id="event-live" aria-labelledby="status-h" data-live="${streamUrl}">
    <h2 id="status-h">Status</h2>
    <dl class="facts">
      <div>
        <dt>status</dt>
        <dd id="event-status">${statusBadge(event.status)}</dd>
      </div>
      <div>
        <dt>attempts (this round)</dt>
        <dd>${event.attempts}</dd>
      </div>
      <div>
        <dt>next attempt</dt>
        <dd>${timeTag(event.nextAttemptAt)}</dd>
      </div>
      <div>
        <dt>processed</dt>
        <dd>${timeTag(event.processedAt)}</dd>
      </div>
      <div>
        <dt>lease</dt>
        <dd>${event.leaseOwner ?? '—'}</dd>
      </div>
    </dl>
    ${
      replayable
        ? html`<form method="post" action="${eventHref(event.id, 'replay')}">
            <input type="hidden" name="csrf" value="${csrf}" /><button type="submit" id="replay">
              Replay this event
            </button>
          </form>`
        : html`<p class="muted">
            ${event.prunedAt ? 'Pruned by retention: it cannot be replayed.' : 'Being processed: replay it once the attempt ends.'}
          </p>`
    }
    <h2 id="attempts-h">Attempts</h2>
    ${
      attempts.length === 0
        ? html`<p class="muted" id="no-attempts">
            ${
              // Retention deletes an event's attempts with its payload: "no attempt yet" would
              // contradict the attempts counted above.
              event.prunedAt
                ? html`Its attempt log was pruned by retention on ${timeTag(event.prunedAt)}.`
                : 'No attempt yet.'
            }
          </p>`
        : html`<div class="table-wrap">
            <table class="attempts" aria-labelledby="attempts-h">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Started (UTC)</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Worker</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                ${attempts.map(
                  (a, i) =>
                    html`<tr>
                      <td class="num">${i + 1}</td>
                      <td>${timeTag(a.startedAt)}</td>
                      <td>${duration(a)}</td>
                      <td class="id">${a.worker}</td>
                      <td>${a.outcome ? statusBadge(a.outcome) : 'running'}</td>
                      <td>
                        ${
                          a.error
                            ? html`<details>
                                <summary>${a.error.split('\n')[0]}</summary>
                                <pre class="stack">${a.error}</pre>
                              </details>`
                            : ''
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
  </section>`;
}

export interface EventPageData {
  event: StoredEvent;
  attempts: readonly AttemptRecord[];
  csrf: string;
  notice?: string | undefined;
}

/** One event: its facts, the live status and attempts, the payload and the SDK-shaped view. */
export function eventBody(data: EventPageData): SafeHtml {
  const { event } = data;
  const payload = event.prunedAt ? undefined : payloadViews(event);
  const sdk = payload ? sdkView(payload.parsed) : undefined;
  const stream = eventHref(event.id, 'stream');
  return html`${data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : ''}
    <dl class="facts">
      <div>
        <dt>id</dt>
        <dd class="id">${event.id}</dd>
      </div>
      <div>
        <dt>event</dt>
        <dd>${event.event}</dd>
      </div>
      <div>
        <dt>source</dt>
        <dd>${event.source}</dd>
      </div>
      <div>
        <dt>created (by WorkOS)</dt>
        <dd>${createdAtTag(event.createdAt)}</dd>
      </div>
      <div>
        <dt>received</dt>
        <dd>${timeTag(event.receivedAt)}</dd>
      </div>
    </dl>
    ${eventLiveSection(event, data.attempts, data.csrf, stream)}
    <section aria-labelledby="payload-h">
      <h2 id="payload-h">Payload as received</h2>
      ${
        payload
          ? html`<p class="muted">
                ${
                  payload.indented
                    ? 'Indented for reading (nothing else changed); Copy payload copies the bytes as received.'
                    : 'The bytes as received.'
                }
              </p>
              <button
                type="button"
                data-copy="${payload.indented ? 'payload-raw' : 'payload'}"
                class="copy"
              >
                Copy payload
              </button>
              <pre id="payload" class="code" tabindex="0">${payload.shown}</pre>
              ${
                // What the copy button copies when the view is indented: the text as received.
                payload.indented ? html`<pre id="payload-raw" hidden>${payload.raw}</pre>` : ''
              }`
          : html`<p class="muted">Pruned by retention on ${timeTag(event.prunedAt)}.</p>`
      }
    </section>
    ${
      sdk
        ? html`<section aria-labelledby="sdk-h">
            <h2 id="sdk-h">As your handler receives it (SDK shape)</h2>
            <button type="button" data-copy="sdk" class="copy">Copy</button>
            <pre id="sdk" class="code" tabindex="0">${sdk}</pre>
          </section>`
        : ''
    }
    <p><a href="${dashboardBase}/events">← All events</a></p>`;
}
