import { z } from 'zod';
import { channel, RATE_CATEGORIES } from './define.js';
import { noInput } from './user.js';

export const rateCategorySchema = z.enum(RATE_CATEGORIES);

/**
 * One category's bucket: `limit` tokens refill per `periodMs`; the bucket holds `burst` tokens
 * (default: `limit`). Bounds keep the integer arithmetic of the bucket exact (see
 * docs/rate-limiting.md): capacity × period stays far below 2^53.
 */
export const rateLimitSchema = z.strictObject({
  limit: z.number().int().min(1).max(1_000_000),
  periodMs: z.number().int().min(1_000).max(86_400_000),
  burst: z.number().int().min(1).max(1_000_000).optional(),
});
export type RateLimitConfig = z.infer<typeof rateLimitSchema>;

export const RATE_BACKENDS = ['memory', 'redis', 'fallback'] as const;
export type RateBackend = (typeof RATE_BACKENDS)[number];

/** redis:// or rediss:// with a host; the password part is accepted here and never stored in SQLite. */
export const redisUrlSchema = z
  .string()
  .max(2_000)
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname.length > 0;
      } catch {
        return false;
      }
    },
    { message: 'Give a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379.' },
  );

const categoryStatusSchema = z.object({
  limit: z.number().int(),
  periodMs: z.number().int(),
  burst: z.number().int().nullable(),
  /** Tokens the bucket holds when full (burst, or limit when no burst is set). */
  capacity: z.number().int(),
  /** Whole tokens left for the current user right now. */
  remaining: z.number().int(),
});

export const rateLimitStatusSchema = z.object({
  backend: z.enum(RATE_BACKENDS),
  /** The configured Redis URL without its password, or null when buckets live in memory only. */
  redisUrl: z.string().nullable(),
  /** Whether a Redis password is in use (it is never sent back). */
  redisPasswordSet: z.boolean(),
  categories: z.record(rateCategorySchema, categoryStatusSchema),
});
export type RateLimitStatus = z.infer<typeof rateLimitStatusSchema>;

export const rateLimitChannels = {
  'ratelimit.status': channel({
    input: noInput,
    output: rateLimitStatusSchema,
    category: 'interactive',
    mutates: false,
    summary: 'Limits per category, tokens left for the current user and the backend in use.',
  }),
  'ratelimit.configure': channel({
    input: z
      .strictObject({
        /** A category set to null goes back to its default. */
        categories: z.partialRecord(rateCategorySchema, rateLimitSchema.nullable()).optional(),
        /** null stops using Redis; buckets then live in memory only. */
        redisUrl: redisUrlSchema.nullable().optional(),
      })
      .refine((i) => i.categories !== undefined || i.redisUrl !== undefined, {
        message: 'Give categories, a Redis URL, or both.',
      }),
    output: rateLimitStatusSchema.extend({
      /** False when a password was given but no secret store could keep it past this session. */
      passwordPersisted: z.boolean(),
    }),
    category: 'default',
    mutates: true,
    summary:
      'Change category limits and the Redis URL; saved across restarts (the password never in SQLite).',
  }),
};
