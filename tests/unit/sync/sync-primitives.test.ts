/** HLC ordering and drift, merkle divergence, and the AEAD sealing of cells. */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodec, KeyMismatchError } from '../../../src-main/sync/codec.js';
import { DecryptError, keyIdOf } from '../../../src-main/sync/crypto.js';
import { ClockDriftError, HybridClock, parseTimestamp } from '../../../src-main/sync/hlc.js';
import { diffTries, emptyTrie, insertTimestamp } from '../../../src-main/sync/merkle.js';

describe('hybrid logical clock', () => {
  it('issues strictly increasing timestamps even when the wall clock stands still or goes back', () => {
    let wall = 1_790_000_000_000;
    const c = new HybridClock('00000000000000aa', () => wall, 60_000);
    const a = c.send();
    const b = c.send();
    wall -= 10_000;
    const d = c.send();
    expect(a < b && b < d).toBe(true);
    expect(parseTimestamp(d)).toMatchObject({
      millis: 1_790_000_000_000,
      counter: 2,
      node: '00000000000000aa',
    });
  });

  it('orders after a received timestamp and refuses one beyond the drift bound', () => {
    const wall = 1_790_000_000_000;
    const c = new HybridClock('00000000000000aa', () => wall, 60_000);
    const remote = new HybridClock('00000000000000bb', () => wall + 30_000, 60_000).send();
    c.recv(remote);
    expect(c.send() > remote).toBe(true);
    const far = new HybridClock('00000000000000bb', () => wall + 120_000, 600_000).send();
    expect(() => c.recv(far)).toThrow(ClockDriftError);
  });
});

describe('merkle trie', () => {
  it('equal sets have equal hashes in any insertion order; a difference is located at or before its minute', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 50 }),
        fc.nat(),
        (offsets, pick) => {
          const base = 1_790_000_000_000;
          const ts = offsets.map((o) => `${new Date(base + o * 1000).toISOString()}-0000-00000000000000aa`);
          const a = emptyTrie();
          const b = emptyTrie();
          for (const t of ts) insertTimestamp(a, t);
          for (const t of [...ts].reverse()) insertTimestamp(b, t);
          expect(diffTries(a, b)).toBeNull();
          const missing = ts[pick % ts.length]!;
          const c = emptyTrie();
          for (const t of ts) if (t !== missing) insertTimestamp(c, t);
          const at = diffTries(a, c);
          expect(at).not.toBeNull();
          expect(at!).toBeLessThanOrEqual(Date.parse(missing.slice(0, 24)));
          expect(Date.parse(missing.slice(0, 24)) - at!).toBeLessThan(60_000);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('cell sealing', () => {
  const key = randomBytes(32);
  const codec = createCodec(key, keyIdOf(key));
  const ts = '2026-01-01T00:00:00.000Z-0000-00000000000000aa';
  const cell = { t: 'strategies', r: 'row-1', c: 'code', v: 'return edge;' };

  it('round-trips, is deterministic per timestamp, and hides the cell', () => {
    const m = codec.encode(ts, cell);
    expect(codec.decode(m)).toEqual(cell);
    expect(codec.encode(ts, cell)).toEqual(m);
    expect(Buffer.from(m.data, 'base64').toString('latin1')).not.toContain('edge');
  });

  it('refuses tampering, a moved timestamp, another key, and plaintext on an encrypted account', () => {
    const m = codec.encode(ts, cell);
    const raw = Buffer.from(m.data, 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => codec.decode({ ...m, data: raw.toString('base64') })).toThrow(DecryptError);
    expect(() => codec.decode({ ...m, ts: ts.replace('0000-00', '0001-00') })).toThrow(DecryptError);
    const other = randomBytes(32);
    expect(() => createCodec(other, keyIdOf(other)).decode(m)).toThrow(KeyMismatchError);
    const plain = createCodec(null, null).encode(ts, cell);
    expect(() => codec.decode(plain)).toThrow(DecryptError);
  });
});
