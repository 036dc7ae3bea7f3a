/** Bars as columns: one Float64Array per field, ts in epoch milliseconds. */
export type F64 = Float64Array<ArrayBuffer>;

export interface BarColumns {
  ts: F64;
  open: F64;
  high: F64;
  low: F64;
  close: F64;
  volume: F64;
}

export const COLUMN_NAMES = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
export type ColumnName = (typeof COLUMN_NAMES)[number];

export function allocColumns(n: number): BarColumns {
  return {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}

/** Like allocColumns but without zero-filling, for arrays that are overwritten in full at once. */
export function allocColumnsUnfilled(n: number): BarColumns {
  const f = (): F64 => new Float64Array(Buffer.allocUnsafeSlow(n * 8).buffer as ArrayBuffer, 0, n);
  return { ts: f(), open: f(), high: f(), low: f(), close: f(), volume: f() };
}

export function sliceColumns(c: BarColumns, start: number, end: number): BarColumns {
  return {
    ts: c.ts.subarray(start, end),
    open: c.open.subarray(start, end),
    high: c.high.subarray(start, end),
    low: c.low.subarray(start, end),
    close: c.close.subarray(start, end),
    volume: c.volume.subarray(start, end),
  };
}

/** Appends rows into doubling typed arrays, so a million bars never become a million objects. */
export class ColumnBuilder {
  private cap: number;
  private cols: BarColumns;
  length = 0;

  constructor(initial = 65_536) {
    this.cap = initial;
    this.cols = allocColumns(initial);
  }

  push(ts: number, o: number, h: number, l: number, c: number, v: number): void {
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    this.cols.ts[i] = ts;
    this.cols.open[i] = o;
    this.cols.high[i] = h;
    this.cols.low[i] = l;
    this.cols.close[i] = c;
    this.cols.volume[i] = v;
  }

  build(): BarColumns {
    return sliceColumns(this.cols, 0, this.length);
  }

  private grow(): void {
    this.cap *= 2;
    const next = allocColumns(this.cap);
    for (const k of COLUMN_NAMES) next[k].set(this.cols[k]);
    this.cols = next;
  }
}

export interface Normalised {
  bars: BarColumns;
  wasUnsorted: boolean;
  duplicates: number;
  /** Timestamps that occurred more than once (first few). */
  duplicateSamples: number[];
}

/**
 * Sorts by time (stable: equal timestamps keep file order) and keeps the last row of each
 * duplicated timestamp, counting the ones dropped.
 */
export function sortAndDedupe(input: BarColumns, maxSamples = 10): Normalised {
  const n = input.ts.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (input.ts[i]! < input.ts[i - 1]!) {
      sorted = false;
      break;
    }
  }
  let src = input;
  if (!sorted) {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const ts = input.ts;
    order.sort((a, b) => ts[a]! - ts[b]! || a - b);
    src = allocColumns(n);
    for (const k of COLUMN_NAMES) {
      const from = input[k];
      const to = src[k];
      for (let i = 0; i < n; i++) to[i] = from[order[i]!]!;
    }
  }
  let duplicates = 0;
  const duplicateSamples: number[] = [];
  let w = 0;
  for (let r = 0; r < n; r++) {
    if (w > 0 && src.ts[w - 1] === src.ts[r]) {
      duplicates++;
      if (duplicateSamples.length < maxSamples && duplicateSamples.at(-1) !== src.ts[r])
        duplicateSamples.push(src.ts[r]!);
      w--; // overwrite: the later row wins
    }
    if (w !== r) for (const k of COLUMN_NAMES) src[k][w] = src[k][r]!;
    w++;
  }
  return { bars: sliceColumns(src, 0, w), wasUnsorted: !sorted, duplicates, duplicateSamples };
}

/**
 * Merges two sorted, duplicate-free column sets; on equal timestamps `b` (the newer import) wins.
 */
export function mergeSorted(a: BarColumns, b: BarColumns): BarColumns {
  const na = a.ts.length;
  const nb = b.ts.length;
  const out = allocColumns(na + nb);
  let i = 0;
  let j = 0;
  let w = 0;
  const take = (src: BarColumns, k: number): void => {
    out.ts[w] = src.ts[k]!;
    out.open[w] = src.open[k]!;
    out.high[w] = src.high[k]!;
    out.low[w] = src.low[k]!;
    out.close[w] = src.close[k]!;
    out.volume[w] = src.volume[k]!;
    w++;
  };
  while (i < na && j < nb) {
    const ta = a.ts[i]!;
    const tb = b.ts[j]!;
    if (ta < tb) take(a, i++);
    else if (tb < ta) take(b, j++);
    else {
      take(b, j++);
      i++;
    }
  }
  while (i < na) take(a, i++);
  while (j < nb) take(b, j++);
  return sliceColumns(out, 0, w);
}
