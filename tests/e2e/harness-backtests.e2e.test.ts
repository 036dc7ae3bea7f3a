/// <reference lib="dom" />
/**
 * Strategies and backtests in a real browser through the harness: bars as a CSV dataset in the
 * data dir (the data-import page will replace this step), a strategy from a template, a run with
 * metrics and charts, the trades exported as CSV.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/chromium.js';
import { syntheticDailyCsv } from '../helpers/csv.js';
import { harnessSession } from '../helpers/harness-session.js';

describe.skipIf(!hasChromium)('backtests in the browser harness (Debian Chromium)', () => {
  // A CSV in <dataDir>/datasets is a dataset backtests can use (the CSV-folder bar source).
  const s = harnessSession('qd-e2e-bt-', (dataDir) => {
    mkdirSync(path.join(dataDir, 'datasets'));
    writeFileSync(path.join(dataDir, 'datasets', 'sample.csv'), syntheticDailyCsv(1500, 4));
    return {};
  });

  it('creates a strategy from a template, runs it, shows metrics and charts, exports the trades', async () => {
    const page = await s.browser.newPage({ acceptDownloads: true });
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(s.harness.url);
    await page.getByRole('link', { name: 'Strategies' }).click();
    await page.getByLabel('New from template').selectOption('sma-crossover');
    await expect.poll(() => page.getByLabel('Strategy name').inputValue()).toBe('SMA crossover');
    await expect
      .poll(async () => (await page.getByRole('textbox', { name: 'Strategy source' }).textContent()) ?? '')
      .toContain('ctx.sma');

    await page.getByRole('link', { name: 'Backtests' }).click();
    await expect.poll(() => page.getByLabel('Parameter fast').inputValue()).toBe('10');
    await page.getByLabel('Parameter fast').fill('5');
    await page.getByRole('button', { name: 'Run backtest' }).click();

    const trades = page.locator('[data-metric="trades"] strong');
    await trades.waitFor();
    expect(Number((await trades.textContent())!.replace(/,/g, ''))).toBeGreaterThan(5);
    await page.getByLabel('Price chart').locator('canvas').first().waitFor();
    await page.getByLabel('Equity chart').locator('canvas').first().waitFor();
    expect(await page.getByRole('table', { name: 'Trades' }).getByRole('row').count()).toBeGreaterThan(2);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export trades (CSV)' }).click(),
    ]);
    const file = path.join(s.dataDir, 'trades.csv');
    await download.saveAs(file);
    const csv = readFileSync(file, 'utf8').trim().split('\n');
    expect(csv[0]).toBe(
      'side,qty,entry_time,entry_price,exit_time,exit_price,pnl,return_pct,commission,exit_reason',
    );

    const runs = await s.harness.core.invoke('backtests.list');
    expect(runs).toMatchObject({
      ok: true,
      data: { total: 1, items: [{ status: 'done', params: { fast: 5, slow: 30 } }] },
    });
    const metrics = (runs as { ok: true; data: { items: { metrics: { trades: number } }[] } }).data.items[0]!
      .metrics;
    expect(csv.length - 1).toBe(metrics.trades);
    expect(consoleErrors).toEqual([]);
    await page.screenshot({ path: `${s.dataDir}/backtest.png`, fullPage: true });
  });
});
