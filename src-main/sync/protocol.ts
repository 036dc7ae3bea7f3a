/**
 * Wire format of sync protocol v1 (docs/sync-protocol.md), shared by the client and the
 * reference server so both validate the same shapes. Everything here is JSON over HTTP.
 */
import { z } from 'zod';
import { DEVICE_ID_PATTERN, HLC_PATTERN } from './hlc.js';

export const PROTOCOL_VERSION = 1;
/** Messages per exchange, both directions. */
export const MAX_MESSAGES_PER_REQUEST = 1000;
/** One sealed cell, base64. 256 KiB covers a 50,000-character strategy with room to spare. */
export const MAX_MESSAGE_DATA_CHARS = 256 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const wireMessageSchema = z.strictObject({
  /** HLC timestamp; its last 16 hex digits are the originating device. The message identity. */
  ts: z.string().regex(HLC_PATTERN),
  /** Which key sealed `data`; null = not encrypted (base64 of the JSON cell). */
  keyId: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .nullable(),
  /** base64 of IV ‖ GCM tag ‖ ciphertext of the JSON cell `{ t, r, c, v }`. Opaque to the server. */
  data: z.string().min(1).max(MAX_MESSAGE_DATA_CHARS).regex(BASE64),
});
export type WireMessage = z.infer<typeof wireMessageSchema>;

/** Decimal server sequence number: "0" = from the beginning. */
export const cursorSchema = z.string().regex(/^(0|[1-9]\d{0,15})$/);

export const syncRequestSchema = z.strictObject({
  protocol: z.literal(PROTOCOL_VERSION),
  deviceId: z.string().regex(DEVICE_ID_PATTERN),
  since: cursorSchema,
  messages: z.array(wireMessageSchema).max(MAX_MESSAGES_PER_REQUEST),
  /** Also return this device's own messages (a repair after the device lost local data). */
  includeOwn: z.boolean().optional(),
});
export type SyncRequest = z.infer<typeof syncRequestSchema>;

export const quotaSchema = z.object({
  usedBytes: z.number().int().nonnegative(),
  limitBytes: z.number().int().nonnegative(),
  usedMessages: z.number().int().nonnegative(),
  limitMessages: z.number().int().nonnegative(),
});
export type Quota = z.infer<typeof quotaSchema>;

export const syncResponseSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  /** Messages stored after `since`, oldest first, minus those the requesting device wrote. */
  messages: z.array(wireMessageSchema),
  /** Pass as `since` next time. */
  cursor: cursorSchema,
  /** More messages wait after `cursor`: exchange again. */
  more: z.boolean(),
  /** Of the pushed messages: newly stored / already stored (a retry). */
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  /** Root hash of the account's merkle trie, to compare with the device's. */
  merkle: z.object({ hash: z.number().int().nonnegative() }),
  quota: quotaSchema,
  /** The server's clock (ms since epoch): lets the device report its own drift. */
  serverTime: z.number().int(),
});
export type SyncResponse = z.infer<typeof syncResponseSchema>;

export const credentialsSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(8).max(1024),
});

export const authResponseSchema = z.object({ accountId: z.uuid(), token: z.string().min(20) });

export const keyInfoSchema = z.strictObject({
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  salt: z.string().min(16).max(64).regex(BASE64),
  kdf: z.strictObject({
    N: z
      .number()
      .int()
      .min(2 ** 10)
      .max(2 ** 20),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
  }),
  check: z.string().min(1).max(1024).regex(BASE64),
});

export const keyResponseSchema = z.object({ key: keyInfoSchema.nullable() });

/** Error bodies: `{ error: CODE, message, ...figures }`. */
export const errorBodySchema = z.object({ error: z.string(), message: z.string() }).catchall(z.unknown());
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The cell a message carries, before sealing. */
export const cellSchema = z.strictObject({
  t: z.string().min(1).max(64),
  r: z.string().min(1).max(128),
  c: z.string().min(1).max(64),
  v: z.json(),
});
export type Cell = z.infer<typeof cellSchema>;
