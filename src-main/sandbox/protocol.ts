/**
 * The messages between main and a sandbox host process. The channel is Node's child-process IPC
 * with `serialization: 'advanced'` (structured clone), so later job kinds can carry typed arrays
 * (the backtest engine's bars) without a JSON detour. Types only: both sides import this file.
 *
 * A job is tagged by `kind`; the host dispatches on it. `script` is the strategy console's job;
 * the backtest work adds its own kind next to it.
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

/** Every job kind the host understands. */
export type SandboxJob = ScriptJob;

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

export type SandboxOutcome = ScriptOutcome;

/** What a host reports about itself after each job and on request. */
export interface HostStats {
  rssBytes: number;
  isolatesAlive: number;
}

export type MainToHost =
  { type: 'run'; id: number; job: SandboxJob } | { type: 'stats'; id: number } | { type: 'shutdown' };

export type HostToMain =
  | { type: 'ready'; pid: number; isolatedVmVersion: string; stats: HostStats }
  | { type: 'done'; id: number; outcome: SandboxOutcome; stats: HostStats }
  /** The job could not even start (bad message, internal fault): main answers INTERNAL. */
  | { type: 'fault'; id: number; message: string; stats: HostStats }
  | { type: 'stats'; id: number; stats: HostStats }
  /**
   * The host's resident memory went over the running job's budget: the job is reported as
   * SANDBOX_MEMORY and the host exits right after, so main replaces it.
   */
  | { type: 'memory-exceeded'; id: number; rssBytes: number; budgetBytes: number };
