/**
 * The bar loop. `prepareBacktest` compiles the strategy, resolves its parameters, runs init and
 * returns a stepper; `step(n)` advances up to n bars, so a host can interleave progress reports
 * and cancellation checks between chunks without any per-bar message. `runBacktest` is the
 * one-call form (also what the isolate entry uses).
 *
 * Indicators are computed a chunk of bars ahead of the loop (indicators.ts). Per bar j: the
 * broker fills what earlier bars decided (nothing for the first bar), equity is marked at the
 * close, the cursor moves to j, then onBar(ctx) decides — its orders wait for bar j+1.
 */
import { Broker } from './broker.js';
import { compileStrategy, errorText, resolveParams, type StrategyModule } from './compile-strategy.js';
import { advanceIndicators, BarCursor, CHUNK, type Indicator } from './indicators.js';
import { computeMetrics } from './metrics.js';
import { StrategyContext } from './strategy-context.js';
import type { BacktestResult, BarColumns, Costs, ParamValues, TradeColumns } from './types.js';
import { DEFAULT_COSTS, StrategyError } from './types.js';
import type { FillColumns } from './types.js';

// Captured when the engine loads, before strategy code can replace the global (a replaced
// constructor would be handed the series the loop writes).
const F64 = Float64Array;

export interface BacktestInput {
  columns: BarColumns;
  /** Strategy source text, or an already compiled module (sweeps compile once). */
  strategySource?: string;
  strategy?: StrategyModule;
  params?: ParamValues;
  costs?: Partial<Costs>;
  /** Inclusive ms-epoch bounds on the bars' timestamps. */
  range?: { from?: number | null; to?: number | null };
  /** Called about every `progressEvery` bars; return false to cancel. */
  onProgress?: (done: number, total: number) => boolean | void;
  progressEvery?: number;
  /**
   * Keep every order placed in `result.orders` (default true). The app's runs persist trades and
   * fills, not orders, and skip them: 40,000 retained order objects cost more than the bar loop.
   */
  keepOrders?: boolean;
}

export interface BacktestStepper {
  readonly total: number;
  readonly done: number;
  /** Advances up to `maxBars` bars; true once every bar has been processed. */
  step(maxBars: number): boolean;
  /** Closes out and computes the result (call after step returned true, or to stop early). */
  finish(cancelled?: boolean): BacktestResult;
}

