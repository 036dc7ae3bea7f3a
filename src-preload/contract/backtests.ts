import { z } from 'zod';
import { channel } from './define.js';

const id = z.string().uuid();
const num = z.number().finite();
// Typed as plain Float64Array (any backing buffer) so handlers can return views and decoded copies.
const f64 = z.custom<Float64Array>((v) => v instanceof Float64Array, { message: 'Expected a Float64Array' });

/** Trading costs and account settings of a run; anything left out takes the engine default. */
export const costsSchema = z.strictObject({
  initialCash: num.positive().max(1e12).optional(),
  commissionPerTrade: num.min(0).max(1e6).optional(),
  commissionPct: num.min(0).max(10).optional(),
  slippagePct: num.min(0).max(10).optional(),
  slippageTicks: num.min(0).max(1e6).optional(),
  tickSize: num.positive().max(1e6).optional(),
  allowShort: z.boolean().optional(),
  fractional: z.boolean().optional(),
  leverage: num.positive().max(100).optional(),
  closeAtEnd: z.boolean().optional(),
  riskFreeRate: num.min(-1).max(1).optional(),
  periodsPerYear: num.min(0).max(1e7).optional(),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
});
export type CostsInput = z.infer<typeof costsSchema>;

export const paramValuesSchema = z.record(z.string().min(1).max(100), num);

export const gridAxisSchema = z.union([
  z.array(num).min(1).max(10_000),
  z.strictObject({ from: num, to: num, step: num.positive() }),
]);

const nullableNum = z.number().nullable();
export const metricsSchema = z.object({
  initialEquity: z.number(),
  finalEquity: z.number(),
  totalReturn: z.number(),
  cagr: nullableNum,
  annualVolatility: nullableNum,
  sharpe: nullableNum,
  sortino: nullableNum,
  maxDrawdown: z.number(),
  maxDrawdownBars: z.number(),
  maxDrawdownDurationMs: z.number(),
  calmar: nullableNum,
  winRate: nullableNum,
  profitFactor: nullableNum,
  avgWin: nullableNum,
  avgLoss: nullableNum,
  exposure: z.number(),
  trades: z.number(),
  bars: z.number(),
  periodsPerYear: z.number(),
});
export type MetricsDto = z.infer<typeof metricsSchema>;

export const RUN_STATUSES = ['running', 'done', 'failed', 'cancelled'] as const;
export const RUN_KINDS = ['single', 'sweep'] as const;

