/**
 * The reference sync server in this process (real Fastify on a loopback port, real storage), or
 * as a child process (`server/main.ts`) for tests that kill it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../server/app.js';
import { configFromEnv, type ServerConfig } from '../../server/config.js';
import { createLimiter, createStore } from '../../server/create.js';
import type { RateLimiter } from '../../server/limiter/types.js';
import type { ServerStore } from '../../server/store/types.js';
import { freePort } from './free-port.js';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  store: ServerStore;
  limiter: RateLimiter;
  config: ServerConfig;
  close(): Promise<void>;
}

export type ConfigPatch = Partial<Omit<ServerConfig, 'quota' | 'rate'>> & {
  quota?: Partial<ServerConfig['quota']>;
  rate?: Partial<ServerConfig['rate']>;
};

export function testConfig(patch: ConfigPatch = {}): ServerConfig {
  const base = configFromEnv({});
  return {
    ...base,
    ...patch,
    logLevel: 'silent',
    quota: { ...base.quota, ...patch.quota },
    // Generous by default so only the tests about limits meet them.
    rate: { ...base.rate, syncCapacity: 100_000, authCapacity: 10_000, ...patch.rate },
  };
}

export async function startSyncServer(
  patch: (ConfigPatch & { sqliteFile: string }) | (ConfigPatch & { databaseUrl: string }),
): Promise<TestServer> {
  const config = testConfig(patch);
  const store = await createStore(config);
  const limiter = createLimiter(config, () => undefined);
  const app = await buildServer({ config, store, limiter, logger: false });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    app,
    store,
    limiter,
    config,
    async close() {
      await app.close();
      await limiter.close();
      await store.close();
    },
  };
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** stdout + stderr so far, for failure messages. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `node --import tsx server/main.ts` with the given environment; resolves once it listens. */
export async function spawnSyncServer(env: Record<string, string>, port?: number): Promise<ServerProcess> {
  const p = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(p), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const onData = (): void => {
      if (out.includes('LISTENING ')) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`sync server exited (${code}) before listening:\n${out}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${p}`,
    port: p,
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
