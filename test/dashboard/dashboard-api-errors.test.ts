// The overview's "API errors" tile in Chromium, against the built `serve --reconcile-every` (no
// `--pull`) and the stand-in WorkOS API: the requests reconcile sends that WorkOS refuses (429 and
// 500, retried; then 401, which fails the run) are counted in the tile, by status, as /metrics
// counts them. Before, the tile read only the pull's counter and, with the pull off, was not shown.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, killAll, startServe, waitFor } from '../e2e/cli-harness.js';
import type { ServeProcess } from '../e2e/cli-harness.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { sampleState } from '../helpers/workos-state-fixtures.js';
import { browserSkipReason, expectAccessible, launchChromium, screenshot } from './browser.js';

const adminToken = 'dashboard-api-errors-token-0123456789';

describe.skipIf(browserSkipReason !== undefined)('the API errors tile in Chromium', () => {
  let cwd: string;
  let api: WorkosApiStandIn;
  let serve: ServeProcess | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-dashboard-api-errors-'));
    api = await startWorkosApiStandIn();
    api.state = sampleState({ users: 3, groups: 1 });
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    killAll();
    await api?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it("counts reconcile's failed WorkOS requests, by status, with pulling off", async () => {
    // The first run's first three requests: a 429 and a 500 (retried at once), then a 401, which
    // ends the run as failed.
    api.failNext(
      { status: 429, retryAfter: '0' },
      { status: 500, retryAfter: '0' },
      { status: 401 },
    );
    serve = await startServe(['--reconcile-every', '1h'], {
      cwd,
      env: {
        DATABASE_URL: join(cwd, 'inbox.db'),
        WORKOS_WEBHOOK_SECRET: 'whsec_dashboard_api_errors_0123456789',
        WORKOS_INBOX_ADMIN_TOKEN: adminToken,
        WORKOS_API_KEY: api.apiKey,
        WORKOS_API_URL: api.url,
      },
    });
    const base = serve.base;
    const metrics = await waitFor(async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return /^workos_inbox_reconcile_runs_total\{outcome="failure"\} 1$/m.test(text) && text;
    }, 'the failed reconcile run in /metrics');
    for (const status of [429, 500, 401]) {
      expect(metrics).toMatch(
        new RegExp(`^workos_inbox_reconcile_api_errors_total\\{status="${status}"\\} 1$`, 'm'),
      );
    }

    browser = await launchChromium();
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/dashboard/signin`);
    await page.fill('#token', adminToken);
    await page.click('button[type=submit]');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/dashboard/');
    await page.locator('h1:text-is("Overview")').waitFor();

    const tile = page.locator('.tile', { has: page.locator('dt', { hasText: /^API errors$/ }) });
    expect(await tile.count()).toBe(1);
    expect(await tile.locator('dd').evaluate((dd) => dd.firstChild?.textContent?.trim())).toBe('3');
    expect(await tile.locator('li').allInnerTexts()).toEqual([
      'reconcile: 3 (401: 1, 429: 1, 500: 1)',
    ]);
    // Not pulling: no pull line, and the pull section says so.
    expect(await page.locator('body').innerText()).toContain('Not pulling');
    await screenshot(page, 'overview-api-errors');
    await expectAccessible(page, 'the overview with reconcile API errors');
  });
});
