/**
 * bench/backtest: SMA(10/30) crossover over 1,000,000 synthetic one-minute bars.
 *   - engineInProcess: the backtest engine in this process (reference), bars/s; like the app's
 *     runs it keeps trades, fills and the equity curve but not the list of orders (keepOrders);
 *   - engineSandbox: the same through SandboxBacktestRunner.run (isolate in a sandbox host; the
 *     host already holds the bars, so: copy into the isolate, the loop, the result back);
 *   - plainLoop: the same strategy as a plain loop over typed arrays (the practical limit);
 *   - endToEnd: 1 M bars imported through data.importBytes (chunked columns in SQLite), then
 *     backtests.run through the core (bars cache, sandbox runner, the default) → run, equity and
 *     trades persisted, as the app does it; the first run (bars read from SQLite and sent to a
 *     host) is reported apart from the warm ones; endToEndInProcess: the in-process runner;
 *   - sweep: 100 parameter sets over the same bars through the sandbox pool (one host per core);
 *     sweepWorkers: worker_threads running the engine bundle outside any sandbox (reference).
 * Prints one JSON object. Run: node --import tsx bench/backtest.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runBacktest, type BarColumns } from '../src-main/backtest/engine/index.js';
import { InProcessBacktestRunner } from '../src-main/backtest/runner.js';
import { SandboxBacktestRunner } from '../src-main/backtest/sandbox-runner.js';
import { SandboxPool } from '../src-main/sandbox/sandbox-pool.js';
import { WorkerSweepExecutor } from '../src-main/backtest/sweep-executor.js';
import { syntheticBars } from '../src-main/backtest/synthetic-bars.js';
import { waitForRun } from '../src-main/backtest/wait-for-run.js';
import { createCore } from '../src-main/core.js';
import { silentLogger } from '../src-main/logger.js';
import { grademarkAvailable, runGrademark } from './backtest-grademark.js';
import { SMA_CROSS } from '../tests/helpers/bars.js';

const N = 1_000_000;
const RUNS = 7;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 1): number => Number(x.toFixed(d));

/** The same strategy written plainly: running-sum SMAs, all-in at the next open, out at the next open. */
function plainLoop(c: BarColumns, fastN: number, slowN: number): { finalEquity: number; trades: number } {
  const close = c.close;
  const open = c.open;
  const n = close.length;
  let sf = 0;
  let ss = 0;
  let pf = NaN;
  let ps = NaN;
  let cash = 100_000;
  let pos = 0;
  let pending = 0;
  let trades = 0;
  for (let i = 0; i < n; i++) {
    if (pending !== 0) {
      const o = open[i]!;
      if (pending > 0) {
        const q = Math.floor(cash / o);
        pos += q;
        cash -= q * o;
      } else {
        cash += pos * o;
        pos = 0;
        trades++;
      }
      pending = 0;
    }
    const x = close[i]!;
    if (i >= fastN) sf -= close[i - fastN]!;
    sf += x;
    if (i >= slowN) ss -= close[i - slowN]!;
    ss += x;
    const f = i + 1 >= fastN ? sf / fastN : NaN;
    const s = i + 1 >= slowN ? ss / slowN : NaN;
    if (pf <= ps && f > s && pos <= 0) pending = 1;
    else if (pf >= ps && f < s && pos > 0) pending = -1;
    pf = f;
    ps = s;
  }
  if (pos > 0) {
    cash += pos * close[n - 1]!;
    trades++;
  }
  return { finalEquity: cash, trades };
}

const cols = syntheticBars(N, { seed: 2024 });

// Warm both paths so the JIT has optimised them before timing.
for (let k = 0; k < 2; k++) {
  runBacktest({ columns: cols, strategySource: SMA_CROSS, keepOrders: false });
  plainLoop(cols, 10, 30);
}
const engineMs: number[] = [];
const plainMs: number[] = [];
let engineResult = runBacktest({ columns: cols, strategySource: SMA_CROSS, keepOrders: false });
let plainResult = plainLoop(cols, 10, 30);
for (let k = 0; k < RUNS; k++) {
  let t0 = performance.now();
  engineResult = runBacktest({ columns: cols, strategySource: SMA_CROSS, keepOrders: false });
  engineMs.push(performance.now() - t0);
  t0 = performance.now();
  plainResult = plainLoop(cols, 10, 30);
  plainMs.push(performance.now() - t0);
}

