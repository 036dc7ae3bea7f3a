import type { BarColumns } from './engine/types.js';

/**
 * Deterministic random-walk bars for tests and benchmarks (a seeded LCG, so every run and every
 * machine sees the same series). One-minute spacing by default.
 */
export function syntheticBars(
  n: number,
  opts: { seed?: number; start?: number; stepMs?: number; vol?: number } = {},
): BarColumns {
  const ts = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let s = (opts.seed ?? 12345) >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const start = opts.start ?? Date.UTC(2020, 0, 1);
  const step = opts.stepMs ?? 60_000;
  const vol = opts.vol ?? 0.002;
  let p = 100;
  for (let i = 0; i < n; i++) {
    ts[i] = start + i * step;
    const o = p * (1 + (rnd() - 0.5) * vol * 0.2);
    const c = o * (1 + (rnd() - 0.5) * vol);
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) * (1 + rnd() * vol * 0.25);
    low[i] = Math.min(o, c) * (1 - rnd() * vol * 0.25);
    volume[i] = 1000 + Math.floor(rnd() * 1000);
    p = c;
  }
  return { ts, open, high, low, close, volume };
}
