/// <reference lib="dom" />
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src-main/harness/harness-server.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { RENDERER_DIR, assertRendererBuilt } from '../helpers/renderer-build.js';
import { tempDir } from '../helpers/temp-core.js';

describe.skipIf(!hasChromium)('browser harness end to end (Debian Chromium)', () => {
  let harness: Harness;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    assertRendererBuilt();
    dataDir = tempDir('qd-e2e-');
    harness = await startHarness({ dataDir, rendererDir: RENDERER_DIR });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads, switches to dark theme and expert mode, and both survive a reload', async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(harness.url);
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
    expect(await harness.core.invoke('user.getPreferences')).toMatchObject({
      ok: true,
      data: { theme: 'dark' },
    });
    expect(await harness.core.invoke('user.getMode')).toMatchObject({ ok: true, data: { mode: 'expert' } });
    expect(consoleErrors).toEqual([]);
    await page.screenshot({ path: `${dataDir}/settings.png` });
  });

  it('refuses a WebSocket from a foreign origin', async () => {
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(harness.url.replace('http', 'ws') + '__qd', { origin: 'http://evil.example' });
    const outcome = await new Promise<string>((resolve) => {
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
  });
});
