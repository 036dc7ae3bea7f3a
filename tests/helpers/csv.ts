/** Small OHLCV CSV builders for tests. */
import { syntheticBars } from '../../src-main/backtest/synthetic-bars.js';

export interface BarRow {
  ts: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

export const DAY = 86_400_000;

/** `n` valid daily bars from `start` (epoch ms), deterministic prices. */
export function dailyBars(n: number, start = Date.UTC(2020, 0, 1), seed = 1): BarRow[] {
  const out: BarRow[] = [];
  let p = 100 + seed;
  for (let i = 0; i < n; i++) {
    const o = p;
    p = Math.max(1, p + Math.sin(i * 0.7 + seed) * 2);
    const c = Math.round(p * 100) / 100;
    out.push({ ts: start + i * DAY, o, h: Math.max(o, c) + 1, l: Math.min(o, c) - 1, c, v: 1000 + i });
  }
  return out;
}

export function toCsv(
  rows: readonly BarRow[],
  opts: { header?: string; date?: (ts: number) => string } = {},
): string {
  const date = opts.date ?? ((ts: number) => new Date(ts).toISOString().slice(0, 10));
  const lines = [opts.header ?? 'date,open,high,low,close,volume'];
  for (const r of rows) lines.push(`${date(r.ts)},${r.o},${r.h},${r.l},${r.c},${r.v}`);
  return lines.join('\n') + '\n';
}

export const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);

/** `n` synthetic daily bars (the engine's generator) as a dated CSV, for backtests on files. */
export function syntheticDailyCsv(n: number, seed: number): string {
  const c = syntheticBars(n, { seed, stepMs: DAY });
  const rows: BarRow[] = [];
  for (let i = 0; i < n; i++) {
    rows.push({ ts: c.ts[i]!, o: c.open[i]!, h: c.high[i]!, l: c.low[i]!, c: c.close[i]!, v: c.volume[i]! });
  }
  return toCsv(rows);
}
