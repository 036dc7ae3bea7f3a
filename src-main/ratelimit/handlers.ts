import type { Handlers } from '../ipc/router.js';
import type { RateLimitService } from './service.js';

export function rateLimitHandlers(
  service: RateLimitService,
): Pick<Handlers, 'ratelimit.status' | 'ratelimit.configure'> {
  return {
    'ratelimit.status': (_input, ctx) => service.status(ctx.userId),
    'ratelimit.configure': (input, ctx) => service.configure(input, ctx.userId),
  };
}
