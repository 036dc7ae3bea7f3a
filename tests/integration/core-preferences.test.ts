import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../src-main/core.js';
import { DEFAULT_PREFERENCES } from '../../src-main/user/preferences-service.js';
import { tempDir } from '../helpers/temp-core.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('preferences and mode', () => {
  it('gives a new user the defaults and beginner mode', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const core = await createCore({ dataDir, checkOutputs: true });
    expect(await core.invoke('user.getPreferences')).toMatchObject({ ok: true, data: DEFAULT_PREFERENCES });
    expect(await core.invoke('user.getMode', {})).toMatchObject({ ok: true, data: { mode: 'beginner' } });
    await core.close();
  });

  it('survives a restart: write, close, reopen on the same data dir, read back', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const a = await createCore({ dataDir, checkOutputs: true });
    expect((await a.invoke('user.setMode', { mode: 'expert' })).ok).toBe(true);
    const upd = await a.invoke('user.updatePreferences', { theme: 'dark', defaultCommissionPct: 0.25 });
    expect(upd).toMatchObject({
      ok: true,
      data: { theme: 'dark', defaultCommissionPct: 0.25, numberFormat: 'en-US' },
    });
    const userId = a.localUserId;
    await a.close();

    const b = await createCore({ dataDir, checkOutputs: true });
    expect(b.localUserId).toBe(userId);
    expect(await b.invoke('user.getMode')).toMatchObject({ ok: true, data: { mode: 'expert' } });
    expect(await b.invoke('user.getPreferences')).toMatchObject({
      ok: true,
      data: { ...DEFAULT_PREFERENCES, theme: 'dark', defaultCommissionPct: 0.25 },
    });
    await b.close();
  });

  it('updates are partial and validated', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const core = await createCore({ dataDir, checkOutputs: true });
    await core.invoke('user.updatePreferences', { numberFormat: 'de-DE' });
    await core.invoke('user.updatePreferences', { defaultTimeframe: '1h' });
    const got = await core.invoke('user.getPreferences');
    expect(got).toMatchObject({
      ok: true,
      data: { numberFormat: 'de-DE', defaultTimeframe: '1h', theme: 'system' },
    });

    const bad = await core.invoke('user.updatePreferences', { theme: 'neon', defaultSlippagePct: -1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('VALIDATION');
      const paths = (bad.error.details?.issues as { path: string }[]).map((i) => i.path).sort();
      expect(paths).toEqual(['defaultSlippagePct', 'theme']);
    }
    const empty = await core.invoke('user.updatePreferences', {});
    expect(empty).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const unknownKey = await core.invoke('user.updatePreferences', { theme: 'dark', colour: 'red' });
    expect(unknownKey).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    await core.close();
  });

  it('rejects a mode that is neither beginner nor expert', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const core = await createCore({ dataDir });
    for (const mode of ['Expert', 'admin', '', 1, null]) {
      const r = await core.invoke('user.setMode', { mode });
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await core.invoke('user.getMode')).toMatchObject({ ok: true, data: { mode: 'beginner' } });
    await core.close();
  });

  it('emits preferences.changed to subscribers, and unsubscribe stops it', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const core = await createCore({ dataDir });
    const seen: unknown[] = [];
    const off = core.on('preferences.changed', (p) => seen.push(p));
    await core.invoke('user.updatePreferences', { theme: 'light' });
    off();
    await core.invoke('user.updatePreferences', { theme: 'dark' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ theme: 'light' });
    await core.close();
  });
});
