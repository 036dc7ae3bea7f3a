import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { channel } from './define.js';

export const SYNC_STATES = ['off', 'idle', 'syncing', 'error', 'stopped'] as const;

export const syncStatusSchema = z.object({
  /** Signed in to a server (token present). */
  configured: z.boolean(),
  serverUrl: z.string().nullable(),
  email: z.string().nullable(),
  /** End-to-end encryption on (the default). */
  encrypted: z.boolean(),
  /** off = not set up; stopped = waits for the user (quota full, signed out, clock, passphrase). */
  state: z.enum(SYNC_STATES),
  lastSyncAt: z.number().int().nullable(),
  /** Local changes not yet on the server. */
  pending: z.number().int().nonnegative(),
  error: z
    .object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      reason: z.string().nullable(),
      at: z.number().int(),
      retryAt: z.number().nullable(),
    })
    .nullable(),
  quota: z
    .object({
      usedBytes: z.number().int(),
      limitBytes: z.number().int(),
      usedMessages: z.number().int(),
      limitMessages: z.number().int(),
    })
    .nullable(),
  deviceId: z.string(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const syncConfigureSchema = z
  .strictObject({
    serverUrl: z.url({ protocol: /^https?$/ }).max(2000),
    email: z.email().max(254),
    password: z.string().min(8).max(1024),
    /** register = create the account on that server first. */
    action: z.enum(['signIn', 'register']).default('signIn'),
    /** Off only on explicit request: the server operator can then read everything synced. */
    encrypt: z.boolean().default(true),
    passphrase: z.string().min(8).max(1024).optional(),
  })
  .refine((c) => !c.encrypt || c.passphrase !== undefined, {
    message: 'Enter a sync passphrase (at least 8 characters), or turn encryption off.',
    path: ['passphrase'],
  });

export const syncChannels = {
  'sync.configure': channel({
    input: syncConfigureSchema,
    output: syncStatusSchema,
    category: 'default',
    mutates: true,
    summary: 'Sign in to (or register on) a sync server, set the encryption passphrase, and sync once.',
  }),
  'sync.status': channel({
    input: z.strictObject({}).optional(),
    output: syncStatusSchema,
    category: 'interactive',
    mutates: false,
    summary: 'Sync state: last sync, pending changes, the last error and the server quota.',
  }),
  'sync.now': channel({
    input: z.strictObject({}).optional(),
    output: syncStatusSchema,
    category: 'default',
    mutates: true,
    summary: 'Sync now: push pending changes and pull the others.',
  }),
  'sync.signOut': channel({
    input: z.strictObject({}).optional(),
    output: syncStatusSchema,
    category: 'default',
    mutates: true,
    summary: 'Sign out of the sync server: revoke the token and forget the key on this device; data stays.',
  }),
};