// The engine in the sandbox: a real host pool, the runner the core uses.
const hostCount = Math.max(2, Math.min(availableParallelism(), 4));
const pool = new SandboxPool({ size: hostCount }, silentLogger());
const sandboxRunner = new SandboxBacktestRunner(pool);
let t0 = performance.now();
let sandboxResult = await sandboxRunner.run({ columns: cols, source: SMA_CROSS });
const sandboxFirstMs = performance.now() - t0; // includes host start and the one transfer of the bars
const sandboxMs: number[] = [];
for (let k = 0; k < RUNS; k++) {
  t0 = performance.now();
  sandboxResult = await sandboxRunner.run({ columns: cols, source: SMA_CROSS });
  sandboxMs.push(performance.now() - t0);
}
if (sandboxResult.metrics.finalEquity !== engineResult.metrics.finalEquity) {
  throw new Error('sandbox and in-process results differ');
}

// End to end through the core, as the app does it: the bars are imported once through
// data.importBytes (chunked columns in SQLite), then backtests.run reads them through the bars
// cache, runs the strategy in the sandbox and persists the run, equity and trades.
function benchCsv(c: BarColumns): Uint8Array {
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < c.ts.length; i++) {
    lines.push(`${c.ts[i]},${c.open[i]},${c.high[i]},${c.low[i]},${c.close[i]},${c.volume[i]}`);
  }
  return new TextEncoder().encode(lines.join('\n'));
}
const csv = benchCsv(cols);
const coldMs: Record<string, number> = {};
async function endToEnd(dir: string, runner: 'sandbox' | 'in-process'): Promise<number[]> {
  const core = await createCore({
    dataDir: dir,
    logger: silentLogger(),
    // The bench starts more runs than a person would; the limiter's default would refuse the 6th.
    rateLimits: { backtest: { limit: 1_000, periodMs: 1_000 } },
    ...(runner === 'in-process' ? { backtestRunner: new InProcessBacktestRunner() } : {}),
  });
  const imported = await core.invoke('data.importBytes', {
    filename: 'bench.csv',
    bytes: csv,
    symbol: 'BENCH',
    timeframe: '1m',
  });
  if (!imported.ok) throw new Error(imported.error.message);
  const datasetId = (imported.data as { datasetId: string }).datasetId;
  // Start the sandbox hosts first: the app's pool is warm long before a trader's first run.
  await core.invoke('sandbox.execute', { code: '1' });
  const created = await core.invoke('strategies.create', { name: 'SMA', source: SMA_CROSS });
  if (!created.ok) throw new Error(created.error.message);
  const versionId = (created.data as { versionId: string }).versionId;
  const times: number[] = [];
  for (let k = 0; k < 6; k++) {
    const t = performance.now();
    const r = await core.invoke('backtests.run', { strategyVersionId: versionId, datasetId });
    if (!r.ok) throw new Error(r.error.message);
    const run = await waitForRun(core, (r.data as { runId: string }).runId);
    if (run.status !== 'done') throw new Error(`run ${run.status}: ${run.errorMessage}`);
    // The first run reads the bars from SQLite (and sends them to a host); later ones hit caches.
    if (k === 0) coldMs[runner] = performance.now() - t;
    else times.push(performance.now() - t);
  }
  await core.close();
  return times;
}
const dataDir = mkdtempSync(path.join(tmpdir(), 'qd-bench-bt-'));
const e2eMs = await endToEnd(dataDir, 'sandbox');
const e2eInProcessDir = mkdtempSync(path.join(tmpdir(), 'qd-bench-bt-'));
const e2eInProcessMs = await endToEnd(e2eInProcessDir, 'in-process');
rmSync(dataDir, { recursive: true, force: true });
rmSync(e2eInProcessDir, { recursive: true, force: true });

