import { html } from './html.js';
import type { SafeHtml } from './html.js';

/**
 * A small bar chart as inline SVG (presentation attributes only: the CSP allows no inline style),
 * with a text alternative for screen readers.
 */
export function barChart(label: string, values: readonly number[], className: string): SafeHtml {
  const width = 240;
  const height = 48;
  const slots = 60;
  const max = Math.max(1, ...values);
  const barWidth = width / slots;
  const offset = slots - values.length;
  const bars = values.map((v, i) => {
    const h = (v / max) * (height - 2);
    return html`<rect
      x="${((offset + i) * barWidth).toFixed(1)}"
      y="${(height - h).toFixed(1)}"
      width="${Math.max(1, barWidth - 1).toFixed(1)}"
      height="${h.toFixed(1)}"
    ></rect>`;
  });
  const sum = values.reduce((a, b) => a + b, 0);
  const summary = `${label}: ${sum} in the last ${values.length} minute${values.length === 1 ? '' : 's'}, at most ${Math.max(0, ...values)} per minute`;
  return html`<figure class="chart ${className}">
    <svg
      viewBox="0 0 ${width} ${height}"
      role="img"
      aria-label="${summary}"
      preserveAspectRatio="none"
    >
      <line x1="0" y1="${height - 0.5}" x2="${width}" y2="${height - 0.5}" class="axis"></line>
      ${bars}
    </svg>
    <figcaption>${label} per minute, last hour</figcaption>
  </figure>`;
}
