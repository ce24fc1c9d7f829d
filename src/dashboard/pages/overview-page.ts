import type { StoreStats } from '../../store/types.js';
import { eventStatuses } from '../../store/types.js';
import { barChart } from '../chart.js';
import { html } from '../html.js';
import type { SafeHtml } from '../html.js';
import { dashboardBase, statusBadge, timeTag } from '../layout.js';
import type { ApiErrorsSummary, MetricsSummary, PullSummary } from '../metrics-history.js';

export interface OverviewData {
  stats: StoreStats;
  metrics: MetricsSummary;
  /** Undefined when this serve does not pull (`--pull` off). */
  pull: PullSummary | undefined;
  /** Undefined when this serve neither pulls nor reconciles. */
  apiErrors: ApiErrorsSummary | undefined;
  /** How often this serve reconciles (`--reconcile-every`); undefined when it does not. */
  reconcileEveryMs: number | undefined;
}

const ms = (value: number | null) =>
  value === null ? '—' : `${value.toFixed(value < 10 ? 2 : 0)} ms`;

function age(valueMs: number | null): string {
  if (valueMs === null) return 'none due';
  if (valueMs < 1000) return `${Math.round(valueMs)} ms`;
  if (valueMs < 120_000) return `${Math.round(valueMs / 1000)} s`;
  if (valueMs < 7_200_000) return `${Math.round(valueMs / 60_000)} min`;
  return `${(valueMs / 3_600_000).toFixed(1)} h`;
}

function tile(label: string, value: string | number | SafeHtml, extra?: SafeHtml): SafeHtml {
  return html`<div class="tile">
    <dt>${label}</dt>
    <dd>${value}${extra ?? ''}</dd>
  </div>`;
}

function pullSection(pull: PullSummary | undefined): SafeHtml {
  if (!pull) {
    return html`<p class="muted">
      Not pulling: start <code>serve --pull</code> to read WorkOS's Events API as well.
    </p>`;
  }
  return html`<dl class="tiles">
    ${tile('this process', pull.leader ? 'leader (pulling)' : 'standby')}
    ${tile('last catch-up', pull.lastSuccessAt ? timeTag(pull.lastSuccessAt) : 'not yet')}
    ${tile('lag', pull.lagSeconds === null ? '—' : `${pull.lagSeconds.toFixed(1)} s`)}
    ${tile('pulled (new / duplicate)', `${pull.inserted} / ${pull.duplicates}`)}
  </dl>`;
}

/** `401: 1, 429: 2, no answer: 1` */
const statuses = (byStatus: ApiErrorsSummary['sources'][number]['byStatus']) =>
  byStatus.map((s) => `${s.status === 'none' ? 'no answer' : s.status}: ${s.count}`).join(', ');

/**
 * One tile for the failed requests to WorkOS's API of every job this serve runs (pull,
 * reconcile): their total, and below it each job's, by HTTP status.
 */
function apiErrorsSection(summary: ApiErrorsSummary | undefined): SafeHtml {
  if (!summary) {
    return html`<p class="muted" id="api-errors-state">
      Neither pulling nor reconciling: this serve sends no request to WorkOS's API.
    </p>`;
  }
  const detail = html`<ul class="tile-detail">
    ${summary.sources.map(
      (s) =>
        html`<li>
          ${s.source}: ${s.total}${s.byStatus.length > 0 ? ` (${statuses(s.byStatus)})` : ''}
        </li>`,
    )}
  </ul>`;
  return html`<dl class="tiles">${tile('API errors', summary.total, detail)}</dl>`;
}

/** `--reconcile-every`'s period in words (it is a minute or more). */
function every(valueMs: number): string {
  if (valueMs % 3_600_000 === 0) return `${valueMs / 3_600_000} h`;
  if (valueMs % 60_000 === 0) return `${valueMs / 60_000} min`;
  return `${Math.round(valueMs / 1000)} s`;
}

function reconcileSection(everyMs: number | undefined): SafeHtml {
  if (everyMs === undefined) {
    return html`<p class="muted" id="reconcile-state">
      Not reconciling: start <code>serve --reconcile-every 24h</code> to bring the directory mirror
      to WorkOS's state periodically, or run <code>workos-inbox reconcile</code> once.
    </p>`;
  }
  return html`<p id="reconcile-state">
    This serve reconciles the directory mirror with WorkOS's state every ${every(everyMs)}
    (<code>--reconcile-every</code>).
  </p>`;
}

/**
 * The overview: ingest per minute with charts, the queue by status, latency, pulling, reconciling,
 * and the failed requests to WorkOS's API of both.
 */
export function overviewBody(data: OverviewData): SafeHtml {
  const { stats, metrics } = data;
  return html`<section aria-labelledby="ingest-h">
      <h2 id="ingest-h">Ingest (this process)</h2>
      <dl class="tiles">
        ${tile('received / min', metrics.lastMinute.received)}
        ${tile('accepted / min', metrics.lastMinute.accepted)}
        ${tile('rejected / min', metrics.lastMinute.rejected)}
        ${tile('ingest p50', ms(metrics.ingestP50Ms))}
        ${tile('ingest p99', ms(metrics.ingestP99Ms))}
      </dl>
      <div class="charts">
        ${barChart('received', metrics.perMinute.received, 'chart-received')}
        ${barChart('accepted', metrics.perMinute.accepted, 'chart-accepted')}
        ${barChart('rejected', metrics.perMinute.rejected, 'chart-rejected')}
      </div>
    </section>
    <section aria-labelledby="queue-h">
      <h2 id="queue-h">Queue</h2>
      <dl class="tiles">
        ${eventStatuses.map((status) =>
          tile(
            status,
            stats.byStatus[status],
            status === 'dead' && stats.byStatus.dead > 0
              ? html` <a href="${dashboardBase}/dead">redrive…</a>`
              : undefined,
          ),
        )}
        ${tile('oldest due', age(stats.oldestPendingAgeMs))}
      </dl>
      <p>
        <a href="${dashboardBase}/events">See the events</a> · ${statusBadge('dead')}
        <a href="${dashboardBase}/events?status=dead">dead events</a>
      </p>
    </section>
    <section aria-labelledby="pull-h">
      <h2 id="pull-h">Pulling (WorkOS Events API)</h2>
      ${pullSection(data.pull)}
    </section>
    <section aria-labelledby="reconcile-h">
      <h2 id="reconcile-h">Reconciling</h2>
      ${reconcileSection(data.reconcileEveryMs)}
    </section>
    <section aria-labelledby="workos-api-h">
      <h2 id="workos-api-h">WorkOS API requests (this process)</h2>
      ${apiErrorsSection(data.apiErrors)}
    </section>`;
}
