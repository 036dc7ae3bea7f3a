/**
 * End-to-end encryption of sync messages. The key comes from the sync passphrase through scrypt
 * with a per-account random salt the server keeps (so every device derives the same key); the
 * server also keeps a "check" ciphertext so a device can tell a wrong passphrase at sign-in
 * instead of later failing to decrypt. The key itself never leaves the device's SecretStore.
 * Each message is sealed with AES-256-GCM, a random 96-bit IV and its timestamp as associated
 * data, so the server can neither read a message nor move it to another timestamp undetected.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scrypt } from 'node:crypto';

export interface KdfParams {
  N: number;
  r: number;
  p: number;
}

/** ~100–300 ms and 128 MiB on a desktop: slow enough to make guessing the passphrase costly. */
export const DEFAULT_KDF: KdfParams = { N: 2 ** 17, r: 8, p: 1 };

export interface KeyInfo {
  keyId: string;
  salt: string;
  kdf: KdfParams;
  /** base64 of seal(key, CHECK_PLAINTEXT) with `keyId` as associated data. */
  check: string;
}

const CHECK_PLAINTEXT = 'quantdesk-sync-key-check-v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptError extends Error {
  constructor() {
    super(
      'A synced change could not be decrypted: it was encrypted with another passphrase, or it was altered on the way.',
    );
    this.name = 'DecryptError';
  }
}

export function deriveKey(passphrase: string, saltB64: string, kdf: KdfParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFKC'),
      Buffer.from(saltB64, 'base64'),
      32,
      { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** A short public id of a key: lets devices notice the account moved to another passphrase. */
export const keyIdOf = (key: Buffer): string =>
  createHash('sha256').update('qd-key-id').update(key).digest('hex').slice(0, 16);

export function seal(
  key: Buffer,
  plaintext: string,
  aad: string,
  iv: Buffer = randomBytes(IV_BYTES),
): string {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/**
 * The IV of a sync message, derived from its timestamp. A timestamp names exactly one immutable
 * cell, so a key never meets the same IV with two plaintexts; and a retry after a lost response
 * produces byte-identical ciphertext, which the server recognises as the same message.
 */
export const messageIv = (key: Buffer, ts: string): Buffer =>
  createHmac('sha256', key).update('qd-sync-iv:').update(ts).digest().subarray(0, IV_BYTES);

export function open(key: Buffer, sealedB64: string, aad: string): string {
  const buf = Buffer.from(sealedB64, 'base64');
  if (buf.length < IV_BYTES + TAG_BYTES) throw new DecryptError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new DecryptError();
  }
}

/** First device on an account: a new salt, the key, and the check value to publish. */
export async function createKey(
  passphrase: string,
  kdf: KdfParams = DEFAULT_KDF,
): Promise<{ key: Buffer; info: KeyInfo }> {
  const salt = randomBytes(16).toString('base64');
  const key = await deriveKey(passphrase, salt, kdf);
  const keyId = keyIdOf(key);
  return { key, info: { keyId, salt, kdf, check: seal(key, CHECK_PLAINTEXT, keyId) } };
}

/** Another device: derive with the published salt; null when the passphrase is not the one. */
export async function unlockKey(passphrase: string, info: KeyInfo): Promise<Buffer | null> {
  const key = await deriveKey(passphrase, info.salt, info.kdf);
  try {
    return open(key, info.check, info.keyId) === CHECK_PLAINTEXT && keyIdOf(key) === info.keyId ? key : null;
  } catch {
    return null;
  }
}
