/**
 * One script run inside the host: compile, fresh context, runtime, user code, then the
 * runtime's `finish` (await + JSON-safe serialisation inside the isolate). Everything shares one
 * deadline: each isolated-vm call gets the time that is left, and a wall-clock guard disposes the
 * isolate when the deadline (plus a short grace) passes, because isolated-vm's own timeout does
 * not cover a promise that never settles.
 */
import type ivm from 'isolated-vm';
import { performance } from 'node:perf_hooks';
import { SANDBOX_LIMITS, type SandboxError } from '../../../src-preload/contract/sandbox.js';
import { emptyScriptOutcome, type ScriptJob, type ScriptOutcome } from '../protocol.js';
import { classifyThrown, runtimeError, syntaxError, timeoutError } from './classify.js';
import type { IsolatePool, Lease } from './isolate-pool.js';
import { USER_FILENAME } from '../isolate/runtime.js';
import { topLevelNames } from './top-level-names.js';

/** isolated-vm stops a busy isolate itself at the deadline; the guard only catches what it cannot. */
const GUARD_GRACE_MS = 100;

interface Envelope {
  hasResult?: boolean;
  result?: unknown;
  locals?: Record<string, unknown> | null;
  localsOmitted?: string[];
  error?: { name: string; message: string; stack: string };
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}

const runtimeConfig = (globalsJson: string | null): string =>
  JSON.stringify({
    consoleChars: SANDBOX_LIMITS.consoleChars,
    resultJsonChars: SANDBOX_LIMITS.resultJsonChars,
    errorMessageChars: SANDBOX_LIMITS.errorMessageChars,
    globalsJson,
  });

/** Envelopes bigger than this were not made by the runtime: refuse them rather than parse them. */
const MAX_ENVELOPE_CHARS = SANDBOX_LIMITS.resultJsonChars + 4 * SANDBOX_LIMITS.consoleChars + 100_000;

export async function runScript(job: ScriptJob, isolates: IsolatePool): Promise<ScriptOutcome> {
  const started = performance.now();
  const deadline = started + job.timeoutMs;
  const remaining = (): number => Math.max(1, Math.ceil(deadline - performance.now()));
  const lease = isolates.acquire(job.memoryMb);
  let guardFired = false;
  const guard = setTimeout(() => {
    guardFired = true;
    if (!lease.isolate.isDisposed) lease.isolate.dispose();
  }, job.timeoutMs + GUARD_GRACE_MS);

  let context: ivm.Context | undefined;
  let script: ivm.Script | undefined;
  let reusable = false;
  const outcome = (fields: Partial<ScriptOutcome> & { error: SandboxError | null }): ScriptOutcome => {
    const measured = {
      isolateRun: lease.runs + 1,
      durationMs: performance.now() - started,
      heapUsedBytes: lease.isolate.isDisposed ? null : heapUsed(lease),
    };
    return { ...emptyScriptOutcome({ error: fields.error, ...measured }), ...fields, ...measured };
  };
  const thrown = (err: unknown): SandboxError =>
    classifyThrown(err, {
      timeoutMs: job.timeoutMs,
      memoryMb: job.memoryMb,
      isolateDisposed: lease.isolate.isDisposed,
      guardFired,
    });

  try {
    try {
      // Setup steps run synchronously: they are bounded (compiling, our own runtime), and each
      // async isolated-vm call costs a thread hop. User code itself always runs async, so the
      // host's event loop stays free for the guard and the memory watchdog.
      script = lease.isolate.compileScriptSync(job.code, { filename: USER_FILENAME });
    } catch (err) {
      reusable = !lease.isolate.isDisposed;
      return outcome({ error: guardFired ? timeoutError(job.timeoutMs) : syntaxError(err) });
    }
    context = lease.isolate.createContextSync();
    const init = lease.runtime.runSync(context, { reference: true, timeout: remaining() }) as ivm.Reference;
    const control = init.applySync(undefined, [runtimeConfig(job.globalsJson)], {
      timeout: remaining(),
      result: { reference: true },
    }) as ivm.Reference;

    let value: ivm.Reference;
    try {
      value = (await script.run(context, { reference: true, timeout: remaining() })) as ivm.Reference;
    } catch (err) {
      const error = thrown(err);
      // A plain runtime error leaves the isolate healthy: keep it. After a timeout isolated-vm
      // stopped, the isolate still answers: fetch what was printed, then let it go.
      reusable = error.code === 'SANDBOX_RUNTIME' && !lease.isolate.isDisposed;
      const alive = !lease.isolate.isDisposed && !guardFired;
      const printed = alive && error.code !== 'SANDBOX_MEMORY' ? await consoleOf(control) : undefined;
      return outcome({ ...printed, error });
    }

    const namesJson = job.captureLocals ? JSON.stringify(topLevelNames(job.code)) : null;
    const text: unknown = await control.apply(
      undefined,
      ['finish', value.derefInto({ release: true }), namesJson],
      {
        timeout: remaining(),
        result: { promise: true },
      },
    );
    if (typeof text !== 'string' || text.length > MAX_ENVELOPE_CHARS) {
      return outcome({
        error: runtimeError(
          'Error',
          'The script tampered with the sandbox runtime: its output could not be read.',
          '',
        ),
      });
    }
    const env = JSON.parse(text) as Envelope;
    const printed = consoleFields(env);
    if (env.error) {
      reusable = true;
      return outcome({ ...printed, error: runtimeError(env.error.name, env.error.message, env.error.stack) });
    }
    reusable = true;
    return outcome({
      ...printed,
      error: null,
      hasResult: env.hasResult === true,
      result: env.hasResult ? env.result : null,
      locals: env.locals ?? null,
      localsOmitted: env.localsOmitted ?? [],
    });
  } catch (err) {
    reusable = false;
    return outcome({ error: thrown(err) });
  } finally {
    clearTimeout(guard);
    if (!lease.isolate.isDisposed) {
      script?.release();
      context?.release();
    }
    isolates.release(lease, reusable && !guardFired);
  }
}

function consoleFields(
  env: Envelope,
): Pick<ScriptOutcome, 'stdout' | 'stderr' | 'stdoutTruncated' | 'stderrTruncated'> {
  return {
    stdout: String(env.stdout ?? ''),
    stderr: String(env.stderr ?? ''),
    stdoutTruncated: env.stdoutTruncated === true,
    stderrTruncated: env.stderrTruncated === true,
  };
}

/** The console buffers after a failed run; a short, bounded call (the buffers are capped). */
async function consoleOf(control: ivm.Reference): Promise<ReturnType<typeof consoleFields> | undefined> {
  try {
    const text: unknown = await control.apply(undefined, ['console'], { timeout: 200 });
    if (typeof text !== 'string' || text.length > MAX_ENVELOPE_CHARS) return undefined;
    return consoleFields(JSON.parse(text) as Envelope);
  } catch {
    return undefined;
  }
}

function heapUsed(lease: Lease): number | null {
  try {
    return lease.isolate.getHeapStatisticsSync().used_heap_size;
  } catch {
    return null;
  }
}
