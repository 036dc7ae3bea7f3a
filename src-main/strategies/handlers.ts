import type { Handlers } from '../ipc/router.js';
import type { BacktestRunner } from '../backtest/runner.js';
import type { StrategyService } from './strategy-service.js';
import { STRATEGY_TEMPLATES } from './templates.js';

type StrategyHandlers = Pick<
  Handlers,
  | 'strategies.list'
  | 'strategies.get'
  | 'strategies.create'
  | 'strategies.update'
  | 'strategies.delete'
  | 'strategies.templates'
  | 'strategies.inspect'
>;

export function strategyHandlers(service: StrategyService, runner: BacktestRunner): StrategyHandlers {
  return {
    'strategies.list': (input, ctx) => ({ items: service.list(ctx.userId, input?.search) }),
    'strategies.get': (input, ctx) => service.get(ctx.userId, input.id, input.versionId),
    'strategies.create': (input, ctx) => service.create(ctx.userId, input),
    'strategies.update': (input, ctx) => service.update(ctx.userId, input),
    'strategies.delete': (input, ctx) => service.delete(ctx.userId, input.id),
    'strategies.templates': () => ({ items: STRATEGY_TEMPLATES.map((t) => ({ ...t })) }),
    // Evaluates user code, so it goes through the runner (the sandbox once wired).
    'strategies.inspect': (input) => runner.describe(input.source),
  };
}
