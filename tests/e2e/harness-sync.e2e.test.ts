/// <reference lib="dom" />
/**
 * The sync UI in a real browser against a real sync server: register from Settings → Sync with a
 * passphrase, see the sidebar indicator report a finished sync, and the data arrive on the server.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src-main/harness/harness-server.js';
import { InMemorySecretStoreForTests } from '../../src-main/sync/secret-store.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { RENDERER_DIR, assertRendererBuilt } from '../helpers/renderer-build.js';
import { TEST_KDF } from '../helpers/sync-cores.js';
import { startSyncServer, type TestServer } from '../helpers/sync-server.js';
import { tempDir } from '../helpers/temp-core.js';

describe.skipIf(!hasChromium)('sync settings and indicator (Debian Chromium)', () => {
  let harness: Harness;
  let server: TestServer;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    assertRendererBuilt();
    dataDir = tempDir('qd-e2e-sync-');
    server = await startSyncServer({ sqliteFile: path.join(dataDir, 'server.db') });
    harness = await startHarness({
      dataDir: path.join(dataDir, 'app'),
      rendererDir: RENDERER_DIR,
      sync: { secretStore: new InMemorySecretStoreForTests(), intervalMs: 0, kdf: TEST_KDF },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers with a passphrase, syncs, and the indicator says so', async () => {
    const page = await browser.newPage();
    await page.goto(harness.url);
    await expect.poll(() => page.getByTestId('sync-indicator').textContent()).toContain('Sync off');
    await page.getByTestId('sync-indicator').click();
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByLabel('Server address').fill(server.url);
    await page.getByLabel('Email').fill(`${randomUUID()}@example.test`);
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await page.getByLabel('Create a new account').check();
    await expect
      .poll(() => page.getByText('If you lose it, nobody can recover your synced data').count())
      .toBe(1);
    await page.getByLabel('Sync passphrase').fill('staple of secrets');
    await page.getByRole('button', { name: 'Create account and sync' }).click();
    await page.getByRole('button', { name: 'Sync now' }).waitFor();
    await expect.poll(() => page.getByText('End-to-end encrypted.').count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.getByTestId('sync-indicator').textContent()).toContain('Synced');
    const st = await harness.core.invoke('sync.status');
    expect(st).toMatchObject({ ok: true, data: { state: 'idle', pending: 0, encrypted: true } });
  });
});
