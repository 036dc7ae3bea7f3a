/**
 * Main's handle on one sandbox host child process: start it, send it one job at a time, and
 * make sure every job ends, whatever the host does. A host that exits mid-job, overruns the
 * job's deadline (main's own wall-clock guard, a backstop behind the host's) or reports its
 * memory over budget is killed; its job ends with a classified error and the pool replaces it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { SandboxError } from '../../src-preload/contract/sandbox.js';
import type { Logger } from '../logger.js';
import type { HostCommand } from './host-command.js';
import { memoryError, runtimeError, timeoutError } from './host/classify.js';
import { HostCacheMirror } from './host-cache-mirror.js';
import { removeBarsFile, writeBarsFile } from './bars-file.js';
import {
  emptyScriptOutcome,
  type HostStats,
  type HostToMain,
  type MainToHost,
  type SandboxJob,
  type SandboxOutcome,
} from './protocol.js';

export type HostState = 'starting' | 'idle' | 'busy' | 'dead';

/** Main waits this long past a job's deadline for the host's own guard before killing the host. */
const MAIN_GUARD_GRACE_MS = 2_000;
const START_TIMEOUT_MS = 20_000;
const STDERR_TAIL_CHARS = 4_000;
/** What V8 prints when an isolate's heap is exhausted beyond what isolated-vm could stop (e.g. a huge Map). */
const V8_OOM = /out of memory|heap limit|allocation failed|is_heap_oom|CALL_AND_RETRY_LAST|Last few GCs/i;

/** What a caller can attach to a job: progress from the host, and cancel. */
export interface JobHooks {
  signal?: AbortSignal | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

interface Pending {
  id: number;
  job: SandboxJob;
  hooks: JobHooks;
  onAbort: (() => void) | null;
  started: number;
  resolve: (o: SandboxOutcome) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  /** The bars file this job was sent (bars-file.ts): removed when the job settles. */
  barsFile?: string;
}

export class HostProcess {
  state: HostState = 'starting';
  runs = 0;
  stats: HostStats | null = null;
  isolatedVmVersion: string | null = null;
  readonly ready: Promise<void>;
  private readonly child: ChildProcess;
  private pending: Pending | null = null;
  private nextId = 1;
  private stderrTail = '';
  private readonly exited: Promise<void>;
  /** What this host keeps between engine jobs (bars, engine), as main decided it. */
  private readonly cache = new HostCacheMirror();

