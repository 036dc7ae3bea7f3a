/**
 * Entry of a sandbox host process: a plain Node child (started with --no-node-snapshot, which
 * isolated-vm needs) that runs isolates for main and nothing else. Main talks to it over the IPC
 * channel (see ../protocol.ts), one job at a time. If anything here dies, V8 included, only this
 * process goes; main replaces it.
 */
import { createRequire } from 'node:module';
import type { HostStats, HostToMain, MainToHost, SandboxJob, SandboxOutcome } from '../protocol.js';
import { runEngineJob, type JobControl } from './engine-job.js';
import { HostCache } from './host-cache.js';
import { defaultIsolatePoolOptions, IsolatePool } from './isolate-pool.js';
import { rssBudgetBytes } from './memory-budget.js';
import { runScript } from './script-job.js';

const WATCHDOG_INTERVAL_MS = 20;
/** Main starts a cold host (no warm isolates) for the benchmark's cold figure and paranoid setups. */
const warm = process.env.QD_SANDBOX_WARM !== '0';
const DEFAULT_MEMORY_MB = 512;

const isolates = new IsolatePool({ ...defaultIsolatePoolOptions, warm });
const cache = new HostCache();
/** The job being run (one at a time) and its cancel flag. */
let current: { id: number; control: JobControl } | null = null;
/** Jobs received but not started yet, and which of them were cancelled before they started. */
const waiting = new Set<number>();
const cancelled = new Set<number>();
const isolatedVmVersion = (createRequire(import.meta.url)('isolated-vm/package.json') as { version: string })
  .version;

const send = (msg: HostToMain, then?: () => void): void => {
  if (!process.send) return;
  process.send(msg, undefined, {}, () => then?.());
};
const stats = (): HostStats => ({ rssBytes: process.memoryUsage.rss(), isolatesAlive: isolates.alive });

async function runJob(id: number, job: SandboxJob): Promise<SandboxOutcome> {
  switch (job.kind) {
    case 'script':
      return runScript(job, isolates);
    case 'backtest':
    case 'describe': {
      const control: JobControl = {
        cancelled: cancelled.delete(id),
        onCancel: null,
        progress: (done, total) => send({ type: 'progress', id, done, total }),
      };
      current = { id, control };
      try {
        return await runEngineJob(job, isolates, cache, control);
      } finally {
        current = null;
      }
    }
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
    cache.clear();
    process.exit(0);
  }
  if (msg.type === 'stats') {
    send({ type: 'stats', id: msg.id, stats: stats() });
    return;
  }
  if (msg.type === 'cancel') {
    if (current?.id === msg.id) {
      current.control.cancelled = true;
      current.control.onCancel?.();
    } else if (waiting.has(msg.id)) {
      cancelled.add(msg.id);
    }
    return;
  }
  if (msg.type !== 'run') return;
  // Store what the job carries (bars, engine) now, so the memory watchdog's baseline includes it.
  try {
    cache.accept(msg.job);
  } catch (err) {
    send({
      type: 'fault',
      id: msg.id,
      message: `could not store the job's data: ${String(err)}`,
      stats: stats(),
    });
    return;
  }
  waiting.add(msg.id);
  chain = chain.then(async () => {
    waiting.delete(msg.id);
    const stop = watchMemory(msg.id, msg.job.memoryMb);
    try {
      const outcome = await runJob(msg.id, msg.job);
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
