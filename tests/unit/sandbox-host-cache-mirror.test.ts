/**
 * Main's record of a host's cache: payloads go once per host, repeats go as keys only, and the
 * oldest bars are evicted (and the eviction sent to the host) when a new dataset needs room.
 */
import { describe, expect, it } from 'vitest';
import { HostCacheMirror } from '../../src-main/sandbox/host-cache-mirror.js';
import type { BacktestJob, WireColumns } from '../../src-main/sandbox/protocol.js';

const cols = (n: number): WireColumns => ({
  ts: new Float64Array(n),
  open: new Float64Array(n),
  high: new Float64Array(n),
  low: new Float64Array(n),
  close: new Float64Array(n),
  volume: new Float64Array(n),
});

const job = (key: string, columns: WireColumns): BacktestJob => ({
  kind: 'backtest',
  timeoutMs: 1000,
  memoryMb: 64,
  engine: { key: 'engine:1', payload: 'var QdEngine = {};' },
  evict: [],
  source: 'function onBar() {}',
  result: 'metrics',
  columns: { key, payload: columns },
  configJson: '{}',
  progress: false,
});

describe('HostCacheMirror', () => {
  it('sends engine and bars once, then keys only', () => {
    const m = new HostCacheMirror({ maxDatasets: 2, maxBytes: 1e9 });
    const c = cols(10);
    const first = m.prepare(job('a', c)) as BacktestJob;
    expect(first.engine.payload).not.toBeNull();
    expect(first.columns.payload).toBe(c);
    const second = m.prepare(job('a', c)) as BacktestJob;
    expect(second.engine.payload).toBeNull();
    expect(second.columns.payload).toBeNull();
    expect(second.evict).toEqual([]);
  });

  it('evicts the least recently used dataset by count and by bytes', () => {
    const m = new HostCacheMirror({ maxDatasets: 2, maxBytes: 6 * 8 * 250 });
    m.prepare(job('a', cols(100)));
    m.prepare(job('b', cols(100)));
    m.prepare(job('a', cols(100))); // a is now the most recent
    const third = m.prepare(job('c', cols(100))) as BacktestJob;
    expect(third.evict).toEqual(['b']);
    expect(m.has('a') && m.has('c') && !m.has('b')).toBe(true);
    const big = m.prepare(job('d', cols(200))) as BacktestJob; // needs room for 200 of 250
    expect(big.evict).toEqual(['a', 'c']);
    expect(m.has('engine:1')).toBe(true);
  });
});
