import type { MetricsDto } from '../../../../src-preload/contract/backtests';

export const pct = (x: number | null | undefined, d = 2): string =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(d)} %`;
export const num = (x: number | null | undefined, d = 2): string =>
  x === null || x === undefined || !Number.isFinite(x)
    ? '—'
    : x.toLocaleString(undefined, { maximumFractionDigits: d, minimumFractionDigits: d });
export const day = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** Metric label, formatter and whether higher is better (for sorting hints). */
export const METRIC_VIEW: { key: keyof MetricsDto; label: string; fmt: (x: number | null) => string }[] = [
  { key: 'totalReturn', label: 'Total return', fmt: (x) => pct(x) },
  { key: 'cagr', label: 'CAGR', fmt: (x) => pct(x) },
  { key: 'annualVolatility', label: 'Volatility (ann.)', fmt: (x) => pct(x) },
  { key: 'sharpe', label: 'Sharpe', fmt: (x) => num(x, 3) },
  { key: 'sortino', label: 'Sortino', fmt: (x) => num(x, 3) },
  { key: 'maxDrawdown', label: 'Max drawdown', fmt: (x) => pct(x) },
  { key: 'maxDrawdownBars', label: 'Max DD bars', fmt: (x) => num(x, 0) },
  { key: 'calmar', label: 'Calmar', fmt: (x) => num(x, 3) },
  { key: 'winRate', label: 'Win rate', fmt: (x) => pct(x, 1) },
  { key: 'profitFactor', label: 'Profit factor', fmt: (x) => num(x, 3) },
  { key: 'avgWin', label: 'Avg win', fmt: (x) => num(x) },
  { key: 'avgLoss', label: 'Avg loss', fmt: (x) => num(x) },
  { key: 'exposure', label: 'Exposure', fmt: (x) => pct(x, 1) },
  { key: 'trades', label: 'Trades', fmt: (x) => num(x, 0) },
  { key: 'finalEquity', label: 'Final equity', fmt: (x) => num(x) },
];
