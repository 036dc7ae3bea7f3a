/**
 * An SMA crossover written plainly here, independent of the engine (own SMA, own bookkeeping),
 * must agree with the engine's trades and final equity — on synthetic minute bars and on the
 * real daily series. Plus determinism: the same inputs give byte-identical results.
 */
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { runBacktest, type BarColumns } from '../../src-main/backtest/engine/index.js';
import { syntheticBars } from '../../src-main/backtest/synthetic-bars.js';
import { realDailyBars, SMA_CROSS } from '../helpers/bars.js';

interface RefTrade {
  entryIndex: number;
  exitIndex: number;
  qty: number;
  entryPrice: number;
  exitPrice: number;
  pnl: number;
}

/**
 * Long-only SMA(fast/slow) crossover: all-in at the next open, out at the next open, commission in
 * per cent. `summation` picks how the averages are summed: 'window' re-adds the whole window each
 * bar; 'running' keeps a running sum (subtract the value leaving, add the one entering). Real
 * prices with two decimals produce exact ties (bar 904 of the daily series: both SMAs are 5.196),
 * which float rounding then decides differently per summation order; random synthetic prices
 * have no exact ties, so there the window sum must agree too.
 */
function reference(
  c: BarColumns,
  fast: number,
  slow: number,
  commissionPct: number,
  summation: 'window' | 'running',
): { trades: RefTrade[]; finalEquity: number } {
  const n = c.close.length;
  const running = new Map<number, number>();
  const sma = (i: number, len: number): number => {
    if (summation === 'running') {
      let s = running.get(len) ?? 0;
      if (i >= len) s -= c.close[i - len]!;
      s += c.close[i]!;
      running.set(len, s);
      return i + 1 < len ? NaN : s / len;
    }
    if (i + 1 < len) return NaN;
    let s = 0;
    for (let k = i + 1 - len; k <= i; k++) s += c.close[k]!;
    return s / len;
  };
  const fee = commissionPct / 100;
  let cash = 100_000;
  let qty = 0;
  let entryPrice = 0;
  let entryIndex = -1;
  let entryFee = 0;
  let pending: 'buy' | 'sell' | null = null;
  const trades: RefTrade[] = [];
  const sell = (i: number, price: number): void => {
    const exitFee = qty * price * fee;
    cash += qty * price - exitFee;
    trades.push({
      entryIndex,
      exitIndex: i,
      qty,
      entryPrice,
      exitPrice: price,
      pnl: (price - entryPrice) * qty - entryFee - exitFee,
    });
    qty = 0;
  };
  let prevF = NaN;
  let prevS = NaN;
  for (let i = 0; i < n; i++) {
    const open = c.open[i]!;
    if (pending === 'buy') {
      qty = Math.floor(cash / (open * (1 + fee)));
      entryFee = qty * open * fee;
      cash -= qty * open + entryFee;
      entryPrice = open;
      entryIndex = i;
    } else if (pending === 'sell') {
      sell(i, open);
    }
    pending = null;
    const f = sma(i, fast);
    const s = sma(i, slow);
    if (prevF <= prevS && f > s && qty <= 0) pending = 'buy';
    else if (prevF >= prevS && f < s && qty > 0) pending = 'sell';
    prevF = f;
    prevS = s;
  }
  if (qty > 0) sell(n - 1, c.close[n - 1]!);
  return { trades, finalEquity: cash };
}

function compare(
  c: BarColumns,
  fast: number,
  slow: number,
  commissionPct: number,
  summation: 'window' | 'running',
): number {
  const ref = reference(c, fast, slow, commissionPct, summation);
  const r = runBacktest({
    columns: c,
    strategySource: SMA_CROSS,
    params: { fast, slow },
    costs: { commissionPct },
  });
  expect(r.metrics.trades).toBe(ref.trades.length);
  ref.trades.forEach((t, k) => {
    expect(r.trades.entryIndex[k], `trade ${k} entry`).toBe(t.entryIndex);
    expect(r.trades.exitIndex[k], `trade ${k} exit`).toBe(t.exitIndex);
    expect(r.trades.qty[k], `trade ${k} qty`).toBe(t.qty);
    expect(r.trades.entryPrice[k]).toBe(t.entryPrice);
    expect(r.trades.exitPrice[k]).toBe(t.exitPrice);
    expect(r.trades.pnl[k]).toBeCloseTo(t.pnl, 6);
  });
  expect(r.metrics.finalEquity).toBeCloseTo(ref.finalEquity, 6);
  return ref.trades.length;
}

describe('engine vs a plain reference SMA crossover', () => {
  it('agrees on 20,000 synthetic minute bars, with and without commission', () => {
    const c = syntheticBars(20_000, { seed: 99 });
    expect(compare(c, 10, 30, 0, 'window')).toBeGreaterThan(100);
    expect(compare(c, 5, 50, 0.1, 'window')).toBeGreaterThan(50);
    expect(compare(c, 10, 30, 0.1, 'running')).toBeGreaterThan(100);
  });

  it('agrees on the real daily series (1985–2006)', () => {
    const c = realDailyBars();
    if (!c) return; // reason printed by realDailyBars
    expect(compare(c, 10, 30, 0, 'running')).toBeGreaterThan(50);
    expect(compare(c, 20, 100, 0.1, 'running')).toBeGreaterThan(10);
  });
});

describe('determinism', () => {
  it('the same inputs give byte-identical results', () => {
    const c = syntheticBars(50_000, { seed: 3 });
    const busy = `
      let r, b; function init(ctx) { r = ctx.rsi(14); b = ctx.bollinger(20, 2); }
      function onBar(ctx) {
        if (!b.ready) return;
        if (ctx.position === 0 && ctx.random() < 0.05) ctx.buy({ percent: 50, trailingStopPct: 1, takeProfitPct: 2 });
        if (r.value > 70 && ctx.position > 0) ctx.exit();
        if (r.value < 30 && ctx.position === 0) ctx.sell({ type: 'limit', price: b.upper, qty: 10, stopLossPct: 1 });
        if (ctx.i % 5000 === 0) ctx.log('equity', ctx.equity);
      }`;
    const opts = {
      columns: c,
      strategySource: busy,
      costs: { commissionPct: 0.05, slippageTicks: 1, seed: 42 },
    };
    const full = runBacktest(opts);
    const a = serialize(full);
    const b = serialize(runBacktest(opts));
    expect(a.length).toBeGreaterThan(100_000);
    expect(Buffer.compare(a, b)).toBe(0);

    // Without the order list (what the app's runs ask for) everything else is the same bytes.
    const lean = runBacktest({ ...opts, keepOrders: false });
    expect(full.orders.length).toBeGreaterThan(100);
    expect(lean.orders).toEqual([]);
    expect(Buffer.compare(serialize({ ...lean, orders: full.orders }), a)).toBe(0);
  });
});
