/**
 * Performance metrics from the equity curve and the closed trades. Conventions (documented in
 * docs/strategy-api.md, "Metrics"):
 * - per-bar simple returns r_t = E_t / E_{t−1} − 1 over the run's bars;
 * - periods per year: given, or estimated as (bars − 1) / years spanned by the timestamps;
 * - volatility: sample standard deviation of r × √periodsPerYear;
 * - Sharpe: (mean(r) − rf/ppy) / sd(r) × √ppy; Sortino: (mean(r) − rf/ppy) / downside × √ppy,
 *   downside = √(Σ min(r − rf/ppy, 0)² / N);
 * - CAGR: (E_end / E_0)^(1/years) − 1 with years = (ts_end − ts_0) / 365.25 days;
 * - max drawdown: largest 1 − E_t / peak_t (a positive fraction); its duration is the longest
 *   stretch of bars below a previous peak (to the recovery bar, or to the end);
 * - Calmar: CAGR / max drawdown; win rate, profit factor (gross win / gross loss), average win and
 *   average loss (money, loss negative) from closed trades; exposure: share of bars ending with a
 *   position. Undefined ratios (no trades, zero variance, …) are null rather than NaN/Infinity
 *   so results stay JSON-safe.
 */
import type { Metrics } from './types.js';

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export interface MetricsInput {
  ts: Float64Array;
  equity: Float64Array;
  position: Float64Array;
  tradePnl: ArrayLike<number>;
  initialEquity: number;
  riskFreeRate?: number;
  periodsPerYear?: number;
}

/** Fills `out` with the drawdown (≤ 0) from the running peak and returns the worst stretch. */
export function drawdownSeries(
  equity: Float64Array,
  out: Float64Array,
): { maxDrawdown: number; maxBars: number; startBar: number; endBar: number } {
  let peak = -Infinity;
  let peakAt = 0;
  let maxDd = 0;
  let maxBars = 0;
  let startBar = 0;
  let endBar = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] as number;
    if (e >= peak) {
      if (i - peakAt - 1 > maxBars && peak > -Infinity) {
        maxBars = i - peakAt - 1;
        startBar = peakAt;
        endBar = i;
      }
      peak = e;
      peakAt = i;
      out[i] = 0;
    } else {
      const dd = e / peak - 1;
      out[i] = dd;
      if (-dd > maxDd) maxDd = -dd;
    }
  }
  const tail = equity.length - 1 - peakAt;
  if (tail > maxBars) {
    maxBars = tail;
    startBar = peakAt;
    endBar = equity.length - 1;
  }
  return { maxDrawdown: maxDd, maxBars, startBar, endBar };
}

export function computeMetrics(input: MetricsInput, drawdownOut?: Float64Array): Metrics {
  const { ts, equity, position, tradePnl, initialEquity } = input;
  const n = equity.length;
  const finalEquity = n > 0 ? (equity[n - 1] as number) : initialEquity;
  const years = n > 1 ? ((ts[n - 1] as number) - (ts[0] as number)) / YEAR_MS : 0;
  const ppy =
    input.periodsPerYear && input.periodsPerYear > 0 ? input.periodsPerYear : years > 0 ? (n - 1) / years : 0;
  const rfPerBar = ppy > 0 ? (input.riskFreeRate ?? 0) / ppy : 0;

  // One pass over the bars: return sum and sum of squares (per-bar returns are small, so the
  // textbook variance formula loses nothing here), the downside sum, and bars in the market.
  let sum = 0;
  let sumSq = 0;
  let down = 0;
  let inMarket = n > 0 && position[0] !== 0 ? 1 : 0;
  let prev = n > 0 ? (equity[0] as number) : 0;
  for (let i = 1; i < n; i++) {
    const e = equity[i] as number;
    const r = e / prev - 1;
    prev = e;
    sum += r;
    sumSq += r * r;
    // min(x, 0) as (x − |x|) / 2, squared below: Math.min on doubles and an if both branch on
    // the sign, which half the returns flip (measured 12 ms vs 1.5 ms over 1 M bars).
    const x = r - rfPerBar;
    const neg = x - Math.abs(x);
    down += neg * neg;
    inMarket += position[i] !== 0 ? 1 : 0;
  }
  const count = n > 1 ? n - 1 : 0;
  const mean = count > 0 ? sum / count : NaN;
  const ss = Math.max(0, sumSq - sum * mean);
  const sd = count > 1 ? Math.sqrt(ss / (count - 1)) : NaN;
  const downside = count > 0 ? Math.sqrt(down / 4 / count) : NaN; // neg was 2·min(x, 0)
  const sqrtPpy = Math.sqrt(ppy);
  const dd = drawdownSeries(equity, drawdownOut ?? new Float64Array(n));
  const totalReturn = finalEquity / initialEquity - 1;
  const cagr = years > 0 && finalEquity > 0 ? Math.pow(finalEquity / initialEquity, 1 / years) - 1 : NaN;

  let wins = 0;
  let losses = 0;
  let grossWin = 0;
  let grossLoss = 0;
  for (let k = 0; k < tradePnl.length; k++) {
    const p = tradePnl[k] as number;
    if (p > 0) {
      wins++;
      grossWin += p;
    } else if (p < 0) {
      losses++;
      grossLoss -= p;
    }
  }
  const trades = tradePnl.length;

  return {
    initialEquity,
    finalEquity,
    totalReturn,
    cagr: finiteOrNull(cagr),
    annualVolatility: ppy > 0 ? finiteOrNull(sd * sqrtPpy) : null,
    sharpe: ppy > 0 && sd > 0 ? finiteOrNull(((mean - rfPerBar) / sd) * sqrtPpy) : null,
    sortino: ppy > 0 && downside > 0 ? finiteOrNull(((mean - rfPerBar) / downside) * sqrtPpy) : null,
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownBars: dd.maxBars,
    maxDrawdownDurationMs: n > 0 ? (ts[dd.endBar] as number) - (ts[dd.startBar] as number) : 0,
    calmar: dd.maxDrawdown > 0 ? finiteOrNull(cagr / dd.maxDrawdown) : null,
    winRate: trades > 0 ? wins / trades : null,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : null,
    avgWin: wins > 0 ? grossWin / wins : null,
    avgLoss: losses > 0 ? -grossLoss / losses : null,
    exposure: n > 0 ? inMarket / n : 0,
    trades,
    bars: n,
    periodsPerYear: ppy,
  };
}
