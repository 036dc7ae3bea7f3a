/**
 * The pool of sandbox host processes main owns. Jobs queue here and go to an idle host, one job
 * per host at a time (so a host's memory watchdog blames the right job). Hosts start on first
 * use, so a core that never runs code never spawns one; once in use, a dead or retired host is
 * replaced straight away so the next job finds a warm one. Nothing here blocks main's event loop:
 * every job is a message out and a message back.
 *
 * `run(job, hooks)` is the reusable entry point: the strategy console's channel uses it with a
 * `script` job, the backtest runner with `backtest` and `describe` jobs (plus progress and an
 * AbortSignal in `hooks`).
 */
import { createRequire } from 'node:module';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { defaultHostCommand, type HostCommand } from './host-command.js';
import { HostProcess, type HostState, type JobHooks } from './host-process.js';
import type { OutcomeOf, SandboxJob, SandboxOutcome } from './protocol.js';

export interface SandboxPoolOptions {
  /** How to start a host; default: this Node with the host entry next to this file. */
  host?: HostCommand | undefined;
  /** Host processes running at most (= jobs running at once). Default 2. */
  size?: number | undefined;
  /** Keep hosts and isolates warm between jobs. False: a new host and isolate for every job. */
  warm?: boolean | undefined;
  /** Retire a host after this many jobs. Default 1000. */
  hostMaxRuns?: number | undefined;
  /** Jobs waiting at most; beyond, `run` answers UNAVAILABLE. Default 64. */
  maxQueue?: number | undefined;
}

export interface SandboxHealth {
  state: 'ready' | 'starting' | 'degraded' | 'closed';
  isolatedVmVersion: string;
  hosts: {
    pid: number | null;
    state: HostState;
    runs: number;
    isolatesAlive: number;
    rssBytes: number | null;
  }[];
  isolatesAlive: number;
  queued: number;
  runsTotal: number;
  hostsReplaced: number;
}

interface Waiting {
  job: SandboxJob;
  hooks: JobHooks;
  /** Listener on hooks.signal while queued; removed when the job leaves the queue. */
  onAbort: (() => void) | null;
  resolve: (o: SandboxOutcome) => void;
  reject: (e: Error) => void;
}

const isolatedVmVersion = (): string => {
  try {
    // Only the package metadata: main never loads isolated-vm itself.
    return (createRequire(import.meta.url)('isolated-vm/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

export class SandboxPool {
  private readonly hosts = new Set<HostProcess>();
  private readonly queue: Waiting[] = [];
  private readonly command: HostCommand;
  private readonly size: number;
  private readonly warm: boolean;
  private readonly hostMaxRuns: number;
  private readonly maxQueue: number;
  private readonly version = isolatedVmVersion();
  private runsTotal = 0;
  private hostsReplaced = 0;
  private used = false;
  private closed = false;
  private lastStartError: string | null = null;

  constructor(
    opts: SandboxPoolOptions,
    private readonly logger: Logger,
  ) {
    this.command = opts.host ?? defaultHostCommand();
    this.size = Math.max(1, opts.size ?? 2);
    this.warm = opts.warm ?? true;
    this.hostMaxRuns = opts.hostMaxRuns ?? 1000;
    this.maxQueue = opts.maxQueue ?? 64;
  }

  /** Jobs that run at once (the number of hosts): callers that fan out (sweeps) feed this many. */
  get capacity(): number {
    return this.size;
  }

  run<J extends SandboxJob>(job: J, hooks: JobHooks = {}): Promise<OutcomeOf<J>> {
    if (this.closed) return Promise.reject(new AppError('UNAVAILABLE', 'The sandbox is shutting down.'));
    if (hooks.signal?.aborted) return Promise.reject(new AppError('CANCELLED', 'The run was cancelled.'));
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(
        new AppError('UNAVAILABLE', 'The sandbox is busy with other runs. Try again in a moment.'),
      );
    }
    this.used = true;
    return new Promise<SandboxOutcome>((resolve, reject) => {
      const waiting: Waiting = { job, hooks, resolve, reject, onAbort: null };
      // Cancelled while still queued: leave the queue. Once running, the host handles cancel.
      if (hooks.signal) {
        const signal = hooks.signal;
        waiting.onAbort = () => {
          const i = this.queue.indexOf(waiting);
          if (i < 0) return;
          this.queue.splice(i, 1);
          reject(new AppError('CANCELLED', 'The run was cancelled.'));
        };
        signal.addEventListener('abort', waiting.onAbort, { once: true });
      }
      this.queue.push(waiting);
      this.pump();
    }) as Promise<OutcomeOf<J>>;
  }

  health(): SandboxHealth {
    const hosts = [...this.hosts].map((h) => ({
      pid: h.pid,
      state: h.state,
      runs: h.runs,
      isolatesAlive: h.stats?.isolatesAlive ?? 0,
      rssBytes: h.stats?.rssBytes ?? null,
    }));
    const live = hosts.filter((h) => h.state === 'idle' || h.state === 'busy');
    const state = this.closed
      ? 'closed'
      : this.lastStartError !== null
        ? 'degraded'
        : live.length === 0 && hosts.length > 0
          ? 'starting'
          : 'ready';
    return {
      state,
      isolatedVmVersion: this.version,
      hosts,
      isolatesAlive: hosts.reduce((n, h) => n + h.isolatesAlive, 0),
      queued: this.queue.length,
      runsTotal: this.runsTotal,
      hostsReplaced: this.hostsReplaced,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.queue.splice(0))
      w.reject(new AppError('UNAVAILABLE', 'The sandbox is shutting down.'));
    await Promise.all([...this.hosts].map((h) => h.shutdown()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const host = [...this.hosts].find((h) => h.state === 'idle');
      if (!host) {
        const starting = [...this.hosts].some((h) => h.state === 'starting');
        if (!starting && this.hosts.size < this.size) this.spawn();
        return;
      }
      const w = this.queue.shift() as Waiting;
      if (w.onAbort) w.hooks.signal?.removeEventListener('abort', w.onAbort);
      host
        .run(w.job, w.hooks)
        .then(w.resolve, w.reject)
        .finally(() => this.afterJob(host));
    }
  }

  private afterJob(host: HostProcess): void {
    this.runsTotal++;
    if (host.state === 'idle' && (!this.warm || host.runs >= this.hostMaxRuns)) {
      // Retired: leave the set now so the next job does not pick it; its exit is expected.
      this.hosts.delete(host);
      void host.shutdown();
      if (this.warm) this.spawn();
    }
    this.pump();
  }

  private spawn(): void {
    if (this.closed) return;
    const host = new HostProcess(this.command, {
      warm: this.warm,
      logger: this.logger,
      onExit: (h) => {
        // Retired hosts left the set already; one that never started is handled by `ready`.
        if (!this.hosts.delete(h) || h.isolatedVmVersion === null) return;
        // A host that died (crash, kill, memory watchdog) is replaced while the pool is in use.
        this.hostsReplaced++;
        if (this.warm && this.used && !this.closed) this.spawn();
        this.pump();
      },
    });
    this.hosts.add(host);
    host.ready.then(
      () => {
        this.lastStartError = null;
        this.pump();
      },
      (err: Error) => {
        this.hosts.delete(host);
        this.lastStartError = err.message;
        this.logger.error({ err }, 'sandbox host failed to start');
        // Do not loop on a host that cannot start: fail what is waiting, with the reason.
        for (const w of this.queue.splice(0)) {
          w.reject(new AppError('UNAVAILABLE', 'The sandbox could not start. The log has the details.'));
        }
      },
    );
  }
}
