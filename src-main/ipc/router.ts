import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type {
  ChannelName,
  ChannelOutput,
  ChannelParsedInput,
  Contract,
  EventName,
  EventPayload,
} from '../../src-preload/contract.js';
import type { RateCategory } from '../../src-preload/contract/define.js';
import type { ErrorPayload, Result } from '../../src-preload/errors.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { redactForAudit } from './redact.js';

/** Who is calling. Omitted fields mean an in-process, trusted caller (tests, CLI). */
export interface CallContext {
  /** URL of the frame that sent an IPC call; checked against the app's own origin. */
  frameUrl?: string;
  userId?: string;
  correlationId?: string;
}

export interface HandlerContext {
  userId: string;
  correlationId: string;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Facts the input does not show (e.g. `rotated`) for this call's audit record. Never secrets. */
  addAuditDetails(details: Record<string, unknown>): void;
}

export type Handler<C extends ChannelName> = (
  input: ChannelParsedInput<C>,
  ctx: HandlerContext,
) => Promise<ChannelOutput<C>> | ChannelOutput<C>;

export type Handlers = { [C in ChannelName]: Handler<C> };

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };
export interface RateLimiterPort {
  consume(key: { keyType: 'user' | 'anonymous'; id: string; category: RateCategory }): Promise<RateDecision>;
}

export interface AuditPort {
  record(entry: {
    userId: string;
    action: string;
    correlationId: string;
    outcome: 'ok' | 'error';
    details: Record<string, unknown>;
  }): void;
}

export interface RouterOptions {
  contract: Contract;
  handlers: Handlers;
  localUserId: string;
  isTrustedFrame: (url: string) => boolean;
  audit: AuditPort;
  logger: Logger;
  emit: HandlerContext['emit'];
  limiter?: RateLimiterPort | undefined;
  /** Validate handler outputs against the contract too (tests turn this on). */
  checkOutputs?: boolean | undefined;
}

export type Router = (channel: string, input: unknown, ctx?: CallContext) => Promise<Result<unknown>>;

const fail = (error: ErrorPayload, correlationId: string): Result<never> => ({
  ok: false,
  error: { ...error, correlationId },
});

export function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(input)', message: i.message }));
}

export function createRouter(opts: RouterOptions): Router {
  const { contract, handlers, logger } = opts;

  return async function invoke(channel, input, ctx = {}) {
    const correlationId = ctx.correlationId ?? randomUUID();
    if (!Object.hasOwn(contract, channel)) {
      return fail(
        { code: 'NOT_FOUND', message: `There is no channel called "${String(channel)}".` },
        correlationId,
      );
    }
    const name = channel as ChannelName;
    const def = contract[name];

    if (ctx.frameUrl !== undefined && !opts.isTrustedFrame(ctx.frameUrl)) {
      logger.warn(
        { channel: name, frameUrl: ctx.frameUrl, correlationId },
        'refused a call from a foreign frame',
      );
      return fail(
        { code: 'FORBIDDEN', message: 'This call did not come from Quantdesk itself.' },
        correlationId,
      );
    }

    const parsed = def.input.safeParse(input);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      return fail(
        {
          code: 'VALIDATION',
          message: `Invalid input for ${name}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          details: { issues },
        },
        correlationId,
      );
    }

    const userId = ctx.userId ?? opts.localUserId;
    if (opts.limiter) {
      const decision = await opts.limiter.consume({ keyType: 'user', id: userId, category: def.category });
      if (!decision.allowed) {
        const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        return fail(
          {
            code: 'RATE_LIMITED',
            message: `Too many requests of this kind. Try again in ${seconds} s.`,
            details: { retryAfterMs: decision.retryAfterMs, category: def.category },
          },
          correlationId,
        );
      }
    }

    const handler = handlers[name] as unknown as (i: unknown, c: HandlerContext) => unknown;
    const extraAudit: Record<string, unknown> = {};
    const addAuditDetails = (d: Record<string, unknown>): void => void Object.assign(extraAudit, d);
    let result: Result<unknown>;
    try {
      const data = await handler(parsed.data, { userId, correlationId, emit: opts.emit, addAuditDetails });
      if (opts.checkOutputs) def.output.parse(data);
      result = { ok: true, data, correlationId };
    } catch (err) {
      result = fail(toPayload(err, name, correlationId, logger), correlationId);
    }

    if (def.mutates) {
      try {
        opts.audit.record({
          userId,
          action: name,
          correlationId,
          outcome: result.ok ? 'ok' : 'error',
          details: result.ok
            ? { ...redactForAudit(parsed.data), ...extraAudit }
            : { input: redactForAudit(parsed.data), error: result.error.code, ...extraAudit },
        });
      } catch (err) {
        logger.error({ err, channel: name, correlationId }, 'could not write the audit record');
      }
    }
    return result;
  };
}

function toPayload(err: unknown, channel: string, correlationId: string, logger: Logger): ErrorPayload {
  if (err instanceof AppError) return err.toPayload();
  if (err instanceof z.ZodError) {
    const issues = zodIssues(err);
    return {
      code: 'VALIDATION',
      message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      details: { issues },
    };
  }
  // The stack goes to the log, never to the renderer.
  logger.error({ err, channel, correlationId }, 'handler failed');
  return {
    code: 'INTERNAL',
    message: `Something went wrong inside Quantdesk. The log has the details (reference ${correlationId}).`,
  };
}
