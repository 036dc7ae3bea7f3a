/**
 * Compact BLOB encodings of run results. Series are raw little-endian Float64Array bytes.
 * Column sets (trades, fills) are one Float64Array: [format version, field count, row count,
 * then each field's values in the listed order] — one BLOB per run instead of a row per trade,
 * so persisting 50,000 trades is a single memcpy-sized write.
 */
const FORMAT = 1;

export function f64ToBuffer(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Copies: SQLite BLOB buffers need not be 8-byte aligned. */
export function bufferToF64(b: Buffer | Uint8Array | null): Float64Array {
  if (!b || b.byteLength === 0) return new Float64Array(0);
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function encodeColumns<K extends string>(cols: Record<K, Float64Array>, fields: readonly K[]): Buffer {
  const n = fields.length > 0 ? (cols[fields[0] as K].length) : 0;
  const out = new Float64Array(3 + fields.length * n);
  out[0] = FORMAT;
  out[1] = fields.length;
  out[2] = n;
  fields.forEach((f, k) => out.set(cols[f], 3 + k * n));
  return f64ToBuffer(out);
}

/** Rows [offset, offset+limit) of each field, as fresh arrays. */
export function decodeColumns<K extends string>(
  blob: Buffer | Uint8Array | null,
  fields: readonly K[],
  offset = 0,
  limit = Infinity,
): { total: number; columns: Record<K, Float64Array> } {
  const all = bufferToF64(blob);
  const columns = {} as Record<K, Float64Array>;
  if (all.length < 3) {
    for (const f of fields) columns[f] = new Float64Array(0);
    return { total: 0, columns };
  }
  if (all[0] !== FORMAT || all[1] !== fields.length) throw new Error('Unknown result column format');
  const n = all[2] as number;
  const a = Math.min(n, offset);
  const b = Math.min(n, a + limit);
  fields.forEach((f, k) => {
    columns[f] = all.slice(3 + k * n + a, 3 + k * n + b);
  });
  return { total: n, columns };
}

/** Thins a curve to ≤ maxPoints buckets: last timestamp and value of each, worst drawdown of each. */
export function thinCurve(
  ts: Float64Array,
  equity: Float64Array,
  drawdown: Float64Array,
  maxPoints: number,
): { ts: Float64Array; equity: Float64Array; drawdown: Float64Array } {
  const n = ts.length;
  if (n <= maxPoints) return { ts, equity, drawdown };
  const size = Math.ceil(n / maxPoints);
  const m = Math.ceil(n / size);
  const t = new Float64Array(m);
  const e = new Float64Array(m);
  const d = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const a = k * size;
    const b = Math.min(n, a + size);
    let worst = 0;
    for (let i = a; i < b; i++) if ((drawdown[i] as number) < worst) worst = drawdown[i] as number;
    t[k] = ts[b - 1] as number;
    e[k] = equity[b - 1] as number;
    d[k] = worst;
  }
  return { ts: t, equity: e, drawdown: d };
}
