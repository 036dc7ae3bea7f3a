/**
 * The messages between main and a sandbox host process. The channel is Node's child-process IPC
 * with `serialization: 'advanced'` (structured clone), so typed arrays (the backtest engine's
 * bars going in, its result buffer coming back) cross without a JSON detour. Types only: both
 * sides import this file.
 *
 * A job is tagged by `kind`; the host dispatches on it. `script` is the strategy console's job;
 * `backtest` runs the engine over bars, `describe` evaluates a strategy for its parameters.
 */
import type { SandboxError } from '../../src-preload/contract/sandbox.js';

export interface ScriptJob {
  kind: 'script';
  code: string;
  timeoutMs: number;
  memoryMb: number;
  /** The globals as one JSON string: parsed inside the isolate, so no host object crosses. */
  globalsJson: string | null;
  captureLocals: boolean;
}

/**
 * Something the host keeps between jobs (engine bundle text, bar columns), named by a key. Main
 * mirrors what each host holds (./host-cache-mirror.ts) and sends the payload only to a host
 * that does not have it yet; otherwise `payload` is null and the host uses its copy.
 */
export interface Cached<T> {
  key: string;
  payload: T | null;
}

/** Bars as six columns, in the order the engine entry takes them. */
export const COLUMN_NAMES = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
export type WireColumns = Record<(typeof COLUMN_NAMES)[number], Float64Array>;

interface EngineJobBase {
  timeoutMs: number;
  memoryMb: number;
  /** The self-contained engine script (engine-bundle.ts), keyed by its hash. */
  engine: Cached<string>;
  /** Keys of cached things the host must drop before this job (main's LRU decides). */
  evict: string[];
  source: string;
}

/** One backtest. `result: 'full'` brings back every series; `'metrics'` is a sweep task's. */
export interface BacktestJob extends EngineJobBase {
  kind: 'backtest';
  result: 'full' | 'metrics';
  /** `file`: the bars were written there instead of sent (bars-file.ts); payload is null then. */
  columns: Cached<WireColumns> & { file?: string };
  /** JSON of { params, costs, range }: parsed inside the isolate. */
  configJson: string;
  /** Send a `progress` message at each engine progress call (single runs; sweeps count tasks). */
  progress: boolean;
  /**
   * A sweep's id: consecutive tasks of one sweep (same source, engine and bars) on a host reuse
   * one context and one copy of the bars (restored before each set; docs/sandbox.md).
   */
  session?: string;
}

/** Evaluate a strategy's top level and return its declared parameters (strategies.inspect). */
export interface DescribeJob extends EngineJobBase {
  kind: 'describe';
}

/** Every job kind the host understands. */
export type SandboxJob = ScriptJob | BacktestJob | DescribeJob;

export interface ScriptOutcome {
  kind: 'script';
  success: boolean;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  /** False when the script's value was `undefined` (or the run failed). */
  hasResult: boolean;
  /** A JSON-safe value: serialised inside the isolate, parsed by the host with JSON.parse. */
  result: unknown;
  locals: Record<string, unknown> | null;
  localsOmitted: string[];
  durationMs: number;
  heapUsedBytes: number | null;
  /** 1 for a fresh isolate, n for its n-th run: shows reuse and recycling (tests, health). */
  isolateRun: number;
  error: SandboxError | null;
}

/** A script outcome with nothing captured: the base every script result starts from. */
export const emptyScriptOutcome = (
  fields: Pick<ScriptOutcome, 'error' | 'durationMs' | 'heapUsedBytes' | 'isolateRun'>,
): ScriptOutcome => ({
  kind: 'script',
  success: fields.error === null,
  stdout: '',
  stderr: '',
  stdoutTruncated: false,
  stderrTruncated: false,
  hasResult: false,
  result: null,
  locals: null,
  localsOmitted: [],
  ...fields,
});

/** A strategy's own failure, described inside the isolate (engine StrategyError kinds). */
export interface StrategyFailure {
  kind: 'syntax' | 'runtime' | 'invalid';
  message: string;
  barIndex: number | null;
}

export interface EngineOutcome {
  kind: 'backtest' | 'describe';
  /**
   * JSON made inside the isolate: for `describe` { params }, for a metrics run { metrics }, for
   * a full run everything but the float series plus `layout` (where each series sits in
   * `buffer`). Null on failure or cancel.
   */
  json: string | null;
  /** Every float series of a full run, back to back (see result-wire.ts). */
  buffer: ArrayBuffer | null;
  cancelled: boolean;
  durationMs: number;
  heapUsedBytes: number | null;
  /** The sandbox's classes (timeout, memory, a host that died) … */
  error: SandboxError | null;
  /** … or the strategy's own failure as the engine reported it. */
  strategyError: StrategyFailure | null;
}

export type SandboxOutcome = ScriptOutcome | EngineOutcome;
export type OutcomeOf<J extends SandboxJob> = J extends ScriptJob ? ScriptOutcome : EngineOutcome;

/** What a host reports about itself after each job and on request. */
export interface HostStats {
  rssBytes: number;
  isolatesAlive: number;
}

export type MainToHost =
  | { type: 'run'; id: number; job: SandboxJob }
  /** Stop job `id` at its next progress call (the host forces it after a short grace). */
  | { type: 'cancel'; id: number }
  | { type: 'stats'; id: number }
  | { type: 'shutdown' };

export type HostToMain =
  | { type: 'ready'; pid: number; isolatedVmVersion: string; stats: HostStats }
  | { type: 'done'; id: number; outcome: SandboxOutcome; stats: HostStats }
  /** The job could not even start (bad message, internal fault): main answers INTERNAL. */
  | { type: 'fault'; id: number; message: string; stats: HostStats }
  | { type: 'stats'; id: number; stats: HostStats }
  /** Bars done so far in a backtest job that asked for progress. */
  | { type: 'progress'; id: number; done: number; total: number }
  /**
   * The host's resident memory went over the running job's budget: the job is reported as
   * SANDBOX_MEMORY and the host exits right after, so main replaces it.
   */
  | { type: 'memory-exceeded'; id: number; rssBytes: number; budgetBytes: number };
