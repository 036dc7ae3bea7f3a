/** Text tables for the backtest CLI. */
import type { MetricsDto, SweepRowDto } from '../src-preload/contract/backtests.js';

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(2)} %`);
const fix = (x: number | null, d = 2): string => (x === null ? '—' : x.toFixed(d));

export function formatMetricsTable(m: MetricsDto, params: Record<string, unknown>): string {
  const rows: [string, string][] = [
    [
      'Parameters',
      Object.entries(params)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ') || '(defaults)',
    ],
    ['Bars', String(m.bars)],
    ['Initial equity', fix(m.initialEquity)],
    ['Final equity', fix(m.finalEquity)],
    ['Total return', pct(m.totalReturn)],
    ['CAGR', pct(m.cagr)],
    ['Annual volatility', pct(m.annualVolatility)],
    ['Sharpe', fix(m.sharpe, 3)],
    ['Sortino', fix(m.sortino, 3)],
    ['Max drawdown', pct(m.maxDrawdown)],
    ['Max drawdown bars', String(m.maxDrawdownBars)],
    ['Calmar', fix(m.calmar, 3)],
    ['Trades', String(m.trades)],
    ['Win rate', pct(m.winRate)],
    ['Profit factor', fix(m.profitFactor, 3)],
    ['Average win', fix(m.avgWin)],
    ['Average loss', fix(m.avgLoss)],
    ['Exposure', pct(m.exposure)],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

export function formatSweepTable(rows: SweepRowDto[]): string {
  const names = Object.keys(rows[0]?.params ?? {});
  const head = [...names, 'return', 'sharpe', 'maxDD', 'trades'];
  const body = [...rows]
    .sort((a, b) => (b.metrics?.sharpe ?? -Infinity) - (a.metrics?.sharpe ?? -Infinity))
    .map((r) => [
      ...names.map((n) => String(r.params[n])),
      ...(r.metrics
        ? [
            pct(r.metrics.totalReturn),
            fix(r.metrics.sharpe, 3),
            pct(r.metrics.maxDrawdown),
            String(r.metrics.trades),
          ]
        : [r.error?.code ?? 'error', '', '', '']),
    ]);
  const widths = head.map((h, k) => Math.max(h.length, ...body.map((r) => (r[k] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, k) => c.padStart(widths[k] ?? 0)).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}
