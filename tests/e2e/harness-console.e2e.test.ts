/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/chromium.js';
import { harnessSession } from '../helpers/harness-session.js';

describe.skipIf(!hasChromium)('strategy console in the browser harness (Debian Chromium)', () => {
  const s = harnessSession('qd-e2e-console-');

  it('runs the sample in the sandbox, then marks the line of a syntax error', async () => {
    const page = await s.browser.newPage();
    await page.goto(`${s.harness.url}#/strategies`);
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
