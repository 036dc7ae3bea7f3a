/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/chromium.js';
import { harnessSession } from '../helpers/harness-session.js';

describe.skipIf(!hasChromium)('browser harness end to end (Debian Chromium)', () => {
  const s = harnessSession('qd-e2e-');

  it('loads, switches to dark theme and expert mode, and both survive a reload', async () => {
    const page = await s.browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(s.harness.url);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByRole('radio', { name: 'Expert' }).check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await expect.poll(() => page.getByTestId('mode-badge').textContent()).toBe('Expert');

    await page.reload();
    await page.getByLabel('Theme').waitFor();
    expect(await page.getByLabel('Theme').inputValue()).toBe('dark');
    expect(await page.getByRole('radio', { name: 'Expert' }).isChecked()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');

    // what the browser showed is what the core stored
    expect(await s.harness.core.invoke('user.getPreferences')).toMatchObject({
      ok: true,
      data: { theme: 'dark' },
    });
    expect(await s.harness.core.invoke('user.getMode')).toMatchObject({ ok: true, data: { mode: 'expert' } });
    expect(consoleErrors).toEqual([]);
    await page.screenshot({ path: `${s.dataDir}/settings.png` });
  });

  it('refuses a WebSocket from a foreign origin', async () => {
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(s.harness.url.replace('http', 'ws') + '__qd', { origin: 'http://evil.example' });
    const outcome = await new Promise<string>((resolve) => {
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
  });
});
