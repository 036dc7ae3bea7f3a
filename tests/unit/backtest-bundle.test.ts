/**
 * The engine bundle is self-contained: evaluated in a bare node:vm context (no require, no
 * process, no Node globals — like the sandbox isolate) it runs and gives byte-identical results
 * to the engine imported normally. The worker sweep executor, which runs the same bundle, agrees
 * with the sequential one.
 */
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { engineBundle } from '../../src-main/backtest/engine-bundle.js';
import { runBacktest, type BacktestResult } from '../../src-main/backtest/engine/index.js';
import { expandGrid } from '../../src-main/backtest/sweep-grid.js';
import { SequentialSweepExecutor, WorkerSweepExecutor } from '../../src-main/backtest/sweep-executor.js';
import { syntheticBars } from '../../src-main/backtest/synthetic-bars.js';
import { SMA_CROSS } from '../helpers/bars.js';

describe('engine bundle', () => {
  it('runs in a bare context without Node and matches the imported engine', async () => {
    const bundle = await engineBundle();
    expect(bundle).not.toMatch(/\brequire\(|from ['"]node:/);
    const sandbox = createContext({});
    runInContext(bundle, sandbox);
    expect(runInContext('typeof process + typeof require', sandbox)).toBe('undefinedundefined');
    const c = syntheticBars(5_000, { seed: 5 });
    sandbox.input = { columns: c, strategySource: SMA_CROSS, params: { fast: 5, slow: 20 } };
    const inVm = runInContext('QdEngine.runBacktest(input)', sandbox) as BacktestResult;
    const direct = runBacktest({ columns: c, strategySource: SMA_CROSS, params: { fast: 5, slow: 20 } });
    expect(inVm.metrics).toEqual(direct.metrics);
    // Same bytes for the curve (typed arrays from another realm compare by content).
    expect(Buffer.from(inVm.equity.buffer).equals(Buffer.from(direct.equity.buffer))).toBe(true);
    expect(inVm.metrics.trades).toBeGreaterThan(10);
  });

  it('worker sweep and sequential sweep give the same rows in the same order', async () => {
    const c = syntheticBars(20_000, { seed: 8 });
    const paramSets = expandGrid({ fast: [5, 10], slow: { from: 20, to: 40, step: 10 } });
    expect(paramSets).toHaveLength(6);
    const req = { columns: c, source: SMA_CROSS, paramSets, costs: { commissionPct: 0.1 } };
    const seq = await new SequentialSweepExecutor().run(req);
    const progress: number[] = [];
    const par = await new WorkerSweepExecutor(2).run(req, { onProgress: (d) => progress.push(d) });
    // Value equality: structured clone may re-encode integral doubles, so bytes of v8.serialize differ.
    expect(par).toEqual(seq);
    expect(progress.at(-1)).toBe(6);
    // A parameter outside its declared range fails that row only.
    const bad = await new WorkerSweepExecutor(2).run({
      ...req,
      paramSets: [
        { fast: 5, slow: 20 },
        { fast: 0, slow: 20 },
      ],
    });
    expect('metrics' in bad[0]!).toBe(true);
    expect(bad[1]).toMatchObject({ error: { code: 'VALIDATION' } });
  });
});

describe('result codecs', () => {
  it('timestamps round-trip exactly, regular or not, and regular ones shrink', async () => {
    const { decodeTimestamps, encodeTimestamps } = await import('../../src-main/backtest/result-codec.js');
    const regular = syntheticBars(100_000, { seed: 1 }).ts;
    const enc = encodeTimestamps(regular);
    expect(enc.byteLength).toBeLessThan(regular.byteLength / 50);
    expect(Array.from(decodeTimestamps(enc))).toEqual(Array.from(regular));
    const odd = Float64Array.from([1.5, 2.25, 1e15 + 3, 1e15 + 7]);
    expect(Array.from(decodeTimestamps(encodeTimestamps(odd)))).toEqual(Array.from(odd));
    expect(decodeTimestamps(encodeTimestamps(new Float64Array(0))).length).toBe(0);
  });
});
