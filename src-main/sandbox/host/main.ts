/**
 * Entry of a sandbox host process: a plain Node child (started with --no-node-snapshot, which
 * isolated-vm needs) that runs isolates for main and nothing else. Main talks to it over the IPC
 * channel (see ../protocol.ts), one job at a time. If anything here dies, V8 included, only this
 * process goes; main replaces it.
 */
import { createRequire } from 'node:module';
import type { HostStats, HostToMain, MainToHost, SandboxJob, SandboxOutcome } from '../protocol.js';
import { defaultIsolatePoolOptions, IsolatePool } from './isolate-pool.js';
import { rssBudgetBytes } from './memory-budget.js';
import { runScript } from './script-job.js';

const WATCHDOG_INTERVAL_MS = 20;
/** Main starts a cold host (no warm isolates) for the benchmark's cold figure and paranoid setups. */
const warm = process.env.QD_SANDBOX_WARM !== '0';
const DEFAULT_MEMORY_MB = 512;

const isolates = new IsolatePool({ ...defaultIsolatePoolOptions, warm });
const isolatedVmVersion = (createRequire(import.meta.url)('isolated-vm/package.json') as { version: string })
  .version;

const send = (msg: HostToMain, then?: () => void): void => {
  if (!process.send) return;
  process.send(msg, undefined, {}, () => then?.());
};
const stats = (): HostStats => ({ rssBytes: process.memoryUsage.rss(), isolatesAlive: isolates.alive });

async function runJob(job: SandboxJob): Promise<SandboxOutcome> {
  switch (job.kind) {
    case 'script':
      return runScript(job, isolates);
  }
}

/**
 * isolated-vm's memory limit does not count every allocation (huge strings, some external
 * buffers), so the host watches its own resident memory while a job runs. Over budget, the job
 * is reported as a memory error and the whole process exits: main starts a clean one.
 */
function watchMemory(id: number, memoryMb: number): () => void {
  const budget = rssBudgetBytes(process.memoryUsage.rss(), memoryMb);
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss <= budget) return;
    clearInterval(timer);
    send({ type: 'memory-exceeded', id, rssBytes: rss, budgetBytes: budget }, () => process.exit(70));
    // If the message cannot be flushed quickly, exit anyway: main treats the exit the same way.
    setTimeout(() => process.exit(70), 500).unref();
  }, WATCHDOG_INTERVAL_MS);
  return () => clearInterval(timer);
}

let chain: Promise<void> = Promise.resolve();

process.on('message', (raw: unknown) => {
  const msg = raw as MainToHost;
  if (msg.type === 'shutdown') {
    isolates.disposeAll();
    process.exit(0);
  }
  if (msg.type === 'stats') {
    send({ type: 'stats', id: msg.id, stats: stats() });
    return;
  }
  if (msg.type !== 'run') return;
  chain = chain.then(async () => {
    const stop = watchMemory(msg.id, msg.job.memoryMb);
    try {
      const outcome = await runJob(msg.job);
      stop();
      send({ type: 'done', id: msg.id, outcome, stats: stats() });
    } catch (err) {
      stop();
      send({
        type: 'fault',
        id: msg.id,
        message: err instanceof Error ? err.message : String(err),
        stats: stats(),
      });
    }
  });
});

// Main is gone: nothing left to serve.
process.on('disconnect', () => process.exit(0));

isolates.prewarm(DEFAULT_MEMORY_MB);
setImmediate(() => send({ type: 'ready', pid: process.pid, isolatedVmVersion, stats: stats() }));
