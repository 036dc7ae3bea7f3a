/**
 * Each order type and attachment fills as docs/strategy-api.md ("How orders fill") says,
 * including gaps through stops and limits. Bars are [open, high, low, close], one per day.
 */
import { describe, expect, it } from 'vitest';
import {
  FILL_REASONS,
  runBacktest,
  type BacktestResult,
  type Costs,
} from '../../src-main/backtest/engine/index.js';
import { barsFrom, scripted } from '../helpers/bars.js';

type Row = [number, number, number, number];
const flat: Row = [100, 101, 99, 100];

function run(rows: Row[], orders: Record<number, string>, costs: Partial<Costs> = {}): BacktestResult {
  return runBacktest({
    columns: barsFrom(rows),
    strategySource: scripted(orders),
    costs: { closeAtEnd: false, ...costs },
  });
}

function fills(
  r: BacktestResult,
): { index: number; side: number; qty: number; price: number; reason: string }[] {
  return Array.from(r.fills.index, (index, k) => ({
    index,
    side: r.fills.side[k]!,
    qty: r.fills.qty[k]!,
    price: r.fills.price[k]!,
    reason: FILL_REASONS[r.fills.reason[k]!]!,
  }));
}

describe('market orders', () => {
  it('a decision on bar i fills at the open of bar i+1, never at bar i', () => {
    const r = run([flat, [103, 105, 102, 104], flat], { 0: 'ctx.buy({ qty: 10 })' });
    expect(fills(r)).toEqual([{ index: 1, side: 1, qty: 10, price: 103, reason: 'order' }]);
    expect(r.position[0]).toBe(0);
    expect(r.position[1]).toBe(10);
    expect(r.equity[1]).toBe(100_000 - 1030 + 1040);
  });

  it('sizes by percent of equity at the fill price, whole units, within cash', () => {
    const r = run([flat, [99, 100, 98, 99], flat], { 0: 'ctx.buy()' });
    expect(fills(r)[0]).toMatchObject({ index: 1, qty: Math.floor(100_000 / 99), price: 99 });
    expect(r.orders[0]!.status).toBe('filled');
  });

  it('exit() closes the position at the next open and records a round trip', () => {
    const r = run([flat, [100, 100, 100, 100], [110, 111, 109, 110], [120, 121, 119, 120]], {
      0: 'ctx.buy({ qty: 10 })',
      2: 'ctx.exit()',
    });
    expect(fills(r).map((f) => [f.index, f.side, f.price, f.reason])).toEqual([
      [1, 1, 100, 'order'],
      [3, -1, 120, 'exit'],
    ]);
    expect(Array.from(r.trades.pnl)).toEqual([200]);
  });

  it('commission (per trade + per cent) and percentage slippage are charged on the fill', () => {
    const r = run(
      [flat, [100, 100, 100, 100], flat],
      { 0: 'ctx.buy({ qty: 10 })' },
      {
        commissionPerTrade: 1,
        commissionPct: 0.1,
        slippagePct: 1,
      },
    );
    const f = fills(r)[0]!;
    expect(f.price).toBeCloseTo(101, 12);
    expect(r.fills.commission[0]).toBeCloseTo(1 + 0.001 * 1010, 12);
    expect(r.equity[1]).toBeCloseTo(100_000 - 1010 - 2.01 + 1000, 9);
  });

  it('tick slippage moves the price by ticks against the trader', () => {
    const r = run(
      [flat, [100, 100, 100, 100], flat],
      { 0: 'ctx.sell({ qty: 5 })' },
      { slippageTicks: 3, tickSize: 0.05 },
    );
    expect(fills(r)[0]!.price).toBeCloseTo(99.85, 12);
  });

  it('clips an order to what equity allows, and rejects shorts when shorting is off', () => {
    const r = run(
      [flat, [100, 100, 100, 100], flat],
      { 0: 'ctx.buy({ qty: 5000 })' },
      { commissionPerTrade: 1 },
    );
    expect(fills(r)[0]!.qty).toBe(999);
    const s = run([flat, [100, 100, 100, 100], flat], { 0: 'ctx.sell({ qty: 5 })' }, { allowShort: false });
    expect(fills(s)).toEqual([]);
    expect(s.orders[0]).toMatchObject({ status: 'rejected', note: 'short selling is disabled' });
  });
});

