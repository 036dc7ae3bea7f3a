/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/chromium.js';
import { harnessSession } from '../helpers/harness-session.js';

if (!hasChromium) console.warn('Skipping the rate-limit browser test: Debian Chromium is not installed');

describe.skipIf(!hasChromium)('rate limits in the browser harness (Debian Chromium)', () => {
  const s = harnessSession('qd-e2e-rl-', () => ({
    // 'default' allows 2 changes a minute here, so the UI meets a refusal.
    rateLimits: { default: { limit: 2, periodMs: 60_000 } },
  }));

  it('shows categories and backend in Settings, saves a limit, and counts down a RATE_LIMITED refusal', async () => {
    const page = await s.browser.newPage();
    await page.goto(s.harness.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => page.locator('[data-backend]').getAttribute('data-backend')).toBe('memory');
    await page.getByLabel('Backtests and sandbox runs limit').fill('7');
    await page.getByRole('button', { name: 'Save rate limits' }).click(); // 1st 'default' token
    await expect.poll(() => page.getByText('Saved.').count()).toBe(1);
    expect(await s.harness.core.invoke('ratelimit.status')).toMatchObject({
      ok: true,
      data: { categories: { backtest: { limit: 7 } } },
    });

    await page.getByLabel('Theme').selectOption('dark'); // 2nd token
    await page.getByLabel('Theme').selectOption('light'); // refused
    const alert = page.locator('[data-code="RATE_LIMITED"]').first();
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/You can try again in \d+ s/);
    // the refused change does not stay on screen: the select returns to what main stored
    await expect.poll(() => page.getByLabel('Theme').inputValue()).toBe('dark');
    await page.screenshot({ path: `${s.dataDir}/ratelimit.png`, fullPage: true });
  });
});
