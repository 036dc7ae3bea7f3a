/** Incremental indicators agree with their textbook definitions computed naively over whole windows. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src-main/backtest/engine/index.js';
import { syntheticBars } from '../../src-main/backtest/synthetic-bars.js';

const cols = syntheticBars(400, { seed: 7, vol: 0.02 });
const close = Array.from(cols.close);
const high = Array.from(cols.high);
const low = Array.from(cols.low);

/** Values of one indicator expression at every bar, as the strategy saw them. */
function series(create: string, read = 'ind.value'): number[] {
  const src = `let ind; const out = []; function init(ctx) { ind = ${create}; }
    function onBar(ctx) { ctx.log(${read}); }`;
  return runBacktest({ columns: cols, strategySource: src }).logs.map((l) => Number(l.message));
}
const closeTo = (a: number[], b: number[]): void => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => {
    if (Number.isNaN(b[i]!)) expect(x, `bar ${i}`).toBeNaN();
    else expect(x, `bar ${i}`).toBeCloseTo(b[i]!, 8);
  });
};
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('indicators', () => {
  it('SMA, rolling highest and lowest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        closeTo(
          series(`ctx.sma(${n})`),
          close.map((_, i) => (i + 1 < n ? NaN : mean(close.slice(i + 1 - n, i + 1)))),
        );
        closeTo(
          series(`ctx.highest(${n})`),
          high.map((_, i) => (i + 1 < n ? NaN : Math.max(...high.slice(i + 1 - n, i + 1)))),
        );
        closeTo(
          series(`ctx.lowest(${n})`),
          low.map((_, i) => (i + 1 < n ? NaN : Math.min(...low.slice(i + 1 - n, i + 1)))),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('EMA seeded with the SMA of the first n values', () => {
    const n = 9;
    const k = 2 / (n + 1);
    const want: number[] = [];
    let e = NaN;
    close.forEach((x, i) => {
      if (i + 1 === n) e = mean(close.slice(0, n));
      else if (i + 1 > n) e = e + k * (x - e);
      want.push(e);
    });
    closeTo(series('ctx.ema(9)'), want);
  });

  it('RSI (Wilder) and ATR (Wilder)', () => {
    const n = 14;
    const rsi: number[] = [NaN];
    let g = 0;
    let l = 0;
    for (let i = 1; i < close.length; i++) {
      const d = close[i]! - close[i - 1]!;
      if (i <= n) {
        g += Math.max(d, 0) / n;
        l += Math.max(-d, 0) / n;
      } else {
        g = (g * (n - 1) + Math.max(d, 0)) / n;
        l = (l * (n - 1) + Math.max(-d, 0)) / n;
      }
      rsi.push(i < n ? NaN : 100 - 100 / (1 + g / l));
    }
    closeTo(series('ctx.rsi(14)'), rsi);

    const tr = close.map((_, i) =>
      i === 0
        ? high[0]! - low[0]!
        : Math.max(high[i]! - low[i]!, Math.abs(high[i]! - close[i - 1]!), Math.abs(low[i]! - close[i - 1]!)),
    );
    const atr: number[] = [];
    let a = NaN;
    tr.forEach((t, i) => {
      if (i + 1 === n) a = mean(tr.slice(0, n));
      else if (i + 1 > n) a = (a * (n - 1) + t) / n;
      atr.push(a);
    });
    closeTo(series('ctx.atr(14)'), atr);
  });

  it('Bollinger bands: SMA ± k population standard deviations', () => {
    const n = 20;
    const sd = (xs: number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
    const win = (i: number): number[] => close.slice(i + 1 - n, i + 1);
    closeTo(
      series('ctx.bollinger(20, 2)', 'ind.upper'),
      close.map((_, i) => (i + 1 < n ? NaN : mean(win(i)) + 2 * sd(win(i)))),
    );
    closeTo(
      series('ctx.bollinger(20, 2)', 'ind.lower'),
      close.map((_, i) => (i + 1 < n ? NaN : mean(win(i)) - 2 * sd(win(i)))),
    );
  });

  it('indicators chain: an EMA of an RSI starts once the RSI is ready', () => {
    const v = series('ctx.ema(3, ctx.rsi(5))');
    expect(v.slice(0, 7).every(Number.isNaN)).toBe(true);
    expect(Number.isFinite(v[7]!)).toBe(true);
  });

  it('refuses to create indicators in onBar', () => {
    expect(() =>
      runBacktest({ columns: cols, strategySource: 'function onBar(ctx) { ctx.sma(3); }' }),
    ).toThrow(/Create indicators in init/);
  });
});