describe('limit and stop orders', () => {
  it('a buy limit fills at its price when a later bar trades through it', () => {
    const r = run([flat, [98, 99, 96, 97], [97, 98, 94, 95], flat], {
      0: "ctx.buy({ type: 'limit', price: 95, qty: 1 })",
    });
    expect(fills(r)).toEqual([{ index: 2, side: 1, qty: 1, price: 95, reason: 'order' }]);
  });

  it('a buy limit fills at the open when the bar gaps below it (a better price)', () => {
    const r = run([flat, [90, 92, 89, 91], flat], { 0: "ctx.buy({ type: 'limit', price: 95, qty: 1 })" });
    expect(fills(r)[0]).toMatchObject({ index: 1, price: 90 });
  });

  it('a sell limit fills at its price or at a gap-up open', () => {
    const a = run([flat, [100, 106, 99, 104], flat], {
      0: "ctx.sell({ type: 'limit', price: 105, qty: 1 })",
    });
    expect(fills(a)[0]).toMatchObject({ index: 1, side: -1, price: 105 });
    const b = run([flat, [108, 109, 107, 108], flat], {
      0: "ctx.sell({ type: 'limit', price: 105, qty: 1 })",
    });
    expect(fills(b)[0]).toMatchObject({ index: 1, price: 108 });
  });

  it('a buy stop fills at its price plus slippage, or at the open when the bar gaps over it', () => {
    const a = run(
      [flat, [101, 106, 100, 105], flat],
      { 0: "ctx.buy({ type: 'stop', price: 105, qty: 1 })" },
      { slippagePct: 0.1 },
    );
    expect(fills(a)[0]!.price).toBeCloseTo(105 * 1.001, 12);
    const b = run([flat, [108, 109, 107, 108], flat], { 0: "ctx.buy({ type: 'stop', price: 105, qty: 1 })" });
    expect(fills(b)[0]).toMatchObject({ index: 1, price: 108 });
  });

  it('a sell stop gapped through fills at the open', () => {
    const r = run([flat, [90, 91, 89, 90], flat], { 0: "ctx.sell({ type: 'stop', price: 95, qty: 1 })" });
    expect(fills(r)[0]).toMatchObject({ index: 1, side: -1, price: 90 });
  });

  it('pending orders stay until filled or cancelled', () => {
    const r = run([flat, flat, flat, flat], {
      0: "ctx.buy({ type: 'limit', price: 50, qty: 1 })",
      2: 'ctx.cancelAll()',
    });
    expect(r.orders[0]).toMatchObject({ status: 'cancelled', closedAt: 2 });
    expect(fills(r)).toEqual([]);
  });
});

