/**
 * The reference sync server's HTTP surface (docs/server.md). Fastify parses JSON and caps bodies;
 * every body is then validated with the protocol's zod schemas. Refusals are JSON
 * `{ error, message, ...figures }` with a 4xx status; the server keeps running whatever it gets.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { KeyInfo } from '../src-main/sync/crypto.js';
import {
  authResponseSchema,
  credentialsSchema,
  keyInfoSchema,
  PROTOCOL_VERSION,
  syncRequestSchema,
} from '../src-main/sync/protocol.js';
import { dummyHash, hashPassword, hashToken, newToken, verifyPassword } from './auth.js';
import type { ServerConfig } from './config.js';
import { HttpError } from './http-error.js';
import type { RateLimiter, RateRule } from './limiter/types.js';
import type { ServerStore } from './store/types.js';
import { SyncService } from './sync-service.js';

export interface ServerDeps {
  config: ServerConfig;
  store: ServerStore;
  limiter: RateLimiter;
  now?: () => number;
  logger?: boolean | { level: string };
}

interface AuthedParams {
  accountId: string;
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const issues = r.error.issues
      .slice(0, 10)
      .map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    throw new HttpError(
      400,
      'INVALID_REQUEST',
      `The request does not match the protocol: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return r.data;
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, store, limiter } = deps;
  const now = deps.now ?? Date.now;
  const sync = new SyncService(
    store,
    {
      maxBytes: config.quota.maxBytes,
      maxMessages: config.quota.maxMessages,
      maxClockDriftMs: config.maxClockDriftMs,
      pageSize: config.pageSize,
    },
    now,
  );
  const app = Fastify({
    bodyLimit: config.bodyLimitBytes,
    // Fastify's request log holds method, URL and address, never headers: tokens stay out.
    logger: deps.logger ?? { level: config.logLevel },
  });
  const syncRule: RateRule = { capacity: config.rate.syncCapacity, periodMs: config.rate.syncPeriodMs };
  const authRule: RateRule = { capacity: config.rate.authCapacity, periodMs: config.rate.authPeriodMs };

  const limit = async (key: string, rule: RateRule): Promise<void> => {
    const d = await limiter.consume(key, rule);
    if (!d.allowed) {
      const seconds = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
      throw new HttpError(
        429,
        'RATE_LIMITED',
        `Too many requests. Try again in ${seconds} s.`,
        { retryAfterMs: d.retryAfterMs },
        { 'retry-after': String(seconds) },
      );
    }
  };

  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof HttpError) {
      void reply.status(err.status).headers(err.headers).send(err.body());
      return;
    }
    const e = err as { code?: string; statusCode?: number; message?: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      void reply.status(400).send({
        error: 'BODY_TOO_LARGE',
        message: `The request body is larger than the server accepts (${config.bodyLimitBytes} bytes). Send fewer changes per request.`,
        limitBytes: config.bodyLimitBytes,
      });
      return;
    }
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      void reply.status(e.statusCode === 413 ? 400 : e.statusCode).send({
        error: e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'MALFORMED_JSON' : 'BAD_REQUEST',
        message: e.message ?? 'Bad request.',
      });
      return;
    }
    req.log.error({ err }, 'request failed');
    void reply.status(500).send({ error: 'INTERNAL', message: 'The server failed to handle this request.' });
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.status(404).send({ error: 'NOT_FOUND', message: 'No such endpoint.' });
  });

  /** Bearer token → account; 401 without a live token, 403 for another account's path. */
  const authenticate = async (req: FastifyRequest<{ Params: AuthedParams }>): Promise<string> => {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) throw new HttpError(401, 'UNAUTHORIZED', 'Sign in first: this request has no token.');
    const accountId = await store.tokenAccount(hashToken(token));
    if (!accountId)
      throw new HttpError(
        401,
        'UNAUTHORIZED',
        'This token is not valid (signed out or revoked). Sign in again.',
      );
    if (accountId !== req.params.accountId) {
      throw new HttpError(403, 'FORBIDDEN', "This token does not give access to that account's data.");
    }
    await limit(`sync:${accountId}`, syncRule);
    return accountId;
  };

  app.get('/health', async () => ({
    ok: true,
    protocol: PROTOCOL_VERSION,
    storage: store.kind,
    rateLimits: limiter.kind,
    time: now(),
  }));

  app.post('/v1/register', async (req, reply) => {
    await limit(`auth:${req.ip}`, authRule);
    const { email, password } = parse(credentialsSchema, req.body);
    const id = randomUUID();
    const created = await store.createAccount(
      { id, email: email.toLowerCase(), passwordHash: await hashPassword(password) },
      now(),
    );
    if (!created)
      throw new HttpError(409, 'EMAIL_TAKEN', 'An account with this email already exists. Sign in instead.');
    const token = newToken();
    await store.addToken(hashToken(token), id, now());
    return reply.status(201).send(authResponseSchema.parse({ accountId: id, token }));
  });

  app.post('/v1/login', async (req) => {
    await limit(`auth:${req.ip}`, authRule);
    const { email, password } = parse(credentialsSchema, req.body);
    const account = await store.accountByEmail(email.toLowerCase());
    const ok = await verifyPassword(password, account?.passwordHash ?? (await dummyHash()));
    if (!account || !ok) throw new HttpError(401, 'UNAUTHORIZED', 'Wrong email or password.');
    const token = newToken();
    await store.addToken(hashToken(token), account.id, now());
    return { accountId: account.id, token };
  });

  app.post<{ Params: AuthedParams }>('/v1/accounts/:accountId/logout', async (req, reply) => {
    await authenticate(req);
    await store.revokeToken(hashToken(req.headers.authorization!.slice(7).trim()), now());
    return reply.status(204).send();
  });

  app.get<{ Params: AuthedParams }>('/v1/accounts/:accountId/key', async (req) => {
    const accountId = await authenticate(req);
    return { key: await store.getKey(accountId) };
  });

  app.put<{ Params: AuthedParams }>('/v1/accounts/:accountId/key', async (req) => {
    const accountId = await authenticate(req);
    const key: KeyInfo = parse(keyInfoSchema, req.body);
    const stored = await store.setKeyIfAbsent(accountId, key);
    if (stored.keyId !== key.keyId) {
      throw new HttpError(
        409,
        'KEY_EXISTS',
        'This account already has an encryption key from another passphrase.',
        {
          keyId: stored.keyId,
        },
      );
    }
    return { key: stored };
  });

  app.post<{ Params: AuthedParams }>('/v1/accounts/:accountId/sync', async (req) => {
    const accountId = await authenticate(req);
    return sync.exchange(accountId, parse(syncRequestSchema, req.body));
  });

  app.get<{ Params: AuthedParams }>('/v1/accounts/:accountId/merkle', async (req) => {
    const accountId = await authenticate(req);
    return { merkle: await store.merkle(accountId) };
  });

  return app;
}
