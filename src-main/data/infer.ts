import path from 'node:path';
import type { TIMEFRAMES } from '../../src-preload/contract/user.js';

export type Timeframe = (typeof TIMEFRAMES)[number];

const TIMEFRAME_MS: Record<Timeframe, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
  '1w': 604_800_000,
};

/**
 * The timeframe from the most common spacing of the bars (the median of up to 10,001 gaps):
 * weekends and holidays make some gaps longer, but never the median. Undefined when the
 * spacing is not one of the known timeframes.
 */
export function inferTimeframe(ts: Float64Array): Timeframe | undefined {
  const n = ts.length;
  if (n < 2) return undefined;
  const step = Math.max(1, Math.floor((n - 1) / 10_000));
  const gaps: number[] = [];
  for (let i = 1; i < n; i += step) gaps.push(ts[i]! - ts[i - 1]!);
  gaps.sort((a, b) => a - b);
  const median = gaps[gaps.length >> 1]!;
  return (Object.keys(TIMEFRAME_MS) as Timeframe[]).find((tf) => TIMEFRAME_MS[tf] === median);
}

/** "ttrc-daily-1985-2006.csv" → "TTRC": the leading word of the file name, if it looks like a symbol. */
export function symbolFromFilename(filename: string): string | undefined {
  const base = path.basename(filename, path.extname(filename));
  const m = /^([A-Za-z][A-Za-z0-9.^=]{0,31})(?:$|[-_ ])/.exec(base);
  return m ? m[1]!.toUpperCase() : undefined;
}

export function mimeTypeFor(filename: string): string {
  const ext = path.extname(filename).toLowerCase();
  if (ext === '.tsv') return 'text/tab-separated-values';
  if (ext === '.txt') return 'text/plain';
  return 'text/csv';
}
