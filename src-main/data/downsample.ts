import { allocColumns, type BarColumns } from './columns.js';

/**
 * OHLC downsampling for charts: consecutive bars are grouped into at most `maxPoints` buckets
 * of equal bar count; each bucket keeps its first ts and open, highest high, lowest low, last
 * close and summed volume, so the chart still shows every extreme.
 */
export function downsampleOhlc(c: BarColumns, maxPoints: number): BarColumns {
  const n = c.ts.length;
  if (n <= maxPoints) return c;
  const out = allocColumns(maxPoints);
  for (let b = 0; b < maxPoints; b++) {
    const s = Math.floor((b * n) / maxPoints);
    const e = Math.floor(((b + 1) * n) / maxPoints);
    let h = -Infinity;
    let l = Infinity;
    let v = 0;
    for (let i = s; i < e; i++) {
      if (c.high[i]! > h) h = c.high[i]!;
      if (c.low[i]! < l) l = c.low[i]!;
      v += c.volume[i]!;
    }
    out.ts[b] = c.ts[s]!;
    out.open[b] = c.open[s]!;
    out.high[b] = h;
    out.low[b] = l;
    out.close[b] = c.close[e - 1]!;
    out.volume[b] = v;
  }
  return out;
}