/** First index with ts ≥ x (or > x when `after`), by binary search over ascending timestamps. */
function bound(ts: Float64Array, x: number, after: boolean): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = ts[mid] as number;
    if (t < x || (after && t === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function resolveCosts(costs: Partial<Costs> | undefined): Costs {
  const out: Costs = { ...DEFAULT_COSTS };
  for (const [k, v] of Object.entries(costs ?? {})) {
    if (v !== undefined && k in DEFAULT_COSTS) (out as unknown as Record<string, unknown>)[k] = v;
  }
  if (!(out.initialCash > 0)) throw new StrategyError('invalid', 'initialCash must be positive.');
  if (!(out.leverage > 0)) throw new StrategyError('invalid', 'leverage must be positive.');
  return out;
}

function checkColumns(c: BarColumns): number {
  const n = c.ts.length;
  for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) {
    if (c[k].length !== n)
      throw new StrategyError('invalid', `Bar column ${k} has ${c[k].length} values, ts has ${n}.`);
  }
  return n;
}

export function prepareBacktest(input: BacktestInput): BacktestStepper {
  const cols = input.columns;
  const n = checkColumns(cols);
  const costs = resolveCosts(input.costs);
  const mod = input.strategy ?? compileStrategy(input.strategySource ?? '');
  const params = Object.freeze(resolveParams(mod.params, input.params));
  const from = input.range?.from;
  const to = input.range?.to;
  const start = from === undefined || from === null ? 0 : bound(cols.ts, from, false);
  const end = to === undefined || to === null ? n : Math.max(start, bound(cols.ts, to, true));

  const broker = new Broker(cols, costs, input.keepOrders !== false);
  const cursor = new BarCursor();
  cursor.j = start;
  const indicators: Indicator[] = [];
  const ctx = new StrategyContext(params, cols, broker, start, costs.seed, cursor, indicators);

  try {
    if (mod.init) mod.init.call(null, ctx);
  } catch (err) {
    throw err instanceof StrategyError
      ? err
      : new StrategyError('runtime', `In init: ${errorText(err)}`, null);
  }
  return new BacktestRun(cols, costs, mod, params, broker, ctx, cursor, indicators, start, end);
}

/**
 * One run's state. A class rather than closures so V8 optimises `step` once and reuses the code
 * for every run (sweeps run hundreds), and the hot loop works on locals.
 */
class BacktestRun implements BacktestStepper {
  readonly total: number;
  private j: number;
  private readonly equity: Float64Array;
  private readonly position: Float64Array;

  constructor(
    private readonly cols: BarColumns,
    private readonly costs: Costs,
    private readonly mod: StrategyModule,
    private readonly params: Readonly<ParamValues>,
    private readonly broker: Broker,
    private readonly ctx: StrategyContext,
    private readonly cursor: BarCursor,
    private readonly indicators: readonly Indicator[],
    private readonly start: number,
    private readonly end: number,
  ) {
    this.total = end - start;
    this.j = start;
    this.equity = new F64(this.total);
    this.position = new F64(this.total);
  }

  get done(): number {
    return this.j - this.start;
  }

  step(maxBars: number): boolean {
    const { broker, ctx, cursor, equity, position, start, indicators } = this;
    const close = this.cols.close;
    const onBar = this.mod.onBar;
    const stop = Math.min(this.end, this.j + maxBars);
    let j = this.j;
    // One flat loop (a nested per-chunk loop would make V8 drop its on-stack-replaced code each
    // time the inner loop ends). Indicators are computed a chunk ahead, never past `stop`: a
    // cancelled or failed run computes nothing it does not reach.
    let chunkEnd = j;
    let k = 0;
    try {
      for (; j < stop; j++, k++) {
        if (j === chunkEnd) {
          chunkEnd = Math.min(stop, j + CHUNK);
          k = 0;
          if (indicators.length > 0) advanceIndicators(indicators, j - start, chunkEnd - j);
        }
        if (j > start && broker.busy) broker.processBar(j);
        const pos = broker.pos;
        const eq = broker.cash + pos * (close[j] as number);
        const i = j - start;
        equity[i] = eq;
        position[i] = pos;
        cursor.i = i;
        cursor.j = j;
        cursor.k = k;
        ctx.i = i;
        ctx.equity = eq;
        onBar(ctx);
      }
    } catch (err) {
      const i = j - start;
      this.j = stop;
      throw err instanceof StrategyError
        ? err
        : new StrategyError('runtime', `At bar ${i}: ${errorText(err)}`, i);
    }
    this.j = j;
    return j >= this.end;
  }

  finish(cancelled = false): BacktestResult {
    const { broker, cols, costs, start, total } = this;
    const bars = this.j - start;
    const last = this.j - 1;
    if (costs.closeAtEnd && bars > 0 && !cancelled) {
      broker.closeAtEnd(last, cols.close[last] as number);
      this.equity[bars - 1] = broker.cash;
      this.position[bars - 1] = 0;
    }
    const eq = bars === total ? this.equity : this.equity.slice(0, bars);
    const pos = bars === total ? this.position : this.position.slice(0, bars);
    const ts = cols.ts.slice(start, start + bars);
    const trades = broker.trades.columns() as TradeColumns;
    const drawdown = new Float64Array(bars);
    const metrics = computeMetrics(
      {
        ts,
        equity: eq,
        position: pos,
        tradePnl: trades.pnl,
        initialEquity: costs.initialCash,
        riskFreeRate: costs.riskFreeRate,
        periodsPerYear: costs.periodsPerYear,
      },
      drawdown,
    );
    return {
      startIndex: start,
      bars,
      params: { ...this.params },
      ts,
      equity: eq,
      drawdown,
      position: pos,
      trades,
      fills: broker.fills.columns() as FillColumns,
      orders: broker.orders,
      logs: this.ctx.logs,
      logsDropped: this.ctx.logsDropped,
      metrics,
      cancelled,
    };
  }
}

export function runBacktest(input: BacktestInput): BacktestResult {
  const stepper = prepareBacktest(input);
  const every = Math.max(1, input.progressEvery ?? 65_536);
  for (;;) {
    const finished = stepper.step(every);
    if (finished) break;
    if (input.onProgress && input.onProgress(stepper.done, stepper.total) === false) {
      return stepper.finish(true);
    }
  }
  input.onProgress?.(stepper.done, stepper.total);
  return stepper.finish(false);
}
