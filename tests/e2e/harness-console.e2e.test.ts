/// <reference lib="dom" />
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src-main/harness/harness-server.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { RENDERER_DIR, assertRendererBuilt } from '../helpers/renderer-build.js';
import { tempDir } from '../helpers/temp-core.js';

describe.skipIf(!hasChromium)('strategy console in the browser harness (Debian Chromium)', () => {
  let harness: Harness;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    assertRendererBuilt();
    dataDir = tempDir('qd-e2e-console-');
    harness = await startHarness({ dataDir, rendererDir: RENDERER_DIR });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the sample in the sandbox, then marks the line of a syntax error', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.url}#/strategies`);
    const console = page.getByRole('region', { name: 'Strategy console' });
    await console.getByRole('button', { name: 'Run' }).click();
    await expect
      .poll(() => page.getByTestId('console-stdout').textContent(), { timeout: 30_000 })
      .toContain('SMA(3) = ');
    expect(JSON.parse((await page.getByTestId('console-result').textContent()) ?? 'null')).toEqual({
      last: 14,
      sma3: 38 / 3,
    });

    // Replace the code with a syntax error on line 2 and run with the keyboard shortcut.
    const editor = page.getByRole('textbox', { name: 'Strategy code' });
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('const ok = 1;\nconst = 2;\n');
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect
      .poll(() => page.getByTestId('console-error').textContent(), { timeout: 30_000 })
      .toMatch(/line 2/);
    await expect.poll(() => page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
  });
});
