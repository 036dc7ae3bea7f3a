/**
 * The same SMA(10/30) crossover in grademark (npm; data-forge based), for bench/backtest's
 * comparison. grademark is NOT a dependency of Quantdesk: install it outside the repo with
 *   npm install --prefix /tmp/qd-bench-libs grademark@0.3.0 data-forge chai@4  (grademark requires chai at run time without declaring it)
 * (or point QD_BENCH_LIBS at another prefix). Without it the comparison reports why it is missing.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BarColumns } from '../src-main/backtest/engine/index.js';

interface GrademarkBar {
  time: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  fast: number;
  slow: number;
  prevFast: number;
  prevSlow: number;
}
interface RuleArgs {
  bar: GrademarkBar;
}
interface Grademark {
  backtest(strategy: unknown, series: unknown): { profit: number }[];
  analyze(capital: number, trades: unknown[]): { finalCapital: number; totalTrades: number };
}
interface DataForge {
  DataFrame: new (opts: { values: GrademarkBar[] }) => unknown;
}

export function grademarkAvailable(): { dir: string } | { missing: string } {
  const dir = process.env.QD_BENCH_LIBS ?? '/tmp/qd-bench-libs';
  return existsSync(path.join(dir, 'node_modules', 'grademark'))
    ? { dir }
    : {
        missing: `grademark not installed under ${dir} (npm install --prefix ${dir} grademark@0.3.0 data-forge chai@4)`,
      };
}

/** End to end: typed arrays → bar objects with the SMAs (a plain loop; grademark has none built in) → backtest → analyze. */
export function runGrademark(dir: string, c: BarColumns, fastN: number, slowN: number) {
  const req = createRequire(path.join(dir, 'package.json'));
  const gm = req('grademark') as Grademark;
  const df = req('data-forge') as DataForge;
  const t0 = performance.now();
  const n = c.close.length;
  const bars: GrademarkBar[] = new Array(n);
  let sf = 0;
  let ss = 0;
  let pf = NaN;
  let ps = NaN;
  for (let i = 0; i < n; i++) {
    const x = c.close[i]!;
    if (i >= fastN) sf -= c.close[i - fastN]!;
    sf += x;
    if (i >= slowN) ss -= c.close[i - slowN]!;
    ss += x;
    const f = i + 1 >= fastN ? sf / fastN : NaN;
    const s = i + 1 >= slowN ? ss / slowN : NaN;
    bars[i] = {
      time: new Date(c.ts[i]!),
      open: c.open[i]!,
      high: c.high[i]!,
      low: c.low[i]!,
      close: x,
      volume: c.volume[i]!,
      fast: f,
      slow: s,
      prevFast: pf,
      prevSlow: ps,
    };
    pf = f;
    ps = s;
  }
  const series = new df.DataFrame({ values: bars });
  const strategy = {
    entryRule: (enter: () => void, a: RuleArgs) => {
      if (a.bar.prevFast <= a.bar.prevSlow && a.bar.fast > a.bar.slow) enter();
    },
    exitRule: (exit: () => void, a: RuleArgs) => {
      if (a.bar.prevFast >= a.bar.prevSlow && a.bar.fast < a.bar.slow) exit();
    },
  };
  const trades = gm.backtest(strategy, series);
  const analysis = gm.analyze(100_000, trades);
  return { ms: performance.now() - t0, trades: analysis.totalTrades, finalCapital: analysis.finalCapital };
}
