/**
 * The app's BacktestRunner: strategy code runs only inside the sandbox (isolated-vm isolates in
 * sandbox host processes, docs/sandbox.md), never in this process.
 *
 * - run: one `backtest` job. The six columns go to a host once (structured clone over the IPC
 *   channel; a host that already holds the same columns object gets only its key), then into
 *   the isolate with one copyInto per column. The whole bar loop runs in one call; progress
 *   comes back every 65,536 bars, cancel goes out as a message. The result comes back once: one
 *   JSON string and one ArrayBuffer with every float series (result-wire.ts).
 * - sweep: one `backtest` job per parameter set (metrics only), `pool.capacity` of them in
 *   flight so every host works; each host gets the bars once and keeps them for the next sets.
 * - describe: a `describe` job, so evaluating a strategy's top level for strategies.inspect
 *   happens in the sandbox too.
 *
 * Failures keep their classes: the sandbox's SANDBOX_TIMEOUT / SANDBOX_MEMORY (and SANDBOX_RUNTIME
 * for a host that died), the strategy's own errors through `strategyErrorToApp`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import type { EngineOutcome, WireColumns } from '../sandbox/protocol.js';
import type { SandboxPool } from '../sandbox/sandbox-pool.js';
import { engineBundle } from './engine-bundle.js';
import type { BacktestResult, BarColumns, Metrics, ParamSpecs, ParamValues } from './engine/types.js';
import { decodeResult } from './result-wire.js';
import type { BacktestRunner, RunOptions, RunRequest, SweepRequest, SweepRow } from './runner.js';
import { CancelledError, strategyErrorToApp } from './runner.js';

export interface BacktestLimits {
  /** Per run, and per parameter set of a sweep. Default 300 s. */
  timeoutMs: number;
  /** Heap limit of the isolate a run gets. Default 1024 MB. */
  memoryMb: number;
  /** For strategies.inspect (top-level evaluation only; never more than timeoutMs). Default 10 s. */
  describeTimeoutMs: number;
}

export const DEFAULT_BACKTEST_LIMITS: BacktestLimits = {
  timeoutMs: 300_000,
  memoryMb: 1024,
  describeTimeoutMs: 10_000,
};

/** Errors that end a whole sweep rather than one of its rows. */
const SWEEP_FATAL = new Set(['UNAVAILABLE', 'INTERNAL', 'CANCELLED']);

export class SandboxBacktestRunner implements BacktestRunner {
  private readonly limits: BacktestLimits;
  /** Same columns object → same key, so a host that has these bars is not sent them again. */
  private readonly columnKeys = new WeakMap<Float64Array, { cols: BarColumns; key: string }>();
  private engine: Promise<{ key: string; source: string }> | null = null;

  constructor(
    private readonly pool: SandboxPool,
    limits: Partial<BacktestLimits> = {},
  ) {
    this.limits = { ...DEFAULT_BACKTEST_LIMITS, ...limits };
  }

  async describe(source: string): Promise<{ params: ParamSpecs }> {
    const engine = await this.engineRef();
    const out = await this.pool.run({
      kind: 'describe',
      timeoutMs: Math.min(this.limits.describeTimeoutMs, this.limits.timeoutMs),
      memoryMb: this.limits.memoryMb,
      engine: { key: engine.key, payload: engine.source },
      evict: [],
      source,
    });
    return JSON.parse(expectJson(out)) as { params: ParamSpecs };
  }

  async run(req: RunRequest, opts: RunOptions = {}): Promise<BacktestResult> {
    const out = await this.task(req, req.params, 'full', opts);
    return decodeResult(expectJson(out), out.buffer, req.columns.ts);
  }