describe('attached stop-loss, take-profit and trailing stop', () => {
  const entry = 'ctx.buy({ qty: 10, stopLoss: 95, takeProfit: 110 })';

  it('stop-loss fills at its level inside a bar', () => {
    const r = run([flat, [100, 101, 99, 100], [99, 100, 94, 96], flat], { 0: entry });
    expect(fills(r)[1]).toMatchObject({ index: 2, side: -1, price: 95, reason: 'stopLoss' });
    expect(r.trades.pnl[0]).toBe(-50);
  });

  it('stop-loss gapped through fills at the (worse) open', () => {
    const r = run([flat, [100, 101, 99, 100], [90, 92, 88, 91], flat], { 0: entry });
    expect(fills(r)[1]).toMatchObject({ index: 2, price: 90, reason: 'stopLoss' });
  });

  it('take-profit fills at its level, or at a gap-up open', () => {
    const a = run([flat, [100, 101, 99, 100], [105, 111, 104, 109], flat], { 0: entry });
    expect(fills(a)[1]).toMatchObject({ index: 2, price: 110, reason: 'takeProfit' });
    const b = run([flat, [100, 101, 99, 100], [112, 113, 111, 112], flat], { 0: entry });
    expect(fills(b)[1]).toMatchObject({ index: 2, price: 112, reason: 'takeProfit' });
  });

  it('when one bar reaches both, the stop wins (conservative)', () => {
    const r = run([flat, [100, 101, 99, 100], [100, 111, 94, 100], flat], { 0: entry });
    expect(fills(r)[1]).toMatchObject({ index: 2, price: 95, reason: 'stopLoss' });
  });

  it('after a market entry the brackets apply from the entry bar (the whole bar follows the open)', () => {
    const r = run([flat, [100, 111, 98, 105], flat], { 0: entry });
    expect(fills(r)[1]).toMatchObject({ index: 1, price: 110, reason: 'takeProfit' });
  });

  it('after an intrabar limit entry: stop checked the same bar, take-profit only from the next', () => {
    const src = "ctx.buy({ type: 'limit', price: 100, qty: 10, stopLoss: 95, takeProfit: 104 })";
    const tpNext = run([flat, [102, 105, 99, 103], [103, 106, 102, 105], flat], { 0: src });
    expect(fills(tpNext).map((f) => [f.index, f.price, f.reason])).toEqual([
      [1, 100, 'order'],
      [2, 104, 'takeProfit'],
    ]);
    const stopSame = run([flat, [102, 103, 94, 96], flat], { 0: src });
    expect(fills(stopSame).map((f) => [f.index, f.price, f.reason])).toEqual([
      [1, 100, 'order'],
      [1, 95, 'stopLoss'],
    ]);
  });

  it('percentage brackets are measured from the fill price; short brackets mirror long ones', () => {
    const r = run([flat, [200, 201, 199, 200], [200, 201, 189, 195], flat], {
      0: 'ctx.sell({ qty: 1, stopLossPct: 5, takeProfitPct: 5 })',
    });
    expect(fills(r)[1]).toMatchObject({ index: 2, side: 1, price: 190, reason: 'takeProfit' });
    expect(r.trades.pnl[0]).toBe(10);
  });

  it('the trailing stop follows the high after each bar and fills at its level', () => {
    const r = run([flat, [100, 104, 99, 103], [103, 108, 100, 107], [106, 107, 102, 104], flat], {
      0: 'ctx.buy({ qty: 1, trailingStop: 5 })',
    });
    // Bar 1: level 95 (from the fill at 100), extreme becomes 104. Bar 2: level 99 > low 100? no; extreme 108.
    // Bar 3: level 103, low 102 → out at 103.
    expect(fills(r)[1]).toMatchObject({ index: 3, price: 103, reason: 'trailingStop' });
  });

  it('a trailing stop gapped through fills at the open', () => {
    const r = run([flat, [100, 110, 99, 109], [95, 96, 94, 95], flat], {
      0: 'ctx.buy({ qty: 1, trailingStopPct: 5 })',
    });
    expect(fills(r)[1]).toMatchObject({ index: 2, price: 95, reason: 'trailingStop' });
  });

  it('closing the position cancels its brackets', () => {
    const r = run([flat, [100, 101, 99, 100], [100, 101, 99, 100], [90, 91, 80, 85]], {
      0: entry,
      1: 'ctx.exit()',
    });
    expect(fills(r).map((f) => f.reason)).toEqual(['order', 'exit']);
  });
});

describe('end of data and errors', () => {
  it('closes an open position at the last close by default', () => {
    const r = runBacktest({
      columns: barsFrom([flat, [100, 101, 99, 100], [100, 101, 99, 107]]),
      strategySource: scripted({ 0: 'ctx.buy({ qty: 10 })' }),
    });
    expect(fills(r)[1]).toMatchObject({ index: 2, price: 107, reason: 'end' });
    expect(r.metrics.finalEquity).toBe(100_070);
    expect(r.metrics.trades).toBe(1);
  });

  it('a strategy that throws stops the run with a runtime StrategyError naming the bar', () => {
    expect(() =>
      runBacktest({
        columns: barsFrom([flat, flat, flat]),
        strategySource: 'function onBar(ctx) { if (ctx.i === 1) null.x; }',
      }),
    ).toThrow(expect.objectContaining({ name: 'StrategyError', kind: 'runtime', barIndex: 1 }));
  });

  it('syntax errors and missing onBar are classified', () => {
    expect(() => runBacktest({ columns: barsFrom([flat]), strategySource: 'function onBar(ctx) {' })).toThrow(
      expect.objectContaining({ kind: 'syntax' }),
    );
    expect(() => runBacktest({ columns: barsFrom([flat]), strategySource: 'const x = 1;' })).toThrow(
      expect.objectContaining({ kind: 'invalid' }),
    );
  });

  it('history never reaches past the current bar', () => {
    const src = `const seen = [];
      function onBar(ctx) { ctx.log(ctx.history.close(0), ctx.history.close(1), ctx.history.close(-1)); }`;
    const r = runBacktest({
      columns: barsFrom([
        [1, 1, 1, 1],
        [2, 2, 2, 2],
        [3, 3, 3, 3],
      ]),
      strategySource: src,
    });
    expect(r.logs.map((l) => l.message)).toEqual(['1 NaN NaN', '2 1 NaN', '3 2 NaN']);
  });
});
