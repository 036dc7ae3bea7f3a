import type { Handlers } from '../ipc/router.js';
import type { BacktestService } from './backtest-service.js';

type BacktestHandlers = Pick<
  Handlers,
  | 'backtests.run'
  | 'backtests.cancel'
  | 'backtests.get'
  | 'backtests.list'
  | 'backtests.delete'
  | 'backtests.equity'
  | 'backtests.trades'
  | 'backtests.bars'
  | 'backtests.datasets'
>;

export function backtestHandlers(service: BacktestService): BacktestHandlers {
  return {
    'backtests.run': (input, ctx) => service.start(ctx.userId, input, ctx.emit),
    'backtests.cancel': (input, ctx) => service.cancel(ctx.userId, input.id),
    'backtests.get': (input, ctx) => service.get(ctx.userId, input.id),
    'backtests.list': (input, ctx) => service.list(ctx.userId, input ?? { page: 1, pageSize: 25 }),
    'backtests.delete': (input, ctx) => service.delete(ctx.userId, input.id),
    'backtests.equity': (input, ctx) => service.equity(ctx.userId, input.id, input.maxPoints),
    'backtests.trades': (input, ctx) => service.trades(ctx.userId, input.id, input.offset, input.limit),
    'backtests.bars': (input, ctx) => service.chartBars(ctx.userId, input.id, input.maxPoints),
    'backtests.datasets': async () => ({ items: await service.datasets() }),
  };
}
