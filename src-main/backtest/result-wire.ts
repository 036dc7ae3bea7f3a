/**
 * A full backtest result as it comes back from the sandbox: one JSON string (everything but the
 * float series, plus `layout`) and one ArrayBuffer holding every series back to back, both made
 * inside the isolate by isolate/engine-entry.ts. This turns them back into a BacktestResult;
 * the series are views on the one buffer (no copy), except `ts`, which is sliced from the bars
 * main sent (the engine's ts is exactly that slice).
 */
import { AppError } from '../errors.js';
import { drawdownSeries } from './engine/metrics.js';
import {
  FILL_FIELDS,
  TRADE_FIELDS,
  type BacktestResult,
  type FillColumns,
  type TradeColumns,
} from './engine/types.js';

type Rest = Omit<
  BacktestResult,
  'ts' | 'equity' | 'drawdown' | 'position' | 'trades' | 'fills' | 'cancelled'
>;

/** `barsTs` is the run's input ts column: the result's ts is its slice, not sent back. */
export function decodeResult(json: string, buffer: ArrayBuffer | null, barsTs: Float64Array): BacktestResult {
  const parsed = JSON.parse(json) as Rest & { layout?: [string, number, number][] };
  const all = new Float64Array(buffer ?? new ArrayBuffer(0));
  const series = new Map<string, Float64Array>();
  for (const [name, at, length] of parsed.layout ?? []) {
    if (!(at >= 0 && length >= 0 && at + length <= all.length)) break;
    series.set(name, all.subarray(at, at + length));
  }
  const take = (name: string): Float64Array => {
    const s = series.get(name);
    if (!s) throw new AppError('SANDBOX_RUNTIME', `The backtest result is missing its ${name} series.`);
    return s;
  };
  const equity = take('equity');
  const drawdown = new Float64Array(equity.length);
  drawdownSeries(equity, drawdown);
  const trades = {} as Record<string, Float64Array>;
  for (const f of TRADE_FIELDS) trades[f] = take(`trades.${f}`);
  const fills = {} as Record<string, Float64Array>;
  for (const f of FILL_FIELDS) fills[f] = take(`fills.${f}`);
  return {
    startIndex: parsed.startIndex,
    bars: parsed.bars,
    params: parsed.params,
    ts: barsTs.slice(parsed.startIndex, parsed.startIndex + parsed.bars),
    equity,
    drawdown,
    position: series.get('position') ?? new Float64Array(0),
    trades: trades as unknown as TradeColumns,
    fills: fills as unknown as FillColumns,
    orders: parsed.orders,
    logs: parsed.logs,
    logsDropped: parsed.logsDropped,
    metrics: parsed.metrics,
    cancelled: false,
  };
}
