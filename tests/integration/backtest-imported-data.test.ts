/**
 * The whole trader path through the core: import a CSV through the data channels, then backtest a
 * template strategy on the imported dataset (bars read from the chunked SQLite columns).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitForRun } from '../../src-main/backtest/wait-for-run.js';
import type { Core } from '../../src-main/core.js';
import { bytesOf, syntheticDailyCsv } from '../helpers/csv.js';
import { tempCore } from '../helpers/temp-core.js';

let core: Core;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ core, cleanup } = await tempCore());
});
afterEach(async () => cleanup());

async function ok<T>(channel: string, input?: unknown): Promise<T> {
  const r = await core.invoke(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

const csvBytes = (n: number): Uint8Array => bytesOf(syntheticDailyCsv(n, 5));

describe('backtests on imported data', () => {
  it('lists the imported dataset and runs a template strategy over its bars', async () => {
    const imported = await ok<{ datasetId: string; rowsAccepted: number }>('data.importBytes', {
      filename: 'synth.csv',
      bytes: csvBytes(2000),
      symbol: 'SYN',
      timeframe: '1d',
    });
    expect(imported.rowsAccepted).toBe(2000);

    const datasets = await ok<{ items: { id: string; name: string }[] }>('backtests.datasets');
    const ds = datasets.items.find((d) => d.id === imported.datasetId);
    expect(ds?.name).toMatch(/^SYN 1d \(2,000 bars\)/);

    const s = await ok<{ id: string; versionId: string }>('strategies.create', {
      name: 'SMA on imported',
      fromTemplate: 'sma-crossover',
    });
    const { runId } = await ok<{ runId: string }>('backtests.run', { strategyId: s.id, datasetId: ds!.id });
    const run = await waitForRun(core, runId);
    expect(run.status).toBe('done');
    expect(run.strategyVersionId).toBe(s.versionId);
    expect(run.bars).toBe(2000);
    expect(run.tradeCount).toBeGreaterThan(0);
  });

  it('fails the run with NOT_FOUND for a dataset that does not exist', async () => {
    const s = await ok<{ id: string }>('strategies.create', { name: 'x', fromTemplate: 'buy-and-hold' });
    const { runId } = await ok<{ runId: string }>('backtests.run', {
      strategyId: s.id,
      datasetId: 'no-such-dataset',
    });
    const run = await waitForRun(core, runId);
    expect(run).toMatchObject({ status: 'failed', errorCode: 'NOT_FOUND', metrics: null });
  });
});
