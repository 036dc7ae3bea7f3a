/**
 * JSON with typed arrays: the browser harness carries IPC over a WebSocket, where Electron would
 * use structured clone. Typed arrays and Uint8Array payloads travel as base64 tagged objects so
 * both transports hand the renderer the same values.
 */
const TYPED = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedName = keyof typeof TYPED;
const TAG = '$qdTyped';

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const name = v.constructor.name as TypedName;
      if (name in TYPED) {
        return { [TAG]: name, b64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
      }
    }
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && TAG in v) {
      const { [TAG]: name, b64 } = v as { [TAG]: TypedName; b64: string };
      const Ctor = TYPED[name];
      if (!Ctor) return v;
      const bytes = fromBase64(b64);
      return new Ctor(bytes.buffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
    }
    return v;
  });
}

/** Messages of the harness socket. */
export type WireRequest = { id: number; channel: string; input: unknown };
export type WireMessage = { id: number; result: unknown } | { event: string; payload: unknown };
