/**
 * One backtest or describe job inside the host. On a warm isolate (or a new one): a fresh
 * context, the sandbox runtime (removes WebAssembly, SharedArrayBuffer, Atomics; buffered
 * console), the engine bundle and its entry (both compiled once per isolate, evaluated per
 * context: ~1 ms, so no run sees another run's globals or prototypes), then ONE call into the
 * entry that copies the columns in, runs the whole bar loop and returns the packed result.
 *
 * Deadline and guards are the script job's: isolated-vm's timeout on every call, a wall-clock
 * guard that disposes the isolate 100 ms past the deadline. Cancel: the progress Reference
 * answers false once main asked, and the engine stops at its next progress call (every 65,536
 * bars); if it does not get there within CANCEL_GRACE_MS (a slow onBar, a loop in init) the
 * isolate is disposed.
 */
import ivm from 'isolated-vm';
import { performance } from 'node:perf_hooks';
import { SANDBOX_LIMITS, type SandboxError } from '../../../src-preload/contract/sandbox.js';
import type { BacktestJob, DescribeJob, EngineOutcome, StrategyFailure } from '../protocol.js';
import { ENGINE_ENTRY_FILENAME, ENGINE_ENTRY_SOURCE } from '../isolate/engine-entry.js';
import { classifyThrown, runtimeError } from './classify.js';
import type { HostCache } from './host-cache.js';
import { endSession, type EngineScripts, type IsolatePool, type Lease } from './isolate-pool.js';

const GUARD_GRACE_MS = 100;
const CANCEL_GRACE_MS = 1_000;
const ENGINE_FILENAME = 'qd-engine.js';
/** A sweep session's context is dropped when no task of it arrived for this long. */
const SESSION_IDLE_MS = 1_000;

/** What a sweep session keeps in its lease between tasks. */
interface EngineSession {
  id: string;
  columnsKey: string;
  engineKey: string;
  source: string;
  memoryMb: number;
  context: ivm.Context;
  entry: ivm.Reference;
}
const sessions = new WeakMap<Lease, EngineSession>();

/** Shared between the host's message loop (which sets `cancelled`) and the running job. */
export interface JobControl {
  cancelled: boolean;
  /** Set by the job while it runs: called by the message loop when a cancel arrives. */
  onCancel: (() => void) | null;
  /** Bars done / total, for jobs that report progress. */
  progress: (done: number, total: number) => void;
}

interface EntryResult {
  json?: unknown;
  buf?: unknown;
}

const MAX_JSON_CHARS = 256 * 1024 * 1024;