  async sweep(req: SweepRequest, opts: RunOptions = {}): Promise<SweepRow[]> {
    const total = req.paramSets.length;
    const rows: SweepRow[] = new Array<SweepRow>(total);
    let next = 0;
    let done = 0;
    // A private controller: the first fatal error (or the caller's cancel) stops every lane.
    const stop = new AbortController();
    // One id per sweep: a host runs this sweep's consecutive sets in one context (docs/sandbox.md).
    // A session holds the bars twice in the isolate (working + pristine copy): only when that
    // stays within a quarter of the isolate's limit, so no sweep fails where single runs fit.
    const barsBytes = 6 * req.columns.ts.byteLength;
    const session =
      2 * barsBytes <= (this.limits.memoryMb * 1024 * 1024) / 4 ? `sweep:${randomUUID()}` : undefined;
    const onAbort = (): void => stop.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) stop.abort();
    const lane = async (): Promise<void> => {
      while (next < total && !stop.signal.aborted) {
        const k = next++;
        const params = req.paramSets[k] as ParamValues;
        try {
          const out = await this.task(req, params, 'metrics', { signal: stop.signal }, session);
          rows[k] = { params, metrics: (JSON.parse(expectJson(out)) as { metrics: Metrics }).metrics };
        } catch (err) {
          const e = err instanceof AppError ? err : strategyErrorToApp(err);
          if (SWEEP_FATAL.has(e.code)) throw e;
          rows[k] = { params, error: { code: e.code, message: e.message } };
        }
        done++;
        opts.onProgress?.(done, total);
      }
    };
    const lanes = Array.from({ length: Math.min(this.pool.capacity, total) }, () =>
      lane().catch((err: unknown) => {
        stop.abort();
        throw err;
      }),
    );
    try {
      const settled = await Promise.allSettled(lanes);
      if (opts.signal?.aborted) throw new CancelledError();
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      return rows;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The pool belongs to the core (sandbox.execute shares it); it closes it. */
  async close(): Promise<void> {}

  private async task(
    req: RunRequest | SweepRequest,
    params: ParamValues | undefined,
    result: 'full' | 'metrics',
    opts: RunOptions,
    session?: string,
  ): Promise<EngineOutcome> {
    if (opts.signal?.aborted) throw new CancelledError();
    const engine = await this.engineRef();
    let out: EngineOutcome;
    try {
      out = await this.pool.run(
        {
          kind: 'backtest',
          timeoutMs: this.limits.timeoutMs,
          memoryMb: this.limits.memoryMb,
          engine: { key: engine.key, payload: engine.source },
          evict: [],
          source: req.source,
          result,
          columns: { key: this.columnsKey(req.columns), payload: req.columns as WireColumns },
          configJson: JSON.stringify({
            params,
            costs: req.costs,
            range: req.range,
            detail: req.detail === true,
          }),
          progress: opts.onProgress !== undefined,
          ...(session === undefined ? {} : { session }),
        },
        { signal: opts.signal, onProgress: opts.onProgress },
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'CANCELLED') throw new CancelledError();
      throw err;
    }
    if (out.cancelled || (opts.signal?.aborted && out.error === null && out.json === null)) {
      throw new CancelledError();
    }
    return out;
  }

  private columnsKey(cols: BarColumns): string {
    const hit = this.columnKeys.get(cols.ts);
    const c = hit?.cols;
    if (
      hit &&
      c &&
      c.ts === cols.ts &&
      c.open === cols.open &&
      c.high === cols.high &&
      c.low === cols.low &&
      c.close === cols.close &&
      c.volume === cols.volume
    ) {
      return hit.key;
    }
    const key = `bars:${randomUUID()}`;
    this.columnKeys.set(cols.ts, { cols, key });
    return key;
  }

  private engineRef(): Promise<{ key: string; source: string }> {
    this.engine ??= engineBundle().then((source) => ({
      key: `engine:${createHash('sha256').update(source).digest('hex').slice(0, 16)}`,
      source,
    }));
    return this.engine;
  }
}

/** The outcome's JSON, or the error it carries as an AppError. */
function expectJson(out: EngineOutcome): string {
  if (out.strategyError) throw strategyErrorToApp({ name: 'StrategyError', ...out.strategyError });
  if (out.error) {
    const { code, message, ...details } = out.error;
    throw new AppError(code, message, Object.keys(details).length > 0 ? details : undefined);
  }
  if (out.json === null) throw new AppError('INTERNAL', 'The sandbox returned no backtest result.');
  return out.json;
}
