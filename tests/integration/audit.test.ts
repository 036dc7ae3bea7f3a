import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/core.js';
import { tempCore } from '../helpers/temp-core.js';

let core: Core;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ core, cleanup } = await tempCore());
});
afterEach(async () => cleanup());

describe('audit log', () => {
  it('writes one record per mutating call, with its correlation id, newest first', async () => {
    const a = await core.invoke('user.setMode', { mode: 'expert' }, { correlationId: 'corr-1' });
    const b = await core.invoke('user.updatePreferences', { theme: 'dark' }, { correlationId: 'corr-2' });
    await core.invoke('user.getPreferences'); // a read: not audited
    const bad = await core.invoke('user.setMode', { mode: 'nope' }); // rejected before the handler: not a mutation
    expect(a.ok && b.ok && !bad.ok).toBe(true);

    const list = await core.invoke('audit.list', { page: 1, pageSize: 10 });
    expect(list.ok).toBe(true);
    if (!list.ok) return;
    const data = list.data as {
      items: { action: string; correlationId: string; details: unknown; outcome: string }[];
      total: number;
    };
    expect(data.total).toBe(2);
    expect(data.items.map((i) => i.action)).toEqual(['user.updatePreferences', 'user.setMode']);
    expect(data.items.map((i) => i.correlationId)).toEqual(['corr-2', 'corr-1']);
    expect(data.items[0]?.details).toEqual({ theme: 'dark' });
    expect(data.items.every((i) => i.outcome === 'ok')).toBe(true);
  });

  it('returns the correlation id with every answer, and pages with a total', async () => {
    for (let i = 0; i < 7; i++) await core.invoke('user.setMode', { mode: i % 2 ? 'expert' : 'beginner' });
    const p1 = await core.invoke('audit.list', { page: 1, pageSize: 3 });
    const p3 = await core.invoke('audit.list', { page: 3, pageSize: 3 });
    expect(p1).toMatchObject({ ok: true, data: { total: 7, page: 1, pageSize: 3 } });
    expect(p1.ok && typeof p1.correlationId).toBe('string');
    expect(p3.ok && (p3.data as { items: unknown[] }).items).toHaveLength(1);
    const filtered = await core.invoke('audit.list', { action: 'user.updatePreferences' });
    expect(filtered).toMatchObject({ ok: true, data: { total: 0 } });
  });
});
