/**
 * Types shared by the engine files. The engine is self-contained: it is bundled into one script
 * and evaluated inside the sandbox isolate, so nothing here (or in any engine file) may import
 * from the host, from Node or from npm packages. Relative imports between engine files only.
 */

/** Bars as columns: one Float64Array per field, all the same length, `ts` ascending (ms epoch). */
export interface BarColumns {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export type PriceField = 'open' | 'high' | 'low' | 'close' | 'volume';

/** Trading costs, account and constraint settings. Every field has a default (see DEFAULT_COSTS). */
export interface Costs {
  initialCash: number;
  /** Flat fee per fill, in account currency. */
  commissionPerTrade: number;
  /** Commission as a percentage of the filled notional (0.1 = 0.1 %). */
  commissionPct: number;
  /** Adverse slippage on market and stop fills, percent of price. */
  slippagePct: number;
  /** Adverse slippage on market and stop fills, in ticks of `tickSize` (added to slippagePct). */
  slippageTicks: number;
  tickSize: number;
  allowShort: boolean;
  /** Whole units only unless true. */
  fractional: boolean;
  /** Gross position notional may not exceed equity × leverage after a fill. */
  leverage: number;
  /** Close any open position at the last bar's close so every trade is counted. */
  closeAtEnd: boolean;
  /** Annual risk-free rate for Sharpe/Sortino, as a fraction (0.02 = 2 %). */
  riskFreeRate: number;
  /** Bars per year for annualising; 0 = estimate from the timestamps. */
  periodsPerYear: number;
  /** Seed of ctx.random(). */
  seed: number;
}

export const DEFAULT_COSTS: Costs = {
  initialCash: 100_000,
  commissionPerTrade: 0,
  commissionPct: 0,
  slippagePct: 0,
  slippageTicks: 0,
  tickSize: 0.01,
  allowShort: true,
  fractional: false,
  leverage: 1,
  closeAtEnd: true,
  riskFreeRate: 0,
  periodsPerYear: 0,
  seed: 1,
};

export interface ParamSpec {
  default: number;
  min?: number;
  max?: number;
  step?: number;
  label?: string;
}
export type ParamSpecs = Record<string, ParamSpec>;
export type ParamValues = Record<string, number>;

export type Side = 1 | -1;
export const ORDER_TYPES = ['market', 'limit', 'stop'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** Why a fill or trade exit happened. Numeric codes are what the columnar results carry. */
export const FILL_REASONS = ['order', 'exit', 'stopLoss', 'takeProfit', 'trailingStop', 'end'] as const;
export type FillReason = (typeof FILL_REASONS)[number];

/** An order as the strategy placed it: type, size and attached exits. */
export interface OrderSpec {
  side: Side;
  type: OrderType;
  price: number | null;
  qty: number | null;
  percent: number | null;
  closePosition: boolean;
  stopLoss: number | null;
  stopLossPct: number | null;
  takeProfit: number | null;
  takeProfitPct: number | null;
  trailingStop: number | null;
  trailingStopPct: number | null;
  tag: string | null;
}

/** What a strategy decided, recorded at the bar it decided it. Used by the no-look-ahead tests. */
export interface OrderRecord extends OrderSpec {
  id: number;
  decidedAt: number;
  status: 'pending' | 'filled' | 'cancelled' | 'rejected';
  /** Bar index of the fill, cancel or rejection. */
  closedAt: number | null;
  note: string | null;
}

/** Round-trip trades as columns (one entry per closed lot). */
export interface TradeColumns {
  side: Float64Array;
  qty: Float64Array;
  entryIndex: Float64Array;
  entryTime: Float64Array;
  entryPrice: Float64Array;
  exitIndex: Float64Array;
  exitTime: Float64Array;
  exitPrice: Float64Array;
  /** Net of both commissions. */
  pnl: Float64Array;
  /** pnl / (entryPrice × qty). */
  returnPct: Float64Array;
  commission: Float64Array;
  /** Index into FILL_REASONS. */
  exitReason: Float64Array;
}
export const TRADE_FIELDS = [
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
] as const satisfies readonly (keyof TradeColumns)[];

/** Every fill as columns, for chart markers. */
export interface FillColumns {
  index: Float64Array;
  time: Float64Array;
  side: Float64Array;
  qty: Float64Array;
  price: Float64Array;
  commission: Float64Array;
  reason: Float64Array;
}
export const FILL_FIELDS = [
  'index',
  'time',
  'side',
  'qty',
  'price',
  'commission',
  'reason',
] as const satisfies readonly (keyof FillColumns)[];

export interface Metrics {
  initialEquity: number;
  finalEquity: number;
  totalReturn: number;
  cagr: number | null;
  annualVolatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdown: number;
  /** Longest stretch under a previous peak, in bars and in milliseconds. */
  maxDrawdownBars: number;
  maxDrawdownDurationMs: number;
  calmar: number | null;
  winRate: number | null;
  profitFactor: number | null;
  avgWin: number | null;
  avgLoss: number | null;
  exposure: number;
  trades: number;
  bars: number;
  periodsPerYear: number;
}
export const METRIC_KEYS = [
  'totalReturn',
  'cagr',
  'annualVolatility',
  'sharpe',
  'sortino',
  'maxDrawdown',
  'maxDrawdownBars',
  'calmar',
  'winRate',
  'profitFactor',
  'avgWin',
  'avgLoss',
  'exposure',
  'trades',
  'finalEquity',
] as const satisfies readonly (keyof Metrics)[];

export interface LogLine {
  index: number;
  time: number;
  message: string;
}

export interface BacktestResult {
  /** Index of the first bar of the run within the given columns, and the number of bars run. */
  startIndex: number;
  bars: number;
  params: ParamValues;
  /** Equity at each bar's close and its drawdown from the running peak (≤ 0 fractions). */
  ts: Float64Array;
  equity: Float64Array;
  drawdown: Float64Array;
  /** Signed position held at each bar's close. */
  position: Float64Array;
  trades: TradeColumns;
  fills: FillColumns;
  orders: OrderRecord[];
  logs: LogLine[];
  logsDropped: number;
  metrics: Metrics;
  cancelled: boolean;
}

/** Thrown for anything the strategy did wrong. `kind` survives the isolate boundary as data. */
export type StrategyErrorKind = 'syntax' | 'runtime' | 'invalid';
export class StrategyError extends Error {
  readonly kind: StrategyErrorKind;
  readonly barIndex: number | null;
  constructor(kind: StrategyErrorKind, message: string, barIndex: number | null = null) {
    super(message);
    this.name = 'StrategyError';
    this.kind = kind;
    this.barIndex = barIndex;
  }
}

export type TradeField = (typeof TRADE_FIELDS)[number];
export type FillField = (typeof FILL_FIELDS)[number];
