/**
 * Strategies a new user can start from. Plain strategy scripts (docs/strategy-api.md); kept as
 * strings here so they ship inside the main bundle without a file lookup.
 */
export interface StrategyTemplate {
  id: string;
  name: string;
  description: string;
  source: string;
}

const smaCrossover = `// SMA crossover: long when the fast average crosses above the slow one, flat when it crosses back.
const params = {
  fast: { default: 10, min: 2, max: 200, step: 1, label: 'Fast SMA' },
  slow: { default: 30, min: 3, max: 500, step: 1, label: 'Slow SMA' },
};

let fast, slow;

function init(ctx) {
  fast = ctx.sma(ctx.params.fast);
  slow = ctx.sma(ctx.params.slow);
}

function onBar(ctx) {
  if (ctx.crossover(fast, slow) && ctx.position <= 0) {
    ctx.buy(); // all-in at the next open
  } else if (ctx.crossunder(fast, slow) && ctx.position > 0) {
    ctx.exit();
  }
}
`;

const rsiMeanReversion = `// RSI mean reversion: buy when RSI is oversold, sell when it recovers; a stop-loss caps each trade.
const params = {
  period: { default: 14, min: 2, max: 100, step: 1, label: 'RSI period' },
  oversold: { default: 30, min: 5, max: 50, step: 1 },
  overbought: { default: 70, min: 50, max: 95, step: 1 },
  stopPct: { default: 5, min: 0.5, max: 50, step: 0.5, label: 'Stop-loss %' },
};

let rsi;

function init(ctx) {
  rsi = ctx.rsi(ctx.params.period);
}

function onBar(ctx) {
  if (!rsi.ready) return;
  if (ctx.position === 0 && ctx.pendingOrders === 0 && rsi.value < ctx.params.oversold) {
    ctx.buy({ stopLossPct: ctx.params.stopPct });
  } else if (ctx.position > 0 && rsi.value > ctx.params.overbought) {
    ctx.exit();
  }
}
`;

const breakout = `// Breakout: buy a stop order just above the highest high of the last N bars, with a trailing stop.
const params = {
  lookback: { default: 20, min: 2, max: 250, step: 1, label: 'Lookback bars' },
  trailPct: { default: 8, min: 0.5, max: 50, step: 0.5, label: 'Trailing stop %' },
};

let hi;

function init(ctx) {
  hi = ctx.highest(ctx.params.lookback);
}

function onBar(ctx) {
  if (!hi.ready) return;
  ctx.cancelAll(); // re-place the entry at today's level each bar
  if (ctx.position === 0) {
    ctx.buy({ type: 'stop', price: hi.value + 0.01, trailingStopPct: ctx.params.trailPct });
  }
}
`;

const buyAndHold = `// Buy and hold: invest everything on the first bar and keep it.
function onBar(ctx) {
  if (ctx.i === 0) ctx.buy();
}
`;

export const STRATEGY_TEMPLATES: readonly StrategyTemplate[] = [
  {
    id: 'sma-crossover',
    name: 'SMA crossover',
    description: 'Long while a fast simple moving average is above a slow one.',
    source: smaCrossover,
  },
  {
    id: 'rsi-mean-reversion',
    name: 'RSI mean reversion',
    description: 'Buy oversold, sell overbought, with a stop-loss.',
    source: rsiMeanReversion,
  },
  {
    id: 'breakout',
    name: 'Breakout',
    description: 'Buy a break of the N-bar high with a trailing stop.',
    source: breakout,
  },
  {
    id: 'buy-and-hold',
    name: 'Buy and hold',
    description: 'Invest everything on the first bar and hold to the end.',
    source: buyAndHold,
  },
];
