/**
 * Turns cells into wire messages and back. With a key (the default) the whole cell, table, row
 * and column included, is sealed: the server sees a timestamp and ciphertext, nothing else.
 */
import { DecryptError, messageIv, open, seal } from './crypto.js';
import { cellSchema, type Cell, type WireMessage } from './protocol.js';

export interface Codec {
  readonly keyId: string | null;
  encode(ts: string, cell: Cell): WireMessage;
  decode(m: WireMessage): Cell;
}

export class KeyMismatchError extends Error {
  constructor() {
    super(
      'Changes on the server were encrypted with another passphrase than the one set on this device. ' +
        'Sign out and sign in again with the passphrase your other devices use.',
    );
    this.name = 'KeyMismatchError';
  }
}

export function createCodec(key: Buffer | null, keyId: string | null): Codec {
  return {
    keyId,
    encode(ts, cell) {
      const json = JSON.stringify(cell);
      return key && keyId
        ? { ts, keyId, data: seal(key, json, ts, messageIv(key, ts)) }
        : { ts, keyId: null, data: Buffer.from(json, 'utf8').toString('base64') };
    },
    decode(m) {
      let json: string;
      if (m.keyId === null) {
        // An encrypted account never accepts plaintext: the server could inject it.
        if (key) throw new DecryptError();
        json = Buffer.from(m.data, 'base64').toString('utf8');
      } else {
        if (!key || m.keyId !== keyId) throw new KeyMismatchError();
        json = open(key, m.data, m.ts);
      }
      const parsed = cellSchema.safeParse(JSON.parse(json));
      if (!parsed.success) throw new DecryptError();
      return parsed.data;
    },
  };
}
