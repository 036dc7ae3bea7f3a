/**
 * Warm isolates inside one sandbox host. Creating an isolate and compiling the runtime costs
 * about a millisecond; a run only needs a fresh context, so isolates are reused. Isolation
 * between runs comes from the context: every run gets a new one with its own global object and
 * builtins, and nothing of the previous run is reachable from it. An isolate is dropped when a
 * run failed in a way that may have left it damaged, when its heap creeps towards its limit, or
 * after a number of runs, so garbage and fragmentation never accumulate into a memory error.
 */
import ivm from 'isolated-vm';
import { ISOLATE_RUNTIME_SOURCE, RUNTIME_FILENAME } from '../isolate/runtime.js';

const MB = 1024 * 1024;

export interface Lease {
  isolate: ivm.Isolate;
  /** The in-isolate runtime, compiled once per isolate, run once per context. */
  runtime: ivm.Script;
  memoryMb: number;
  runs: number;
  /** Backtest engine scripts compiled in this isolate, by engine key (see engine-job.ts). */
  engines: Map<string, EngineScripts>;
  /** A sweep session's context kept between its tasks (engine-job.ts); ended by `endSession`. */
  session: LeaseSession | null;
}

export interface LeaseSession {
  id: string;
  /** Releases what the session holds in the isolate. */
  end: () => void;
  idleTimer: NodeJS.Timeout | null;
}

/** Ends the lease's sweep session, if any (its context and bars become garbage). */
export function endSession(lease: Lease): void {
  const s = lease.session;
  if (!s) return;
  lease.session = null;
  if (s.idleTimer) clearTimeout(s.idleTimer);
  if (!lease.isolate.isDisposed) s.end();
}

/** The engine bundle and its entry, compiled once per isolate, evaluated in each fresh context. */
export interface EngineScripts {
  bundle: ivm.Script;
  entry: ivm.Script;
}

export interface IsolatePoolOptions {
  /** Keep isolates between runs and create the next one ahead of time. */
  warm: boolean;
  maxIdle: number;
  maxRunsPerIsolate: number;
  /** Recycle when used heap + external memory exceeds this share of the isolate's limit. */
  recycleHeapFraction: number;
}

export const defaultIsolatePoolOptions: IsolatePoolOptions = {
  warm: true,
  maxIdle: 2,
  maxRunsPerIsolate: 200,
  recycleHeapFraction: 0.5,
};

export class IsolatePool {
  private readonly idle: Lease[] = [];
  private inUse = 0;
  private prewarmPending = new Set<number>();

  constructor(private readonly opts: IsolatePoolOptions = defaultIsolatePoolOptions) {}

  get alive(): number {
    return this.idle.length + this.inUse;
  }

  /** A lease holding `session` (a sweep's kept context) is preferred; any other session ends. */
  acquire(memoryMb: number, session: string | null = null): Lease {
    let i =
      session === null
        ? -1
        : this.idle.findIndex((l) => l.memoryMb === memoryMb && l.session?.id === session);
    if (i < 0) i = this.idle.findIndex((l) => l.memoryMb === memoryMb);
    const lease = i >= 0 ? (this.idle.splice(i, 1)[0] as Lease) : create(memoryMb);
    this.inUse++;
    if (lease.session && lease.session.id !== session) endSession(lease);
    if (lease.session?.idleTimer) {
      clearTimeout(lease.session.idleTimer);
      lease.session.idleTimer = null;
    }
    return lease;
  }

  /** `reusable` is false after a timeout, a memory error or anything unexpected. */
  release(lease: Lease, reusable: boolean): void {
    this.inUse--;
    lease.runs++;
    if (!reusable || lease.isolate.isDisposed || !this.opts.warm || this.tooWorn(lease)) {
      dispose(lease);
      this.prewarm(lease.memoryMb);
      return;
    }
    this.idle.push(lease);
    while (this.idle.length > this.opts.maxIdle) dispose(this.idle.shift() as Lease);
  }

  /** Make sure an isolate of this size is waiting for the next run, without delaying this one. */
  prewarm(memoryMb: number): void {
    if (!this.opts.warm || this.prewarmPending.has(memoryMb)) return;
    if (this.idle.some((l) => l.memoryMb === memoryMb)) return;
    this.prewarmPending.add(memoryMb);
    setImmediate(() => {
      this.prewarmPending.delete(memoryMb);
      if (this.idle.some((l) => l.memoryMb === memoryMb)) return;
      this.idle.push(create(memoryMb));
      while (this.idle.length > this.opts.maxIdle) dispose(this.idle.shift() as Lease);
    });
  }

  disposeAll(): void {
    for (const l of this.idle.splice(0)) dispose(l);
  }

  private tooWorn(lease: Lease): boolean {
    if (lease.runs >= this.opts.maxRunsPerIsolate) return true;
    const h = lease.isolate.getHeapStatisticsSync();
    return (
      h.used_heap_size + h.externally_allocated_size > this.opts.recycleHeapFraction * lease.memoryMb * MB
    );
  }
}

function create(memoryMb: number): Lease {
  const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
  const runtime = isolate.compileScriptSync(ISOLATE_RUNTIME_SOURCE, { filename: RUNTIME_FILENAME });
  return { isolate, runtime, memoryMb, runs: 0, engines: new Map(), session: null };
}

function dispose(lease: Lease): void {
  endSession(lease);
  if (!lease.isolate.isDisposed) lease.isolate.dispose();
}