  constructor(
    command: HostCommand,
    opts: { warm: boolean; logger: Logger; onExit: (host: HostProcess) => void },
  ) {
    this.child = spawn(command.execPath, command.args, {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, ...command.env, QD_SANDBOX_WARM: opts.warm ? '1' : '0' },
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });

    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error('the sandbox host did not start in time'));
        this.kill();
      }, START_TIMEOUT_MS);
      this.child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      this.child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(
            `the sandbox host exited during start-up (${signal ?? `code ${code}`}): ${this.stderrTail.slice(-500)}`,
          ),
        );
      });
      this.child.on('message', (raw: unknown) => {
        const msg = raw as HostToMain;
        if (msg.type === 'ready') {
          clearTimeout(timer);
          this.isolatedVmVersion = msg.isolatedVmVersion;
          this.stats = msg.stats;
          if (this.state === 'starting') this.state = 'idle';
          resolve();
          return;
        }
        this.onMessage(msg);
      });
    });
    // Start-up failures are reported through `ready`; keep them from surfacing as unhandled.
    this.ready.catch(() => undefined);

    // 'close', not 'exit': by then stderr is drained, and V8's dying words decide the class.
    this.exited = new Promise<void>((resolve) => {
      this.child.once('close', (code, signal) => {
        this.state = 'dead';
        if (this.pending) {
          const crashed = V8_OOM.test(this.stderrTail);
          const why = signal ? `signal ${signal}` : `exit code ${code}`;
          this.settle(
            crashed
              ? memoryError(this.pending.job.memoryMb, 'the sandbox process ran out of memory')
              : runtimeError(
                  'Error',
                  `The sandbox process stopped unexpectedly (${why}) while running this code; it has been replaced.`,
                  '',
                ),
          );
        }
        opts.logger.info({ pid: this.child.pid, code, signal }, 'sandbox host exited');
        opts.onExit(this);
        resolve();
      });
    });
  }

  get pid(): number | null {
    return this.child.pid ?? null;
  }

  run(job: SandboxJob, hooks: JobHooks = {}): Promise<SandboxOutcome> {
    if (this.state !== 'idle') return Promise.reject(new Error(`sandbox host is ${this.state}`));
    this.state = 'busy';
    const id = this.nextId++;
    return new Promise<SandboxOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The host's own guard should have answered by now: it is stuck. Kill it.
        this.state = 'dead';
        this.settle(timeoutError(job.timeoutMs));
        this.kill();
      }, job.timeoutMs + MAIN_GUARD_GRACE_MS);
      // Cancel reaches the host as a message; the job ends by itself (with `cancelled`) at its
      // next progress call, or the host disposes its isolate after a short grace.
      const onAbort = hooks.signal ? (): void => this.send({ type: 'cancel', id }) : null;
      this.pending = { id, job, hooks, onAbort, started: performance.now(), resolve, reject, timer };
      let wire = this.cache.prepare(job);
      if (wire.kind === 'backtest' && wire.columns.payload !== null) {
        // Bars by file when it can be written (bars-file.ts), by the channel otherwise.
        const file = writeBarsFile(wire.columns.payload);
        if (file !== null) {
          wire = { ...wire, columns: { key: wire.columns.key, payload: null, file } };
          this.pending.barsFile = file;
        }
      }
      this.send({ type: 'run', id, job: wire });
      if (onAbort && hooks.signal) {
        if (hooks.signal.aborted) onAbort();
        else hooks.signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** Ask the host to leave; kill it if it has not after a second. */
  async shutdown(): Promise<void> {
    if (this.state === 'dead') return this.exited;
    this.send({ type: 'shutdown' });
    const timer = setTimeout(() => this.kill(), 1_000);
    await this.exited;
    clearTimeout(timer);
  }

  private send(msg: MainToHost): void {
    if (!this.child.connected) return;
    this.child.send(msg, (err) => {
      if (err && this.pending) this.settle(runtimeError('Error', 'Could not reach the sandbox process.', ''));
    });
  }

  private onMessage(msg: HostToMain): void {
    if (msg.type === 'ready' || !this.pending || msg.id !== this.pending.id) {
      if (msg.type === 'stats') this.stats = msg.stats;
      return;
    }
    if (msg.type === 'progress') {
      this.pending.hooks.onProgress?.(msg.done, msg.total);
      return;
    }
    if (msg.type === 'done') {
      this.stats = msg.stats;
      this.finish((p) => p.resolve(msg.outcome));
    } else if (msg.type === 'fault') {
      this.stats = msg.stats;
      // After a fault in an engine job the host's cache may not match main's record of it:
      // replace the host rather than send it jobs that refer to bars it may not have.
      const replace = this.pending.job.kind !== 'script';
      if (replace) this.state = 'dead';
      this.finish((p) => p.reject(new Error(`sandbox host fault: ${msg.message}`)));
      if (replace) this.kill();
    } else if (msg.type === 'memory-exceeded') {
      const mb = (n: number): number => Math.round(n / 1024 / 1024);
      this.state = 'dead';
      this.settle(
        memoryError(
          this.pending.job.memoryMb,
          `the sandbox process reached ${mb(msg.rssBytes)} MB resident, over its budget of ${mb(msg.budgetBytes)} MB`,
        ),
      );
      this.kill();
    }
  }

  /** End the pending job with an error made here in main. */
  private settle(error: SandboxError): void {
    this.finish((p) => p.resolve(failedOutcome(p.job, error, performance.now() - p.started)));
  }

  private finish(fn: (p: Pending) => void): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    if (p.onAbort) p.hooks.signal?.removeEventListener('abort', p.onAbort);
    if (p.barsFile) removeBarsFile(p.barsFile);
    this.runs++;
    if (this.state === 'busy') this.state = 'idle';
    fn(p);
  }
}

export function failedOutcome(job: SandboxJob, error: SandboxError, durationMs: number): SandboxOutcome {
  if (job.kind !== 'script') {
    return {
      kind: job.kind,
      json: null,
      buffer: null,
      cancelled: false,
      durationMs,
      heapUsedBytes: null,
      error,
      strategyError: null,
    };
  }
  return emptyScriptOutcome({ error, durationMs, heapUsedBytes: null, isolateRun: 0 });
}
