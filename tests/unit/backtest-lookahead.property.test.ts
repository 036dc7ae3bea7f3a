/**
 * No look-ahead, as a property: for random bars and a random index i, replacing every bar after
 * i with other random bars never changes what was decided or filled at or before i.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestResult, type BarColumns } from '../../src-main/backtest/engine/index.js';

// Uses every indicator, history, all order types and attachments, so any leak would show.
const BUSY_STRATEGY = `
let f, s, r, a, b, h, l;
function init(ctx) {
  f = ctx.sma(3); s = ctx.ema(7); r = ctx.rsi(5); a = ctx.atr(4);
  b = ctx.bollinger(6, 2); h = ctx.highest(5); l = ctx.lowest(5);
}
function onBar(ctx) {
  const x = ctx.close - ctx.history.close(2);
  if (ctx.crossover(f, s)) ctx.buy({ percent: 50, stopLossPct: 3, takeProfitPct: 6 });
  else if (ctx.crossunder(f, s)) ctx.sell({ percent: 40, trailingStopPct: 4 });
  if (b.ready && r.value < 40 && ctx.position === 0) ctx.buy({ type: 'limit', price: b.lower, qty: 5, stopLoss: l.value * 0.98 });
  if (a.ready && ctx.close >= h.prev) ctx.buy({ type: 'stop', price: ctx.high + a.value, qty: 3, trailingStop: a.value * 2 });
  if (a.ready && ctx.position > 0 && ctx.close < l.prev) ctx.sell({ type: 'stop', price: ctx.low - a.value / 2, qty: 2 });
  if (x > 3 && ctx.position !== 0) ctx.exit();
  if (ctx.pendingOrders > 4) ctx.cancelAll();
  ctx.log(ctx.i, ctx.position, Math.round(ctx.equity));
}
`;

const bar = fc
  .record({
    o: fc.integer({ min: 8000, max: 12000 }),
    c: fc.integer({ min: 8000, max: 12000 }),
    up: fc.integer({ min: 0, max: 400 }),
    down: fc.integer({ min: 0, max: 400 }),
  })
  .map(
    ({ o, c, up, down }) =>
      [o / 100, Math.max(o, c) / 100 + up / 100, Math.min(o, c) / 100 - down / 100, c / 100] as const,
  );

function columns(rows: (readonly [number, number, number, number])[]): BarColumns {
  const n = rows.length;
  const col = (k: number): Float64Array => Float64Array.from(rows, (r) => r[k]!);
  return {
    ts: Float64Array.from({ length: n }, (_, i) => 1_600_000_000_000 + i * 60_000),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    volume: new Float64Array(n).fill(100),
  };
}

/** What is knowable at bar i: decisions made ≤ i (with their outcome if it happened ≤ i), fills ≤ i, equity ≤ i. */
function upTo(r: BacktestResult, i: number) {
  const orders = r.orders
    .filter((o) => o.decidedAt <= i)
    .map((o) => {
      const closed = o.closedAt !== null && o.closedAt <= i;
      return {
        ...o,
        status: closed ? o.status : 'open',
        closedAt: closed ? o.closedAt : null,
        note: closed ? o.note : null,
      };
    });
  const k = r.fills.index.findIndex((x) => x > i);
  const nf = k < 0 ? r.fills.index.length : k;
  return {
    orders,
    fills: [r.fills.index, r.fills.side, r.fills.qty, r.fills.price, r.fills.reason].map((c) =>
      Array.from(c.subarray(0, nf)),
    ),
    equity: Array.from(r.equity.subarray(0, i + 1)),
    logs: r.logs.filter((l) => l.index <= i),
  };
}

describe('no look-ahead (property)', () => {
  it('changing any bar after i never changes orders decided, fills made or equity at or before i', () => {
    let fillsSeen = 0;
    let ordersSeen = 0;
    fc.assert(
      fc.property(
        fc.array(bar, { minLength: 20, maxLength: 80 }),
        fc.array(bar, { minLength: 80, maxLength: 80 }),
        fc.nat(),
        (rows, other, pick) => {
          const i = pick % (rows.length - 1);
          const changed = [...rows.slice(0, i + 1), ...other.slice(0, rows.length - i - 1)];
          const opts = {
            strategySource: BUSY_STRATEGY,
            costs: { closeAtEnd: false, commissionPct: 0.1, slippagePct: 0.05 },
          };
          const a = runBacktest({ columns: columns(rows), ...opts });
          const b = runBacktest({ columns: columns(changed), ...opts });
          fillsSeen += a.fills.index.length;
          ordersSeen += a.orders.length;
          expect(upTo(b, i)).toEqual(upTo(a, i));
        },
      ),
      { numRuns: 200 },
    );
    // The property is only worth something if the strategy really trades.
    expect(fillsSeen).toBeGreaterThan(200);
    expect(ordersSeen).toBeGreaterThan(200);
  });
});
