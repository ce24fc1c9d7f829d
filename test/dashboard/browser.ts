import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { repoRoot } from '../e2e/cli-harness.js';

/** Debian's Chromium; installed by .ci/run when missing. No browser is ever downloaded. */
export const chromiumPath = '/usr/bin/chromium';

/**
 * Browser tests run wherever Chromium is installed, and always under CI (where its absence is a
 * failure, not a skip). Elsewhere, without it, they are skipped with this reason.
 */
export const browserSkipReason =
  !existsSync(chromiumPath) && !process.env.CI
    ? `${chromiumPath} is missing: install it (apt-get install -y chromium) to run the browser tests`
    : undefined;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export const artifactsDir = join(repoRoot, 'test-artifacts', 'dashboard');

/** Keep a full-page screenshot as a test artifact (test-artifacts/dashboard/<name>.png). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** axe-core on the current page: no serious or critical violation (WCAG 2.1 A/AA rules). */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  expect(bad, `axe on ${what}`).toEqual([]);
}
