import { z } from 'zod';
import { channel } from './define.js';

/**
 * The secrets Quantdesk knows about. A fixed pattern rather than free text: the keychain holds
 * only what the app itself asked for, and a typo in a settings form cannot create a stray entry.
 * Broker ids are lowercase slugs so they are also safe as keychain account names everywhere.
 */
export const SECRET_NAME_PATTERN =
  /^(?:broker:[a-z0-9-]{1,40}:(?:apiKey|apiSecret)|sync:token|sync:key|redis:password)$/;

export const secretNameSchema = z.string().regex(SECRET_NAME_PATTERN, {
  message:
    'Use broker:<id>:apiKey, broker:<id>:apiSecret, sync:token, sync:key or redis:password (id: a-z, 0-9, -).',
});
export type SecretName = z.infer<typeof secretNameSchema>;

export const isSecretName = (s: string): s is SecretName => SECRET_NAME_PATTERN.test(s);

/**
 * 1024 UTF-16 units = 2048 bytes: Windows Credential Manager caps a credential blob at 2560 bytes
 * and keyring stores passwords there as UTF-16, so anything longer would fail on Windows only.
 * API keys, tokens and passwords are far shorter.
 */
export const SECRET_VALUE_MAX = 1024;

const nameOnly = z.strictObject({ name: secretNameSchema });

// Rate categories: set/delete are user actions from a settings form, so `default` (60/min);
// `api_key` (3/hour) is meant for remote key operations and would lock a user out of fixing a
// typo. has/list are what the Settings screen reads on every render: `interactive`.
export const secretsChannels = {
  'secrets.set': channel({
    input: z.strictObject({
      name: secretNameSchema,
      value: z.string().min(1, { message: 'A secret cannot be empty.' }).max(SECRET_VALUE_MAX),
    }),
    // Never the value: only whether an existing value was replaced (a rotation).
    output: z.object({ name: secretNameSchema, rotated: z.boolean() }),
    category: 'default',
    mutates: true,
    summary: 'Store a secret in the OS keychain, replacing (rotating) any previous value.',
  }),
  'secrets.has': channel({
    input: nameOnly,
    output: z.object({ name: secretNameSchema, set: z.boolean() }),
    category: 'interactive',
    mutates: false,
    summary: 'Whether a secret is stored in the OS keychain (never its value).',
  }),
  'secrets.list': channel({
    input: z.strictObject({}).optional(),
    output: z.object({ names: z.array(secretNameSchema) }),
    category: 'interactive',
    mutates: false,
    summary: 'Names of the secrets stored in the OS keychain, sorted (never their values).',
  }),
  'secrets.delete': channel({
    input: nameOnly,
    output: z.object({ name: secretNameSchema, deleted: z.boolean() }),
    category: 'default',
    mutates: true,
    summary: 'Remove a secret from the OS keychain; deleted is false when it was not set.',
  }),
};