export const sweepRowSchema = z.object({
  params: paramValuesSchema,
  metrics: metricsSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type SweepRowDto = z.infer<typeof sweepRowSchema>;

export const runSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(RUN_KINDS),
  status: z.enum(RUN_STATUSES),
  strategyId: z.string(),
  strategyName: z.string(),
  strategyVersionId: z.string(),
  strategyVersion: z.number().int(),
  datasetId: z.string(),
  from: z.number().nullable(),
  to: z.number().nullable(),
  params: z.record(z.string(), z.unknown()),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  metrics: metricsSchema.nullable(),
  bars: z.number().int().nullable(),
  tradeCount: z.number().int().nullable(),
  startedAt: z.number().int(),
  finishedAt: z.number().int().nullable(),
  createdAt: z.number().int(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runDetailSchema = runSummarySchema.extend({
  costs: z.record(z.string(), z.unknown()),
  logs: z.array(z.object({ index: z.number(), time: z.number(), message: z.string() })),
  sweep: z.array(sweepRowSchema).nullable(),
  /**
   * False for a run synced from another device: only its summary and metrics travel; the equity
   * curve, trades, logs and sweep rows stay on the device that ran it.
   */
  resultsHere: z.boolean(),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

export const TRADE_COLUMNS = [
  'side',
  'qty',
  'entryIndex',
  'entryTime',
  'entryPrice',
  'exitIndex',
  'exitTime',
  'exitPrice',
  'pnl',
  'returnPct',
  'commission',
  'exitReason',
] as const;
/** Index into this list is what `exitReason` / fill `reason` hold. */
export const FILL_REASON_NAMES = ['order', 'exit', 'stopLoss', 'takeProfit', 'trailingStop', 'end'] as const;

export const backtestChannels = {
  'backtests.run': channel({
    input: z
      .strictObject({
        strategyId: id.optional(),
        strategyVersionId: id.optional(),
        datasetId: z.string().min(1).max(200),
        from: z.number().int().nullable().optional(),
        to: z.number().int().nullable().optional(),
        params: paramValuesSchema.optional(),
        costs: costsSchema.optional(),
        /** A grid makes this a sweep: one job running every parameter set. */
        sweep: z.strictObject({ grid: z.record(z.string().min(1).max(100), gridAxisSchema) }).optional(),
      })
      .refine((v) => v.strategyId !== undefined || v.strategyVersionId !== undefined, {
        message: 'Give strategyId (latest version) or strategyVersionId.',
      }),
    output: z.object({ jobId: z.string(), runId: z.string() }),
    category: 'backtest',
    mutates: true,
    summary: 'Start a backtest (or a parameter sweep) as a job; progress arrives as job.progress events.',
  }),
  'backtests.cancel': channel({
    input: z.strictObject({ id }),
    output: z.object({ id: z.string(), status: z.enum(RUN_STATUSES) }),
    category: 'default',
    mutates: true,
    summary: 'Cancel a running backtest or sweep.',
  }),
  'backtests.get': channel({
    input: z.strictObject({ id }),
    output: runDetailSchema,
    category: 'interactive',
    mutates: false,
    summary: 'One run: status, metrics, logs, and for a sweep its results table.',
  }),
  'backtests.list': channel({
    input: z
      .strictObject({
        page: z.number().int().min(1).max(1_000_000).default(1),
        pageSize: z.number().int().min(1).max(200).default(25),
        strategyId: id.optional(),
        datasetId: z.string().min(1).max(200).optional(),
        status: z.enum(RUN_STATUSES).optional(),
        kind: z.enum(RUN_KINDS).optional(),
        createdFrom: z.number().int().optional(),
        createdTo: z.number().int().optional(),
      })
      .optional(),
    output: z.object({
      items: z.array(runSummarySchema),
      total: z.number().int(),
      page: z.number().int(),
      pageSize: z.number().int(),
    }),
    category: 'interactive',
    mutates: false,
    summary: 'Runs of the current user, newest first, a page at a time, filterable.',
  }),
  'backtests.delete': channel({
    input: z.strictObject({ id }),
    output: z.object({ id: z.string(), deletedAt: z.number().int() }),
    category: 'default',
    mutates: true,
    summary: 'Delete a finished run (a tombstone).',
  }),
  'backtests.equity': channel({
    input: z.strictObject({ id, maxPoints: z.number().int().min(10).max(2_000_000).default(5000) }),
    output: z.object({ ts: f64, equity: f64, drawdown: f64, total: z.number().int() }),
    category: 'interactive',
    mutates: false,
    summary: 'Equity and drawdown curves, thinned to at most maxPoints (drawdown keeps each bucket’s worst).',
  }),
  'backtests.trades': channel({
    input: z.strictObject({
      id,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1_000_000).default(100_000),
    }),
    output: z.object({
      total: z.number().int(),
      offset: z.number().int(),
      columns: z.record(z.enum(TRADE_COLUMNS), f64),
    }),
    category: 'interactive',
    mutates: false,
    summary: 'Closed trades as columns (typed arrays), a slice at a time.',
  }),
  'backtests.bars': channel({
    input: z.strictObject({ id, maxPoints: z.number().int().min(10).max(200_000).default(5000) }),
    output: z.object({
      ts: f64,
      open: f64,
      high: f64,
      low: f64,
      close: f64,
      total: z.number().int(),
      fills: z.object({ time: f64, side: f64, price: f64, qty: f64, reason: f64 }),
    }),
    category: 'interactive',
    mutates: false,
    summary: 'The run’s bars (aggregated to at most maxPoints candles) and its fills, for the chart.',
  }),
  'backtests.datasets': channel({
    input: z.strictObject({}).optional(),
    output: z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) }),
    category: 'interactive',
    mutates: false,
    summary: 'Datasets a backtest can run on (until the data-import store provides its own list).',
  }),
};
