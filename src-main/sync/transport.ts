/**
 * The client's view of a sync server: HTTP today (fetch, injectable for tests); the property test
 * plugs an in-memory one with the same interface. Failures become SyncHttpError with the status,
 * the server's code and sentence, and Retry-After in ms.
 */
import { z } from 'zod';
import type { KeyInfo } from './crypto.js';
import { isTrie, type MerkleTrie } from './merkle.js';
import {
  authResponseSchema,
  errorBodySchema,
  keyResponseSchema,
  syncResponseSchema,
  type SyncRequest,
  type SyncResponse,
} from './protocol.js';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export class SyncHttpError extends Error {
  constructor(
    /** 0 = no answer (network, timeout). */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown> = {},
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SyncHttpError';
  }
}

export interface SyncTransport {
  exchange(req: SyncRequest): Promise<SyncResponse>;
  merkle(): Promise<MerkleTrie>;
}

export class SyncHttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: FetchLike = fetch,
    private readonly timeoutMs = 30_000,
  ) {}

  private async call<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T | null,
    body?: unknown,
    token?: string,
  ): Promise<z.output<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await this.fetchImpl(new URL(path, this.baseUrl).toString(), {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new SyncHttpError(
        0,
        'NETWORK',
        `The sync server at ${this.baseUrl} cannot be reached (${(err as Error).message}).`,
      );
    }
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) {
      const parsed = errorBodySchema.safeParse(json);
      const retryHeader = res.headers.get('retry-after');
      const retryAfterMs =
        parsed.success && typeof parsed.data.retryAfterMs === 'number'
          ? parsed.data.retryAfterMs
          : retryHeader !== null && Number.isFinite(Number(retryHeader))
            ? Number(retryHeader) * 1000
            : null;
      throw new SyncHttpError(
        res.status,
        parsed.success ? parsed.data.error : `HTTP_${res.status}`,
        parsed.success ? parsed.data.message : `The sync server answered ${res.status}.`,
        parsed.success ? parsed.data : {},
        retryAfterMs,
      );
    }
    if (schema === null) return undefined as z.output<T>;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new SyncHttpError(
        res.status,
        'BAD_RESPONSE',
        'The sync server sent an answer this version of Quantdesk does not understand.',
      );
    }
    return parsed.data;
  }

  register(email: string, password: string) {
    return this.call('POST', '/v1/register', authResponseSchema, { email, password });
  }

  login(email: string, password: string) {
    return this.call('POST', '/v1/login', authResponseSchema, { email, password });
  }

  async logout(accountId: string, token: string): Promise<void> {
    await this.call('POST', `/v1/accounts/${accountId}/logout`, null, undefined, token);
  }

  async getKey(accountId: string, token: string): Promise<KeyInfo | null> {
    return (await this.call('GET', `/v1/accounts/${accountId}/key`, keyResponseSchema, undefined, token)).key;
  }

  async putKey(accountId: string, token: string, key: KeyInfo): Promise<KeyInfo | null> {
    return (await this.call('PUT', `/v1/accounts/${accountId}/key`, keyResponseSchema, key, token)).key;
  }

  transport(accountId: string, token: string): SyncTransport {
    return {
      exchange: (req) => this.call('POST', `/v1/accounts/${accountId}/sync`, syncResponseSchema, req, token),
      merkle: async () => {
        const body = await this.call(
          'GET',
          `/v1/accounts/${accountId}/merkle`,
          merkleBodySchema,
          undefined,
          token,
        );
        return fetchTrie(body);
      },
    };
  }
}

const merkleBodySchema = z.object({ merkle: z.unknown() });

function fetchTrie(body: unknown): MerkleTrie {
  const trie = (body as { merkle?: unknown } | null)?.merkle;
  if (!isTrie(trie))
    throw new SyncHttpError(200, 'BAD_RESPONSE', 'The sync server sent a malformed merkle trie.');
  return trie;
}
