/** All tables, one file per domain. drizzle-kit reads this folder to generate migrations. */
export * from './core.js';
export * from './data.js';
export * from './ratelimit.js';
export * from './sync.js';
export * from './strategies.js';
export * from './backtests.js';
