/**
 * OHLCV CSV → columns. Accepts a header with date/time/timestamp, open, high, low, close and an
 * optional volume column (any case, common aliases); dates as ISO text or epoch seconds / ms.
 * Rows that do not parse, or whose timestamps do not increase, are rejected with a count rather
 * than silently reordered: the engine relies on ascending time.
 */
import Papa from 'papaparse';
import type { BarColumns } from './engine/types.js';
import { AppError } from '../errors.js';

const ALIASES: Record<string, string[]> = {
  ts: ['date', 'time', 'timestamp', 'datetime', 'ts'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c', 'adj close', 'adj_close'],
  volume: ['volume', 'vol', 'v'],
};

function parseTime(s: string): number {
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const x = Number(t);
    return x < 1e11 ? x * 1000 : x; // epoch seconds vs ms
  }
  // A bare date is midnight UTC, not local time, so results do not depend on the machine.
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : t;
  return Date.parse(iso);
}

export function parseBarsCsv(text: string): BarColumns {
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
  const rows = parsed.data;
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const col: Record<string, number> = {};
  for (const [key, names] of Object.entries(ALIASES)) {
    const k = header.findIndex((h) => names.includes(h));
    if (k >= 0) col[key] = k;
  }
  for (const need of ['ts', 'open', 'high', 'low', 'close']) {
    if (col[need] === undefined) {
      throw new AppError('VALIDATION', `The CSV has no ${need === 'ts' ? 'date/time' : need} column.`, {
        header,
      });
    }
  }
  const n = rows.length - 1;
  const out = {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let m = 0;
  let rejected = 0;
  let last = -Infinity;
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r] as string[];
    const ts = parseTime(row[col.ts as number] ?? '');
    const o = Number(row[col.open as number]);
    const h = Number(row[col.high as number]);
    const l = Number(row[col.low as number]);
    const c = Number(row[col.close as number]);
    const v = col.volume === undefined ? 0 : Number(row[col.volume]);
    if (![ts, o, h, l, c, v].every(Number.isFinite) || ts <= last) {
      rejected++;
      continue;
    }
    last = ts;
    out.ts[m] = ts;
    out.open[m] = o;
    out.high[m] = Math.max(h, o, c);
    out.low[m] = Math.min(l, o, c);
    out.close[m] = c;
    out.volume[m] = v;
    m++;
  }
  if (m === 0) throw new AppError('VALIDATION', `The CSV has no usable bars (${rejected} rows rejected).`);
  if (m === n) return out;
  return {
    ts: out.ts.slice(0, m),
    open: out.open.slice(0, m),
    high: out.high.slice(0, m),
    low: out.low.slice(0, m),
    close: out.close.slice(0, m),
    volume: out.volume.slice(0, m),
  };
}
