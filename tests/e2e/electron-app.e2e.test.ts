/**
 * The same end-to-end path through the real Electron binary, where one is installed. The binary
 * cannot be downloaded on our CI machines, so there this suite prints why it is skipped.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { _electron } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-core.js';

const root = path.resolve(import.meta.dirname, '../..');
const pathFile = path.join(root, 'node_modules/electron/path.txt');
const electronBinary = existsSync(pathFile)
  ? path.join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim())
  : undefined;
const hasElectron = electronBinary !== undefined && existsSync(electronBinary);
if (!hasElectron) {
  console.warn(
    '[skip] Electron end-to-end tests: no Electron binary in node_modules/electron (it cannot be downloaded here)',
  );
}

describe.skipIf(!hasElectron)('Electron app end to end', () => {
  const userData = tempDir('qd-electron-');
  afterAll(() => rmSync(userData, { recursive: true, force: true }));

  it('opens the window, and dark theme plus expert mode survive a restart', async () => {
    const launch = () =>
      _electron.launch({
        executablePath: electronBinary!,
        args: [root],
        cwd: root,
        env: { ...process.env, QD_DATA_DIR: userData },
      });
    let app = await launch();
    let win = await app.firstWindow();
    await win.getByRole('link', { name: 'Settings' }).click();
    await win.getByLabel('Theme').selectOption('dark');
    await win.getByRole('radio', { name: 'Expert' }).check();
    await expect.poll(() => win.getByTestId('mode-badge').textContent()).toBe('Expert');
    await app.close();

    app = await launch();
    win = await app.firstWindow();
    await win.getByRole('link', { name: 'Settings' }).click();
    expect(await win.getByLabel('Theme').inputValue()).toBe('dark');
    expect(await win.getByRole('radio', { name: 'Expert' }).isChecked()).toBe(true);
    await app.close();
  });
});
