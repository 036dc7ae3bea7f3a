import { existsSync, readFileSync } from 'node:fs';
import type { BarColumns } from '../../src-main/backtest/engine/index.js';
import { parseBarsCsv } from '../../src-main/backtest/csv-bars.js';

const DAY = 86_400_000;

/** Bars from [open, high, low, close] rows, one day apart from 2020-01-01. */
export function barsFrom(rows: [number, number, number, number][]): BarColumns {
  const n = rows.length;
  const c: BarColumns = {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n).fill(1000),
  };
  rows.forEach(([o, h, l, cl], i) => {
    c.ts[i] = Date.UTC(2020, 0, 1) + i * DAY;
    c.open[i] = o;
    c.high[i] = h;
    c.low[i] = l;
    c.close[i] = cl;
  });
  return c;
}

export const REAL_DAILY_CSV = '/work/shared/data/ttrc-daily-1985-2006.csv';

/** The real daily series, or null with a printed reason (tests then skip). */
export function realDailyBars(): BarColumns | null {
  if (!existsSync(REAL_DAILY_CSV)) {
    console.warn(`Skipping real-data checks: ${REAL_DAILY_CSV} is not on this machine.`);
    return null;
  }
  return parseBarsCsv(readFileSync(REAL_DAILY_CSV, 'utf8'));
}

/** A strategy that places the given orders (JS object literals) at the given bar numbers. */
export function scripted(orders: Record<number, string>): string {
  const cases = Object.entries(orders)
    .map(([i, code]) => `    case ${i}: ${code}; break;`)
    .join('\n');
  return `function onBar(ctx) {\n  switch (ctx.i) {\n${cases}\n  }\n}`;
}

export const SMA_CROSS = `
const params = { fast: { default: 10, min: 1, max: 500 }, slow: { default: 30, min: 2, max: 1000 } };
let fast, slow;
function init(ctx) { fast = ctx.sma(ctx.params.fast); slow = ctx.sma(ctx.params.slow); }
function onBar(ctx) {
  if (ctx.crossover(fast, slow) && ctx.position <= 0) ctx.buy();
  else if (ctx.crossunder(fast, slow) && ctx.position > 0) ctx.exit();
}
`;
