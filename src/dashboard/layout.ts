import { html } from './html.js';
import type { SafeHtml } from './html.js';

/** Where the dashboard lives; `/` redirects here. */
export const dashboardBase = '/dashboard';
/** The one stylesheet and the one script, built into dist/dashboard/ by `npm run build`. */
export const assetPaths = {
  css: `${dashboardBase}/assets/dashboard.css`,
  js: `${dashboardBase}/assets/dashboard-client.js`,
} as const;

const nav: ReadonlyArray<[string, string]> = [
  ['overview', `${dashboardBase}/`],
  ['events', `${dashboardBase}/events`],
  ['dead letters', `${dashboardBase}/dead`],
  ['directory', `${dashboardBase}/directory`],
];

export interface PageOptions {
  title: string;
  /** The nav entry to mark as current. */
  current?: string;
  /** Present when signed in: the nav and the sign-out form (with its CSRF token) are shown. */
  csrf?: string;
  body: SafeHtml;
}

/** The page shell: no inline script or style (the CSP forbids both), one CSS and one JS file. */
export function page(options: PageOptions): string {
  const signedIn = options.csrf !== undefined;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · workos-inbox</title>
        <link rel="stylesheet" href="${assetPaths.css}" />
        <script type="module" src="${assetPaths.js}"></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <span class="brand">workos-inbox</span>
          ${
            signedIn
              ? html`<nav aria-label="Main">
                    <ul>
                      ${nav.map(
                        ([label, href]) =>
                          html`<li>
                            <a
                              href="${href}"
                              ${options.current === label ? html` aria-current="page"` : ''}
                              >${label}</a
                            >
                          </li>`,
                      )}
                    </ul>
                  </nav>
                  <form method="post" action="${dashboardBase}/signout" class="signout">
                    <input type="hidden" name="csrf" value="${options.csrf ?? ''}" /><button
                      type="submit"
                    >
                      Sign out
                    </button>
                  </form>`
              : ''
          }
        </header>
        <main id="main">
          <h1>${options.title}</h1>
          ${options.body}
        </main>
      </body>
    </html> `.text;
}

/** A status as a labelled badge (colour is never the only signal: the word is there). */
export function statusBadge(status: string): SafeHtml {
  return html`<span class="badge badge-${status}">${status}</span>`;
}

/** A time as `<time>` with the full ISO value; shown in UTC. */
export function timeTag(value: Date | string | null): SafeHtml {
  if (value === null) return html`<span class="muted">—</span>`;
  const iso = typeof value === 'string' ? value : value.toISOString();
  return html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, 'Z')}</time>`;
}
