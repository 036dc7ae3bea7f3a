/**
 * Where a backtest executes. The service talks to a `BacktestRunner`; today's implementation runs
 * the engine in this process (tests, the CLI, the benchmark), chunked so progress and cancel get
 * through between chunks. The sandbox-backed runner replaces it without touching the service:
 *
 *   SandboxBacktestRunner (to be wired by the lead once src-main/sandbox lands):
 *     - takes a host from the sandbox pool; the host keeps an isolate with `engineBundle()`
 *       evaluated once (compileScript + run), so `QdEngine` lives in the isolate;
 *     - columns go to the host once (six Float64Arrays, transferred or shared via
 *       SharedArrayBuffer), then into the isolate once (ivm.ExternalCopy of each array → one
 *       copyInto per column);
 *     - inside the isolate: `QdEngine.runBacktest({ columns, strategySource, params, costs,
 *       range, onProgress })` where onProgress is an ivm.Reference called every 65,536 bars
 *       (the only boundary crossing during the loop) and returns false once cancel was asked;
 *     - the result comes back once (typed arrays as ExternalCopy, orders/logs/metrics as JSON);
 *     - a `StrategyError` inside becomes { kind } data; timeouts and memory kills are the
 *       sandbox's own SANDBOX_TIMEOUT / SANDBOX_MEMORY, which `strategyErrorToApp` passes through.
 *   Sweeps use the same pool: one task per parameter set, hosts run them in parallel
 *   (see WorkerSweepExecutor for the same shape over worker_threads).
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AppError } from '../errors.js';
import type { BacktestResult, BarColumns, Costs, Metrics, ParamSpecs, ParamValues } from './engine/index.js';
import { compileStrategy, prepareBacktest, StrategyError } from './engine/index.js';
import type { SweepExecutor } from './sweep-executor.js';
import { SequentialSweepExecutor } from './sweep-executor.js';

export interface RunRequest {
  columns: BarColumns;
  source: string;
  params?: ParamValues | undefined;
  costs?: Partial<Costs> | undefined;
  range?: { from?: number | null; to?: number | null } | undefined;
  /**
   * Bring back every order the strategy placed and the per-bar position series. Nothing persists
   * them, and for a busy strategy they are most of the result's bytes (12 MB of JSON and 8 MB of
   * floats for 1 M bars), so runs leave them out (`orders` empty, `position` of length 0) unless a
   * caller (a test, a debugging tool) asks. Drawdown always comes back: it is recomputed from
   * equity on arrival rather than shipped. The in-process runner always has everything.
   */
  detail?: boolean | undefined;
}

export interface RunOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface SweepRequest extends Omit<RunRequest, 'params'> {
  /** Each entry is one full parameter set. */
  paramSets: ParamValues[];
}

export type SweepRow =
  | { params: ParamValues; metrics: Metrics }
  | { params: ParamValues; error: { code: string; message: string } };

export interface BacktestRunner {
  /** Declared parameters of a strategy (evaluates the source, so it runs where user code runs). */
  describe(source: string): Promise<{ params: ParamSpecs }>;
  run(req: RunRequest, opts?: RunOptions): Promise<BacktestResult>;
  sweep(req: SweepRequest, opts?: RunOptions): Promise<SweepRow[]>;
  close(): Promise<void>;
}

export class CancelledError extends AppError {
  constructor() {
    super('CANCELLED', 'The backtest was cancelled.');
  }
}

/** Strategy failures → the error codes the renderer knows (the sandbox uses the same codes). */
export function strategyErrorToApp(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { name?: string; kind?: string; message?: string; barIndex?: number | null };
  if (e && e.name === 'StrategyError') {
    const details = e.barIndex === null || e.barIndex === undefined ? undefined : { barIndex: e.barIndex };
    const code =
      e.kind === 'syntax' ? 'SANDBOX_SYNTAX' : e.kind === 'invalid' ? 'VALIDATION' : 'SANDBOX_RUNTIME';
    return new AppError(code, e.message ?? 'The strategy failed.', details);
  }
  return new AppError('INTERNAL', err instanceof Error ? err.message : String(err));
}

const CHUNK = 65_536;

/**
 * Runs the engine in this process. FOR TESTS, THE CLI AND THE BENCHMARK ONLY: user code is
 * evaluated with this realm's Function constructor and could reach Node. The app wires the
 * sandbox runner described above.
 */
export class InProcessBacktestRunner implements BacktestRunner {
  constructor(private readonly sweeper: SweepExecutor = new SequentialSweepExecutor()) {}

  async describe(source: string): Promise<{ params: ParamSpecs }> {
    try {
      return { params: compileStrategy(source).params };
    } catch (err) {
      throw strategyErrorToApp(err);
    }
  }

  async run(req: RunRequest, opts: RunOptions = {}): Promise<BacktestResult> {
    try {
      const stepper = prepareBacktest({
        columns: req.columns,
        strategySource: req.source,
        params: req.params,
        costs: req.costs,
        range: req.range,
      });
      for (;;) {
        if (opts.signal?.aborted) throw new CancelledError();
        const finished = stepper.step(CHUNK);
        opts.onProgress?.(stepper.done, stepper.total);
        if (finished) break;
        // Let progress events, cancel requests and other IPC through between chunks.
        await yieldToLoop();
      }
      return stepper.finish(false);
    } catch (err) {
      if (err instanceof StrategyError || (err as { name?: string })?.name === 'StrategyError') {
        throw strategyErrorToApp(err);
      }
      throw err;
    }
  }

  sweep(req: SweepRequest, opts: RunOptions = {}): Promise<SweepRow[]> {
    return this.sweeper.run(req, opts);
  }

  async close(): Promise<void> {
    await this.sweeper.close();
  }
}
