/// <reference lib="dom" />
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src-main/harness/harness-server.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { RENDERER_DIR, assertRendererBuilt } from '../helpers/renderer-build.js';
import { tempDir } from '../helpers/temp-core.js';

if (!hasChromium) console.warn('Skipping the rate-limit browser test: Debian Chromium is not installed');

describe.skipIf(!hasChromium)('rate limits in the browser harness (Debian Chromium)', () => {
  let harness: Harness;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    assertRendererBuilt();
    dataDir = tempDir('qd-e2e-rl-');
    // 'default' allows 2 changes a minute here, so the UI meets a refusal.
    harness = await startHarness({
      dataDir,
      rendererDir: RENDERER_DIR,
      rateLimits: { default: { limit: 2, periodMs: 60_000 } },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (!process.env.QD_KEEP) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows categories and backend in Settings, saves a limit, and counts down a RATE_LIMITED refusal', async () => {
    const page = await browser.newPage();
    await page.goto(harness.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => page.locator('[data-backend]').getAttribute('data-backend')).toBe('memory');
    await page.getByLabel('Backtests and sandbox runs limit').fill('7');
    await page.getByRole('button', { name: 'Save rate limits' }).click(); // 1st 'default' token
    await expect.poll(() => page.getByText('Saved.').count()).toBe(1);
    expect(await harness.core.invoke('ratelimit.status')).toMatchObject({
      ok: true,
      data: { categories: { backtest: { limit: 7 } } },
    });

    await page.getByLabel('Theme').selectOption('dark'); // 2nd token
    await page.getByLabel('Theme').selectOption('light'); // refused
    const alert = page.locator('[data-code="RATE_LIMITED"]').first();
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/You can try again in \d+ s/);
    await page.screenshot({ path: `${dataDir}/ratelimit.png`, fullPage: true });
  });
});
