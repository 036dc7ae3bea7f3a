import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/core.js';
import { SANDBOX_LIMITS } from '../../src-preload/contract/sandbox.js';
import { tempCore } from '../helpers/temp-core.js';

let core: Core;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ core, cleanup } = await tempCore({ sandbox: { size: 1 } }));
});
afterAll(async () => cleanup());

async function outcome(input: Record<string, unknown>): Promise<'ok' | string> {
  const r = await core.invoke('sandbox.execute', input);
  if (!r.ok) return r.error.code;
  const data = r.data as { success: boolean; error?: { code: string } };
  return data.success ? 'ok' : (data.error?.code ?? 'failed');
}

/** A valid program of exactly n characters. */
const codeOf = (n: number): string => (n % 2 === 0 ? '1;'.repeat(n / 2) : `1${';1'.repeat((n - 1) / 2)}`);

describe('sandbox input limits', () => {
  it('serves its limits', async () => {
    const r = await core.invoke('sandbox.limits');
    expect(r).toMatchObject({
      ok: true,
      data: {
        codeChars: { min: 1, max: 50_000 },
        timeoutMs: { min: 1_000, max: 300_000, default: 30_000 },
        memoryMb: { min: 64, max: 2_048, default: 512 },
      },
    });
  });

  it('builds programs of the exact length the boundary cases need', () => {
    for (const n of [49_999, 50_000, 50_001]) expect(codeOf(n)).toHaveLength(n);
  });

  it.each([
    ['empty', '', 'VALIDATION'],
    ['whitespace only', ' \n\t ', 'VALIDATION'],
    ['1 char (at the minimum)', '1', 'ok'],
    ['2 chars (above the minimum)', '1;', 'ok'],
    ['49,999 chars', codeOf(49_999), 'ok'],
    ['50,000 chars (at the maximum)', codeOf(50_000), 'ok'],
    ['50,001 chars (above the maximum)', codeOf(50_001), 'VALIDATION'],
  ])('code: %s → %s', async (_label, code, expected) => {
    expect(await outcome({ code })).toBe(expected);
  });

  it.each([
    [999, 'VALIDATION'],
    [1_000, 'ok'],
    [1_001, 'ok'],
    [299_999, 'ok'],
    [300_000, 'ok'],
    [300_001, 'VALIDATION'],
    [1_500.5, 'VALIDATION'],
  ])('timeoutMs %d → %s', async (timeoutMs, expected) => {
    expect(await outcome({ code: '1', timeoutMs })).toBe(expected);
  });

  it.each([
    [63, 'VALIDATION'],
    [64, 'ok'],
    [65, 'ok'],
    [2_047, 'ok'],
    [2_048, 'ok'],
    [2_049, 'VALIDATION'],
  ])('memoryMb %d → %s', async (memoryMb, expected) => {
    expect(await outcome({ code: '1', memoryMb })).toBe(expected);
  });

  it('applies the defaults (30 s, 512 MB), visible in the audit record', async () => {
    expect(await outcome({ code: '"defaults"' })).toBe('ok');
    const list = await core.invoke('audit.list', { action: 'sandbox.execute', pageSize: 1 });
    expect(list).toMatchObject({
      ok: true,
      data: { items: [{ details: { timeoutMs: 30_000, memoryMb: 512 } }] },
    });
  });

  it.each([
    ['non-identifier key', { 'a-b': 1 }, 'VALIDATION'],
    ['__proto__ key', JSON.parse('{"__proto__": 1}') as Record<string, unknown>, 'ok'], // stripped by JSON semantics
    ['a function value', { f: () => 1 }, 'VALIDATION'],
    ['just over 1 MB of JSON', { big: 'x'.repeat(SANDBOX_LIMITS.globalsJsonChars.max) }, 'VALIDATION'],
    ['just under 1 MB of JSON', { big: 'x'.repeat(SANDBOX_LIMITS.globalsJsonChars.max - 20) }, 'ok'],
  ])('globals: %s → %s', async (_label, globals, expected) => {
    expect(await outcome({ code: 'typeof big', globals })).toBe(expected);
  });

  it('rejects unknown fields', async () => {
    expect(await outcome({ code: '1', require: true })).toBe('VALIDATION');
  });
});