export async function runEngineJob(
  job: BacktestJob | DescribeJob,
  isolates: IsolatePool,
  cache: HostCache,
  control: JobControl,
): Promise<EngineOutcome> {
  const started = performance.now();
  const deadline = started + job.timeoutMs;
  const remaining = (): number => Math.max(1, Math.ceil(deadline - performance.now()));
  const base = (lease: Lease | null): Omit<EngineOutcome, 'error' | 'strategyError'> => ({
    kind: job.kind,
    json: null,
    buffer: null,
    cancelled: false,
    durationMs: performance.now() - started,
    heapUsedBytes: lease && !lease.isolate.isDisposed ? heapUsed(lease) : null,
  });
  const failed = (lease: Lease | null, error: SandboxError): EngineOutcome => ({
    ...base(lease),
    error,
    strategyError: null,
  });

  const engineSource = cache.engine(job.engine.key);
  const columns = job.kind === 'backtest' ? cache.columnsOf(job.columns.key) : undefined;
  if (engineSource === undefined || (job.kind === 'backtest' && columns === undefined)) {
    // Main's mirror and this cache disagree: a bug, not the strategy's fault.
    throw new Error('the sandbox host is missing the engine or the bars this job refers to');
  }

  const sessionId = job.kind === 'backtest' && job.session !== undefined ? job.session : null;
  const lease = isolates.acquire(job.memoryMb, sessionId);
  // A later task of the same sweep on this isolate: its context (and bars) are still there.
  let kept = sessionId === null || lease.session === null ? undefined : sessions.get(lease);
  if (
    kept &&
    !(
      job.kind === 'backtest' &&
      kept.id === sessionId &&
      kept.columnsKey === job.columns.key &&
      kept.engineKey === job.engine.key &&
      kept.source === job.source
    )
  ) {
    endSession(lease);
    kept = undefined;
  }
  let guardFired = false;
  let cancelForced = false;
  const dispose = (): void => {
    if (!lease.isolate.isDisposed) lease.isolate.dispose();
  };
  const guard = setTimeout(() => {
    guardFired = true;
    dispose();
  }, job.timeoutMs + GUARD_GRACE_MS);
  let cancelTimer: NodeJS.Timeout | undefined;
  control.onCancel = () => {
    cancelTimer ??= setTimeout(() => {
      cancelForced = true;
      dispose();
    }, CANCEL_GRACE_MS);
  };
  if (control.cancelled) control.onCancel();

  let context: ivm.Context | undefined;
  let entry: ivm.Reference | undefined;
  let progressRef: ivm.Reference | undefined;
  let reusable = false;
  try {
    if (kept) {
      context = kept.context;
      entry = kept.entry;
      // Until this task succeeds the lease's session is off: a failure below releases both.
      lease.session = null;
    } else {
      const scripts = engineScripts(lease, job.engine.key, engineSource);
      context = lease.isolate.createContextSync();
      const init = lease.runtime.runSync(context, { reference: true, timeout: remaining() }) as ivm.Reference;
      init.applySync(undefined, [runtimeConfig()], { timeout: remaining() });
      init.release();
      scripts.bundle.runSync(context, { timeout: remaining() });
      entry = scripts.entry.runSync(context, { reference: true, timeout: remaining() }) as ivm.Reference;
    }

    const op = job.kind === 'describe' ? 'describe' : sessionId !== null ? 'session' : 'run';
    const args: unknown[] = [op, job.source];
    if (job.kind === 'backtest') {
      progressRef = new ivm.Reference((done: number, total: number): boolean => {
        if (control.cancelled) return false;
        if (job.progress) control.progress(done, total);
        return true;
      });
      args.push(job.configJson, job.result === 'full', progressRef);
      if (!kept)
        for (const c of columns as NonNullable<typeof columns>) args.push(c.copyInto({ release: false }));
    }
    const res = (await entry.apply(undefined, args, {
      timeout: remaining(),
      // A null-prototype object of one string and one ArrayBuffer, built by the entry: copying
      // it runs no strategy code, so it may happen after the isolate's own clock stopped.
      result: { copy: true },
    })) as EntryResult;
    reusable = true;
    return readEntryResult(res, base(lease));
  } catch (err) {
    if (cancelForced || (control.cancelled && !guardFired && lease.isolate.isDisposed)) {
      return { ...base(null), cancelled: true, error: null, strategyError: null };
    }
    const error = classifyThrown(err, {
      timeoutMs: job.timeoutMs,
      memoryMb: job.memoryMb,
      isolateDisposed: lease.isolate.isDisposed,
      guardFired,
    });
    return failed(lease, error);
  } finally {
    clearTimeout(guard);
    if (cancelTimer) clearTimeout(cancelTimer);
    control.onCancel = null;
    progressRef?.release();
    const keep = sessionId !== null && job.kind === 'backtest' && reusable && !guardFired && !cancelForced;
    if (!lease.isolate.isDisposed) {
      if (keep && context && entry) {
        keepSession(lease, {
          id: sessionId,
          columnsKey: job.columns.key,
          engineKey: job.engine.key,
          source: job.source,
          memoryMb: job.memoryMb,
          context,
          entry,
        });
      } else {
        entry?.release();
        context?.release();
      }
    }
    isolates.release(lease, reusable && !guardFired && !cancelForced);
  }
}

function keepSession(lease: Lease, s: EngineSession): void {
  sessions.set(lease, s);
  const end = (): void => {
    sessions.delete(lease);
    s.entry.release();
    s.context.release();
  };
  lease.session = { id: s.id, end, idleTimer: null };
  const timer = setTimeout(() => {
    if (lease.session?.idleTimer === timer) endSession(lease);
  }, SESSION_IDLE_MS);
  timer.unref();
  lease.session.idleTimer = timer;
}

function engineScripts(lease: Lease, key: string, source: string): EngineScripts {
  let s = lease.engines.get(key);
  if (!s) {
    s = {
      bundle: lease.isolate.compileScriptSync(source, { filename: ENGINE_FILENAME }),
      entry: lease.isolate.compileScriptSync(ENGINE_ENTRY_SOURCE, { filename: ENGINE_ENTRY_FILENAME }),
    };
    lease.engines.set(key, s);
  }
  return s;
}

/** The runtime's config: its console caps; no globals for a strategy. */
const runtimeConfig = (): string =>
  JSON.stringify({
    consoleChars: SANDBOX_LIMITS.consoleChars,
    resultJsonChars: SANDBOX_LIMITS.resultJsonChars,
    errorMessageChars: SANDBOX_LIMITS.errorMessageChars,
    globalsJson: null,
  });

function readEntryResult(
  res: EntryResult,
  base: Omit<EngineOutcome, 'error' | 'strategyError'>,
): EngineOutcome {
  const json = res?.json;
  if (typeof json !== 'string' || json.length > MAX_JSON_CHARS) {
    return {
      ...base,
      error: runtimeError(
        'Error',
        'The strategy tampered with the engine: its result could not be read.',
        '',
      ),
      strategyError: null,
    };
  }
  // Only the envelope's first key is looked at here; main parses the rest.
  if (json.startsWith('{"cancelled":')) return { ...base, cancelled: true, error: null, strategyError: null };
  if (json.startsWith('{"error":')) {
    const e = (JSON.parse(json) as { error: StrategyFailure }).error;
    return {
      ...base,
      error: null,
      strategyError: { kind: e.kind, message: String(e.message), barIndex: e.barIndex ?? null },
    };
  }
  const buffer = res.buf instanceof ArrayBuffer ? res.buf : null;
  return { ...base, json, buffer, error: null, strategyError: null };
}

function heapUsed(lease: Lease): number | null {
  try {
    return lease.isolate.getHeapStatisticsSync().used_heap_size;
  } catch {
    return null;
  }
}
