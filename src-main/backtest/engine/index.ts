/**
 * Entry of the self-contained backtest engine. Bundled into one script (engine-bundle.ts) for
 * the sandbox isolate and the sweep workers; imported directly by the in-process runner, tests,
 * the benchmark and the CLI. Nothing under engine/ imports from outside engine/.
 */
export { compileStrategy, resolveParams, type StrategyModule } from './compile-strategy.js';
export { computeMetrics, drawdownSeries } from './metrics.js';
export {
  prepareBacktest,
  resolveCosts,
  runBacktest,
  type BacktestInput,
  type BacktestStepper,
} from './run-backtest.js';
export type { OrderOptions, StrategyContext } from './strategy-context.js';
export * from './types.js';
