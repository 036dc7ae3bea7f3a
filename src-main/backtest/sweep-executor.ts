/**
 * Runs a sweep's parameter sets. One job for the whole grid; each set is a full backtest whose
 * metrics come back (no equity curves: a sweep table compares numbers).
 *
 * - SequentialSweepExecutor: in this process, one set after another (tests, small grids).
 * - WorkerSweepExecutor: worker_threads that each evaluate the self-contained engine bundle and
 *   read the bars from SharedArrayBuffers copied once, so N workers cost one copy. This is the
 *   shape the sandbox pool will take over (one task per set, results back once per set).
 * Both are for trusted code until the sandbox lands: workers are not a security boundary.
 */
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { ENGINE_GLOBAL, engineBundle } from './engine-bundle.js';
import type { BarColumns, Metrics, ParamValues } from './engine/index.js';
import { runBacktest } from './engine/index.js';
import type { RunOptions, SweepRequest, SweepRow } from './runner.js';
import { CancelledError, strategyErrorToApp } from './runner.js';

export interface SweepExecutor {
  run(req: SweepRequest, opts?: RunOptions): Promise<SweepRow[]>;
  close(): Promise<void>;
}

function runOne(req: SweepRequest, params: ParamValues): SweepRow {
  try {
    const r = runBacktest({
      columns: req.columns,
      strategySource: req.source,
      params,
      costs: req.costs,
      range: req.range,
    });
    return { params, metrics: r.metrics };
  } catch (err) {
    const e = strategyErrorToApp(err);
    return { params, error: { code: e.code, message: e.message } };
  }
}

export class SequentialSweepExecutor implements SweepExecutor {
  async run(req: SweepRequest, opts: RunOptions = {}): Promise<SweepRow[]> {
    const rows: SweepRow[] = [];
    for (const params of req.paramSets) {
      if (opts.signal?.aborted) throw new CancelledError();
      rows.push(runOne(req, params));
      opts.onProgress?.(rows.length, req.paramSets.length);
      await yieldToLoop();
    }
    return rows;
  }
  async close(): Promise<void> {}
}

const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
(0, eval)(workerData.bundle);
const E = globalThis.${ENGINE_GLOBAL};
const c = workerData.columns;
parentPort.on('message', (task) => {
  try {
    const r = E.runBacktest({ columns: c, strategySource: workerData.source, params: task.params,
      costs: workerData.costs, range: workerData.range });
    parentPort.postMessage({ k: task.k, metrics: r.metrics });
  } catch (err) {
    parentPort.postMessage({ k: task.k, error: { name: err && err.name, kind: err && err.kind,
      message: err && err.message ? String(err.message) : String(err), barIndex: err && err.barIndex } });
  }
});
`;

function shareColumns(c: BarColumns): BarColumns {
  const share = (a: Float64Array): Float64Array => {
    const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  return {
    ts: share(c.ts),
    open: share(c.open),
    high: share(c.high),
    low: share(c.low),
    close: share(c.close),
    volume: share(c.volume),
  };
}

type WorkerReply =
  | { k: number; metrics: Metrics }
  | { k: number; error: { name?: string; kind?: string; message: string; barIndex?: number } };

export class WorkerSweepExecutor implements SweepExecutor {
  constructor(private readonly workers = Math.max(1, availableParallelism())) {}

  async run(req: SweepRequest, opts: RunOptions = {}): Promise<SweepRow[]> {
    const total = req.paramSets.length;
    if (total === 0) return [];
    const bundle = await engineBundle();
    const columns = shareColumns(req.columns);
    const n = Math.min(this.workers, total);
    const rows: (SweepRow | undefined)[] = new Array(total);
    let next = 0;
    let done = 0;
    const pool: Worker[] = [];

    return new Promise<SweepRow[]>((resolve, reject) => {
      let settled = false;
      const finish = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        opts.signal?.removeEventListener('abort', onAbort);
        for (const w of pool) void w.terminate();
        if (err) reject(err);
        else resolve(rows as SweepRow[]);
      };
      const onAbort = (): void => finish(new CancelledError());
      opts.signal?.addEventListener('abort', onAbort);
      if (opts.signal?.aborted) return finish(new CancelledError());

      const feed = (w: Worker): void => {
        if (next < total) {
          const k = next++;
          w.postMessage({ k, params: req.paramSets[k] });
        }
      };
      for (let i = 0; i < n; i++) {
        const w = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { bundle, columns, source: req.source, costs: req.costs, range: req.range },
        });
        pool.push(w);
        w.on('message', (msg: WorkerReply) => {
          const params = req.paramSets[msg.k] as ParamValues;
          if ('metrics' in msg) {
            rows[msg.k] = { params, metrics: msg.metrics };
          } else {
            const e = strategyErrorToApp({ ...msg.error, name: msg.error.name ?? 'StrategyError' });
            rows[msg.k] = { params, error: { code: e.code, message: e.message } };
          }
          done++;
          opts.onProgress?.(done, total);
          if (done === total) finish();
          else feed(w);
        });
        w.on('error', (err) => finish(err));
        feed(w);
      }
    });
  }

  async close(): Promise<void> {}
}
