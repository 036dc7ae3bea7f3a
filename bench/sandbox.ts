/**
 * Sandbox latency: a tiny script through `core.invoke('sandbox.execute')`, warm (pooled host and
 * isolate, fresh context) and cold (a new host process and a new isolate for every run), plus
 * Node's `vm.runInNewContext` on the same script as a reference. Prints JSON.
 *
 *   node --import tsx bench/sandbox.ts [runs]
 *
 * The host is bundled with esbuild first, as the packaged app runs it (plain JS, no tsx), so the
 * cold figure measures process start-up rather than TypeScript compilation.
 */
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import vm from 'node:vm';
import { createCore, type Core } from '../src-main/core.js';
import { silentLogger } from '../src-main/logger.js';
import { HOST_NODE_FLAGS } from '../src-main/sandbox/host-command.js';
import { SandboxPool } from '../src-main/sandbox/sandbox-pool.js';

const runs = Math.max(200, Number(process.argv[2] ?? 300));
const SCRIPT = 'let s = 0; for (let i = 0; i < 100; i++) s += i; s';
const root = path.resolve(import.meta.dirname, '..');

function stats(samples: number[]): { p50Ms: number; p99Ms: number; meanMs: number; runs: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    p50Ms: r(at(0.5)),
    p99Ms: r(at(0.99)),
    meanMs: r(s.reduce((a, b) => a + b, 0) / s.length),
    runs: s.length,
  };
}

async function timeInvoke(core: Core, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await core.invoke('sandbox.execute', { code: SCRIPT, timeoutMs: 5_000, memoryMb: 64 });
    samples.push(performance.now() - t);
    if (!r.ok || !(r.data as { success: boolean }).success)
      throw new Error(`run failed: ${JSON.stringify(r)}`);
  }
  return samples;
}

async function main(): Promise<void> {
  // node_modules/.cache so the bundle resolves isolated-vm from the project's node_modules.
  const outDir = path.join(root, 'node_modules', '.cache', 'qd-bench');
  mkdirSync(outDir, { recursive: true });
  const hostFile = path.join(outDir, 'sandbox-host.mjs');
  await build({
    entryPoints: [path.join(root, 'src-main/sandbox/host/main.ts')],
    outfile: hostFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    external: ['isolated-vm'],
    logLevel: 'silent',
  });
  const host = { execPath: process.execPath, args: [...HOST_NODE_FLAGS, hostFile] };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'qd-bench-sandbox-'));

  try {
    // The bench calls far faster than a person would; the `default` category (60/min) would refuse it.
    const rateLimits = { default: { limit: 1_000_000, periodMs: 1_000 } };
    const warmCore = await createCore({
      dataDir: path.join(dataDir, 'warm'),
      sandbox: { host, size: 1 },
      rateLimits,
    });
    await timeInvoke(warmCore, 30); // start the host, warm up JIT and the isolate pool
    const warm = await timeInvoke(warmCore, runs);
    await warmCore.close();

    const coldCore = await createCore({
      dataDir: path.join(dataDir, 'cold'),
      sandbox: { host, size: 1, warm: false },
      rateLimits,
    });
    await timeInvoke(coldCore, 5);
    const cold = await timeInvoke(coldCore, runs);
    await coldCore.close();

    // The same warm path without the router and the audit row: what the host round trip costs.
    const pool = new SandboxPool({ host, size: 1 }, silentLogger());
    const job = {
      kind: 'script' as const,
      code: SCRIPT,
      timeoutMs: 5_000,
      memoryMb: 64,
      globalsJson: null,
      captureLocals: false,
    };
    const direct: number[] = [];
    for (let i = 0; i < runs + 30; i++) {
      const t = performance.now();
      await pool.run(job);
      if (i >= 30) direct.push(performance.now() - t);
    }
    await pool.close();

    const vmSamples: number[] = [];
    for (let i = 0; i < runs + 30; i++) {
      const t = performance.now();
      vm.runInNewContext(SCRIPT, {}, { timeout: 5_000 });
      if (i >= 30) vmSamples.push(performance.now() - t);
    }

    const w = stats(warm);
    const c = stats(cold);
    const v = stats(vmSamples);
    const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
    console.log(
      JSON.stringify(
        {
          bench: 'sandbox',
          script: SCRIPT,
          node: process.version,
          cpus: os.cpus().length,
          warm: w,
          cold: c,
          warmPoolRunWithoutRouter: stats(direct),
          vmRunInNewContext: v,
          ratio: {
            warmP50OverVm: ratio(w.p50Ms, v.p50Ms),
            coldP50OverVm: ratio(c.p50Ms, v.p50Ms),
            coldP50OverWarm: ratio(c.p50Ms, w.p50Ms),
          },
          note: 'warm/cold go through core.invoke (validation, router, audit row in SQLite, IPC to the host and back); vm.runInNewContext is in-process with no isolation from the host.',
        },
        null,
        2,
      ),
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
