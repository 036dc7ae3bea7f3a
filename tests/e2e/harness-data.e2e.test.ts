/// <reference lib="dom" />
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/chromium.js';
import { dailyBars, toCsv } from '../helpers/csv.js';
import { harnessSession } from '../helpers/harness-session.js';

describe.skipIf(!hasChromium)('Data page in the browser harness (Debian Chromium)', () => {
  let dialogFile = '';
  const s = harnessSession('qd-e2e-data-', (dataDir) => {
    dialogFile = `${dataDir}/picked-daily.csv`;
    writeFileSync(dialogFile, toCsv(dailyBars(30)));
    return { dialog: { openFile: async () => dialogFile } };
  });

  it('uploads a file, shows rejected-row reasons, the quota, the history, and deletes with confirmation', async () => {
    const page = await s.browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(`${s.harness.url}#/data`);
    await page.getByRole('heading', { name: 'Data', exact: true }).waitFor();

    const csv = toCsv(dailyBars(100)) + '2021-01-01,10,5,9,11,100\n'; // one row with high < open
    await page
      .getByLabel('Upload a CSV file')
      .setInputFiles({ name: 'aapl-daily.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText('Imported 100 bars of AAPL 1d').waitFor();
    await page.getByText('1 × high below open or close').waitFor();
    await expect.poll(() => page.getByLabel('Storage quota').textContent()).toContain('1 of 50 files');

    // The main-side dialog (a stub here) imports a file the renderer never named.
    await page.getByRole('button', { name: 'Choose file…' }).click();
    await page.getByText('Imported 30 bars of PICKED 1d').waitFor();

    const history = page.getByRole('table', { name: 'Import history' });
    await expect.poll(() => history.locator('tbody tr').count()).toBe(2);
    await page.getByLabel('File name filter').fill('aapl');
    await expect.poll(() => history.locator('tbody tr').count()).toBe(1);

    if (process.env.QD_SCREENSHOT) await page.screenshot({ path: process.env.QD_SCREENSHOT, fullPage: true });
    await page.getByRole('button', { name: 'Delete aapl-daily.csv' }).click();
    await page.getByRole('group', { name: 'Confirm delete' }).getByRole('button', { name: 'Delete' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Stored files' }).locator('tbody tr').count())
      .toBe(1);

    const usage = await s.harness.core.invoke('storage.usage');
    expect(usage).toMatchObject({ ok: true, data: { fileCount: 1 } });
    expect(usage.ok && (usage.data as { usedBytes: number }).usedBytes).toBe(
      readFileSync(dialogFile).byteLength,
    );
    expect(consoleErrors).toEqual([]);
  });
});
