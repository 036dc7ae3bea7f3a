/**
 * Compact BLOB encodings of run results. Series are raw little-endian Float64Array bytes.
 * Column sets (trades, fills) are one Float64Array: [format version, field count, row count,
 * then each field's values in the listed order] — one BLOB per run instead of a row per trade,
 * so persisting 50,000 trades is a single memcpy-sized write.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const FORMAT = 1;
const TS_DELTA = 1;
const TS_RAW = 2;

/**
 * Timestamps: when all are whole milliseconds (always, for bars), store [n, first, deltas…]
 * deflated — regular bars shrink 8 MB to tens of KB in a few ms, which keeps the run's one
 * write (and SQLite's WAL checkpoints) small. Integers below 2^53 make the running sum exact.
 */
export function encodeTimestamps(ts: Float64Array): Buffer {
  const n = ts.length;
  let whole = true;
  for (let i = 0; i < n && whole; i++) whole = Number.isInteger(ts[i]);
  const body = new Float64Array(n + 1);
  body[0] = n;
  if (whole) {
    let prev = 0;
    for (let i = 0; i < n; i++) {
      body[i + 1] = (ts[i] as number) - prev;
      prev = ts[i] as number;
    }
  } else {
    body.set(ts, 1);
  }
  const z = deflateRawSync(f64ToBuffer(body), { level: 1 });
  return Buffer.concat([Buffer.from([whole ? TS_DELTA : TS_RAW]), z]);
}

export function decodeTimestamps(b: Buffer | Uint8Array | null): Float64Array {
  if (!b || b.byteLength === 0) return new Float64Array(0);
  const body = bufferToF64(inflateRawSync(b.subarray(1)));
  const n = body[0] as number;
  const out = body.slice(1, n + 1);
  if (b[0] === TS_DELTA) for (let i = 1; i < n; i++) out[i] = (out[i] as number) + (out[i - 1] as number);
  return out;
}

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
  const n = fields.length > 0 ? cols[fields[0] as K].length : 0;
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
