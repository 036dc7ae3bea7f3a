/**
 * Without a Secret Service every secrets call fails with UNAVAILABLE and an actionable message,
 * nothing is written anywhere else, and the core keeps answering. Each case runs the core in a
 * child process because libdbus fixes the bus address at the first keyring call per process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src-preload/errors.js';
import { filesContaining } from '../helpers/scan-bytes.js';
import { startBareBus } from '../helpers/secret-service.js';
import { tempDir } from '../helpers/temp-core.js';

const root = path.resolve(import.meta.dirname, '../..');
const child = path.join(root, 'tests/helpers/secrets-unavailable-child.ts');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface ChildOut {
  set: Result<unknown>;
  has: Result<unknown>;
  list: Result<unknown>;
  del: Result<unknown>;
  get: { threw: boolean; code?: string };
  elapsedMs: number;
  mode: Result<unknown>;
  audit: Result<{ items: { outcome: string; details: Record<string, unknown> }[] }>;
}

function runChild(
  env: Record<string, string | undefined>,
  timeoutMs?: number,
): Promise<{ out: ChildOut; dataDir: string; secret: string }> {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const secret = `QD-SECRET-${randomUUID()}`;
  const runtime = path.join(dataDir, '..', `qd-runtime-${randomUUID()}`);
  mkdirSync(runtime, { mode: 0o700 });
  dirs.push(runtime);
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        child,
        dataDir,
        `quantdesk-test-${randomUUID()}`,
        ...(timeoutMs ? [String(timeoutMs)] : []),
      ],
      {
        cwd: root,
        // An empty XDG_RUNTIME_DIR so nothing finds a real user bus at $XDG_RUNTIME_DIR/bus.
        env: { ...process.env, XDG_RUNTIME_DIR: runtime, QD_TEST_SECRET: secret, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.once('error', reject);
    p.once('exit', (code, signal) => {
      // The timeout case kills itself (see the child) rather than wait for the blocked thread.
      const clean = code === 0 || (timeoutMs !== undefined && signal === 'SIGKILL');
      if (!clean) return reject(new Error(`child exited ${code ?? signal}: ${stderr}`));
      resolve({ out: JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ChildOut, dataDir, secret });
    });
  });
}

function expectUnavailable({ out, dataDir, secret }: Awaited<ReturnType<typeof runChild>>): void {
  for (const r of [out.set, out.has, out.list, out.del]) {
    expect(r.ok).toBe(false);
    if (r.ok) continue;
    expect(r.error.code).toBe('UNAVAILABLE');
    expect(r.error.message).toMatch(/gnome-keyring/);
    expect(r.error.message).toMatch(/KeePassXC/);
    expect(r.error.message).toMatch(/never keeps them in plain text/);
    expect(typeof r.error.details?.cause).toBe('string');
  }
  expect(out.get).toEqual({ threw: true, code: 'UNAVAILABLE' });
  expect(out.elapsedMs).toBeLessThan(10_000); // fails fast, no hang
  expect(out.mode).toMatchObject({ ok: true, data: { mode: 'expert' } });
  // The failed set is audited as a failure, without the value.
  expect(out.audit.ok).toBe(true);
  if (out.audit.ok) {
    expect(out.audit.data.items).toHaveLength(1);
    expect(out.audit.data.items[0]).toMatchObject({
      outcome: 'error',
      details: { input: { name: 'sync:token', value: '[redacted]' }, error: 'UNAVAILABLE' },
    });
  }
  expect(JSON.stringify(out)).not.toContain(secret);
  // No plain-text fallback: the value is nowhere under the data dir.
  expect(filesContaining(dataDir, secret)).toEqual([]);
}

const dbusInstalled = spawnSync('dbus-daemon', ['--version'], { stdio: 'ignore' }).error === undefined;
if (process.platform !== 'linux')
  console.warn(
    `[skipped] keychain-unavailable cases simulate a missing Secret Service (Linux only), not ${process.platform}`,
  );
else if (!dbusInstalled)
  console.warn('[skipped] no-Secret-Service-on-a-bus case: dbus-daemon is not installed');

describe.skipIf(process.platform !== 'linux')('secrets without a keychain', () => {
  it('D-Bus session address points at no socket: UNAVAILABLE, core keeps answering', async () => {
    const gone = path.join(tempDir(), 'no-such-bus');
    dirs.push(path.dirname(gone));
    expectUnavailable(await runChild({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${gone}` }));
  });

  it('no D-Bus session at all: UNAVAILABLE', async () => {
    expectUnavailable(await runChild({ DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined }));
  });

  it.skipIf(!dbusInstalled)('a session bus with no Secret Service on it: UNAVAILABLE', async () => {
    const busDir = tempDir('qd-bus-');
    dirs.push(busDir);
    const bus = await startBareBus(busDir);
    try {
      expectUnavailable(await runChild({ DBUS_SESSION_BUS_ADDRESS: bus.address }));
    } finally {
      await bus.stop();
    }
  });

  it.skipIf(!dbusInstalled)(
    'a keychain that never answers: UNAVAILABLE after the timeout, later calls fail fast',
    async () => {
      const busDir = tempDir('qd-bus-');
      dirs.push(busDir);
      const bus = await startBareBus(busDir, true);
      try {
        const run = await runChild({ DBUS_SESSION_BUS_ADDRESS: bus.address }, 1500);
        expectUnavailable(run);
        const { out } = run;
        expect(!out.set.ok && out.set.error.details?.cause).toMatch(/did not answer within 1.5 s \(set\)/);
        for (const r of [out.has, out.list, out.del]) {
          expect(!r.ok && r.error.details?.cause).toMatch(/has not answered an earlier request yet/);
        }
        // One timeout, not four — and the main thread was never blocked (a blocked event loop
        // would have delayed the timeout itself to libdbus's 25 s).
        expect(out.elapsedMs).toBeLessThan(5000);
      } finally {
        await bus.stop();
      }
    },
  );
});
