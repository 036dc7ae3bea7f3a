/**
 * The IPC contract: every channel declared once with its input and output schema, its
 * rate-limit category and whether it mutates. Main validates with it, the preload exposes it,
 * the renderer takes its types from it. Adding a channel = one entry here + one handler.
 */
import type { z } from 'zod';
import { auditChannels } from './contract/audit.js';
import { dataChannels } from './contract/data.js';
import type { ChannelDef } from './contract/define.js';
import { eventSchemas } from './contract/events.js';
import { rateLimitChannels } from './contract/ratelimit.js';
import { secretsChannels } from './contract/secrets.js';
import { sandboxChannels } from './contract/sandbox.js';
import { syncChannels } from './contract/sync.js';
import { backtestChannels } from './contract/backtests.js';
import { strategyChannels } from './contract/strategies.js';
import { userChannels } from './contract/user.js';
import type { Result } from './errors.js';

export const contract = {
  ...userChannels,
  ...auditChannels,
  ...secretsChannels,
  ...dataChannels,
  ...rateLimitChannels,
  ...sandboxChannels,
  ...syncChannels,
  ...strategyChannels,
  ...backtestChannels,
} satisfies Record<string, ChannelDef>;

export { eventSchemas };

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
export type ChannelParsedInput<C extends ChannelName> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;

export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.output<(typeof eventSchemas)[E]>;

export const channelNames = Object.keys(contract) as ChannelName[];

type DomainOf<C> = C extends `${infer D}.${string}` ? D : never;
type Domain = DomainOf<ChannelName>;

/** `window.api` as the renderer sees it: `api.user.setMode({ mode })` → `Result<{ mode }>`. */
export type Api = {
  [D in Domain]: {
    [C in ChannelName as C extends `${D}.${infer A}` ? A : never]: undefined extends ChannelInput<C>
      ? (input?: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>
      : (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>;
  };
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
