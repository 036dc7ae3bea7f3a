import { describe, expect, it } from 'vitest';
import { computeMetrics, drawdownSeries } from '../../src-main/backtest/engine/index.js';

const YEAR = 365.25 * 86_400_000;

describe('metrics on small fixed series (values computed by hand)', () => {
  // Equity 100 → 110 → 99 → 121 over exactly one year; returns +10 %, −10 %, +22.2 %.
  const ts = Float64Array.from([0, YEAR / 3, (2 * YEAR) / 3, YEAR]);
  const equity = Float64Array.from([100, 110, 99, 121]);
  const position = Float64Array.from([0, 1, 1, 0]);
  const m = computeMetrics({
    ts,
    equity,
    position,
    tradePnl: [10, -5, 20, -5],
    initialEquity: 100,
    periodsPerYear: 252,
  });

  it('returns, CAGR and drawdown', () => {
    expect(m.totalReturn).toBeCloseTo(0.21, 12);
    expect(m.cagr).toBeCloseTo(0.21, 12); // one year exactly
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12); // 110 → 99
    expect(m.maxDrawdownBars).toBe(1); // only bar 2 is under the peak
    expect(m.maxDrawdownDurationMs).toBeCloseTo((2 * YEAR) / 3, 3); // from the peak (bar 1) to recovery (bar 3)
    expect(m.calmar).toBeCloseTo(2.1, 12);
  });

  it('volatility, Sharpe, Sortino (mean 0.0740741, sample sd 0.1626681, downside √(0.01/3))', () => {
    expect(m.annualVolatility).toBeCloseTo(2.582275769190454, 9);
    expect(m.sharpe).toBeCloseTo(7.228765761341866, 9);
    expect(m.sortino).toBeCloseTo(20.36700308869265, 9);
  });

  it('trade statistics and exposure', () => {
    expect(m.trades).toBe(4);
    expect(m.winRate).toBe(0.5);
    expect(m.profitFactor).toBe(3); // 30 / 10
    expect(m.avgWin).toBe(15);
    expect(m.avgLoss).toBe(-5);
    expect(m.exposure).toBe(0.5);
    expect(m.finalEquity).toBe(121);
  });

  it('estimates periods per year from the timestamps when not given', () => {
    const est = computeMetrics({ ts, equity, position, tradePnl: [], initialEquity: 100 });
    expect(est.periodsPerYear).toBeCloseTo(3, 12); // 3 returns in one year
    expect(est.winRate).toBeNull();
    expect(est.profitFactor).toBeNull();
  });

  it('drawdown series and an unrecovered drawdown running to the end', () => {
    const out = new Float64Array(5);
    const dd = drawdownSeries(Float64Array.from([100, 120, 90, 60, 110]), out);
    expect(Array.from(out)).toEqual([0, 0, 90 / 120 - 1, 60 / 120 - 1, 110 / 120 - 1]);
    expect(dd.maxDrawdown).toBeCloseTo(0.5, 12);
    expect(dd.maxBars).toBe(3);
  });

  it('a flat curve has no volatility-based ratios rather than NaN or Infinity', () => {
    const flat = computeMetrics({
      ts: Float64Array.from([0, 1, 2]),
      equity: Float64Array.from([100, 100, 100]),
      position: new Float64Array(3),
      tradePnl: [],
      initialEquity: 100,
      periodsPerYear: 252,
    });
    expect(flat.sharpe).toBeNull();
    expect(flat.sortino).toBeNull();
    expect(flat.calmar).toBeNull();
    expect(flat.maxDrawdown).toBe(0);
    expect(JSON.parse(JSON.stringify(flat))).toEqual(flat);
  });
});