// Sweep: 100 parameter sets (fast 5..14 × slow 20..65 step 5) over the same 1 M bars.
const paramSets: Record<string, number>[] = [];
for (let f = 5; f < 15; f++) for (let s = 20; s < 70; s += 5) paramSets.push({ fast: f, slow: s });
// Through the sandbox pool: one task per set, the bars sent once per host.
t0 = performance.now();
const rows = await sandboxRunner.sweep({ columns: cols, source: SMA_CROSS, paramSets });
const sweepMs = performance.now() - t0;
if (rows.some((r) => 'error' in r)) throw new Error('sweep row failed');
await pool.close();
// Reference: worker_threads, no sandbox.
const workers = hostCount;
t0 = performance.now();
const wrows = await new WorkerSweepExecutor(workers).run({ columns: cols, source: SMA_CROSS, paramSets });
const sweepWorkersMs = performance.now() - t0;
if (wrows.some((r) => 'error' in r)) throw new Error('worker sweep row failed');

// The most used JS backtesting library we could run offline: grademark (see backtest-grademark.ts).
const gmWhere = grademarkAvailable();
let library: Record<string, unknown> | null = null;
if ('dir' in gmWhere) {
  const g = runGrademark(gmWhere.dir, cols, 10, 30);
  library = {
    name: 'grademark@0.3.0 (data-forge)',
    endToEndMs: Math.round(g.ms),
    trades: g.trades,
    finalCapital: round(g.finalCapital, 2),
  };
}

const engine = median(engineMs);
const plain = median(plainMs);
console.log(
  JSON.stringify(
    {
      bench: 'backtest',
      bars: N,
      strategy: 'SMA(10/30) crossover, all-in long, market orders at the next open',
      machine: { cpus: availableParallelism(), node: process.version },
      engineInProcess: {
        medianMs: round(engine),
        barsPerSecond: Math.round(N / (engine / 1000)),
        trades: engineResult.metrics.trades,
        finalEquity: round(engineResult.metrics.finalEquity, 2),
        runsMs: engineMs.map((x) => round(x)),
      },
      engineSandbox: {
        what: 'SandboxBacktestRunner.run: bars already on the host → isolate copy, loop, result back',
        medianMs: round(median(sandboxMs)),
        barsPerSecond: Math.round(N / (median(sandboxMs) / 1000)),
        firstRunMs: round(sandboxFirstMs),
        runsMs: sandboxMs.map((x) => round(x)),
      },
      plainLoop: {
        medianMs: round(plain),
        barsPerSecond: Math.round(N / (plain / 1000)),
        trades: plainResult.trades,
        finalEquity: round(plainResult.finalEquity, 2),
      },
      engineVsPlainLoop: round(engine / plain, 2),
      engineSandboxVsPlainLoop: round(median(sandboxMs) / plain, 2),
      engineSandboxVsInProcess: round(median(sandboxMs) / engine, 2),
      endToEnd: {
        what: 'imported dataset → backtests.run (bars cache, sandbox runner) → run, equity and trades persisted',
        coldFirstRunMs: round(coldMs.sandbox ?? NaN),
        medianMs: round(median(e2eMs)),
        runsMs: e2eMs.map((x) => round(x)),
      },
      endToEndInProcess: {
        what: 'the same with the in-process runner (reference, not used by the app)',
        coldFirstRunMs: round(coldMs['in-process'] ?? NaN),
        medianMs: round(median(e2eInProcessMs)),
        runsMs: e2eInProcessMs.map((x) => round(x)),
      },
      sweep: {
        what: 'sandbox pool, one task per set, bars sent once per host',
        paramSets: paramSets.length,
        hosts: hostCount,
        totalMs: Math.round(sweepMs),
        perSetMs: round(sweepMs / paramSets.length),
      },
      sweepWorkers: {
        what: 'worker_threads with the engine bundle, no sandbox (reference)',
        workers,
        totalMs: Math.round(sweepWorkersMs),
      },
      library,
      libraryVsEngine: library ? round((library.endToEndMs as number) / engine, 1) : null,
      libraryVsEndToEnd: library ? round((library.endToEndMs as number) / median(e2eMs), 1) : null,
      libraryNote:
        'grademark is not a dependency: installed outside the repo (bench/backtest-grademark.ts says how). ' +
        'It fills market entries at the next open like the engine but sizes/accounts differently, so only time and trade count compare.' +
        ('missing' in gmWhere ? ` Not run: ${gmWhere.missing}.` : ''),
    },
    null,
    2,
  ),
);
