/**
 * The keychain runs on a worker thread. Measured here: constructing a keyring entry connects to
 * D-Bus synchronously, so against a bus that does not answer it froze the calling thread for
 * 25 s (libdbus's reply timeout) — on the main thread that is a frozen app. On a worker the
 * same stall only delays that worker, and the store times it out.
 *
 * The worker is an eval'd CommonJS script given the resolved path of @napi-rs/keyring: no
 * separate file for electron-vite/vitest to locate, bundle or transpile, and the native module is
 * still loaded from node_modules like any other dependency.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type KeychainOp =
  | { op: 'set'; name: string; value: string }
  | { op: 'get'; name: string }
  | { op: 'delete'; name: string }
  | { op: 'list' };

export type KeychainReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

// Sync keyring API on purpose: this thread may block; the main thread never does.
// `set` reads first so the store can report a rotation without a second round trip.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const keyring = require(workerData.modulePath);
const opts = { linux: { store: 'secret-service' } };
const entry = (name) => new keyring.Entry(workerData.service, name, opts);
function describe(err) {
  const msg = err instanceof Error ? err.message : String(err);
  const cause = err && err.cause instanceof Error ? err.cause.message : undefined;
  return cause !== undefined && !msg.includes(cause) ? msg + ': ' + cause : msg;
}
parentPort.on('message', (req) => {
  let reply;
  try {
    let result;
    if (req.op === 'set') {
      const e = entry(req.name);
      const rotated = e.getPassword() !== null;
      e.setPassword(req.value);
      result = { rotated };
    } else if (req.op === 'get') result = entry(req.name).getPassword();
    else if (req.op === 'delete') result = entry(req.name).deleteCredential();
    else if (req.op === 'list') result = keyring.findCredentials(workerData.service).map((c) => c.account);
    else throw new Error('unknown op ' + req.op);
    reply = { id: req.id, ok: true, result };
  } catch (err) {
    reply = { id: req.id, ok: false, message: describe(err) };
  }
  parentPort.postMessage(reply);
});
`;

export function resolveKeyringModule(): string {
  return createRequire(import.meta.url).resolve('@napi-rs/keyring');
}

export function startKeyringWorker(service: string, modulePath: string): Worker {
  return new Worker(SOURCE, { eval: true, workerData: { service, modulePath } });
}
