import { createHash } from 'node:crypto';
import { SANDBOX_LIMITS, type SandboxExecuteOutput } from '../../src-preload/contract/sandbox.js';
import type { AuditPort, Handlers } from '../ipc/router.js';
import type { Logger } from '../logger.js';
import type { ScriptOutcome } from './protocol.js';
import type { SandboxPool } from './sandbox-pool.js';

type SandboxHandlers = Pick<Handlers, 'sandbox.execute' | 'sandbox.health' | 'sandbox.limits'>;

export function sandboxHandlers(pool: SandboxPool, audit: AuditPort, logger: Logger): SandboxHandlers {
  return {
    'sandbox.execute': async (input, ctx) => {
      const started = performance.now();
      let outcome: ScriptOutcome | undefined;
      try {
        outcome = await pool.run({
          kind: 'script',
          code: input.code,
          timeoutMs: input.timeoutMs,
          memoryMb: input.memoryMb,
          globalsJson: input.globals === undefined ? null : JSON.stringify(input.globals),
          captureLocals: input.captureLocals,
        });
        return toOutput(outcome);
      } finally {
        // Who ran what, how big, how long, how it ended. Never the code itself, never the globals' values.
        try {
          audit.record({
            userId: ctx.userId,
            action: 'sandbox.execute',
            correlationId: ctx.correlationId,
            outcome: outcome?.success ? 'ok' : 'error',
            details: {
              codeSha256: createHash('sha256').update(input.code).digest('hex'),
              codeChars: input.code.length,
              durationMs: Math.round(performance.now() - started),
              result: outcome ? (outcome.error?.code ?? 'success') : 'UNAVAILABLE',
              timeoutMs: input.timeoutMs,
              memoryMb: input.memoryMb,
              globalsCount: input.globals === undefined ? 0 : Object.keys(input.globals).length,
              captureLocals: input.captureLocals,
            },
          });
        } catch (err) {
          logger.error({ err, correlationId: ctx.correlationId }, 'could not audit a sandbox run');
        }
      }
    },
    'sandbox.health': () => pool.health(),
    'sandbox.limits': () => ({
      codeChars: { ...SANDBOX_LIMITS.codeChars },
      timeoutMs: { ...SANDBOX_LIMITS.timeoutMs },
      memoryMb: { ...SANDBOX_LIMITS.memoryMb },
    }),
  };
}

function toOutput(o: ScriptOutcome): SandboxExecuteOutput {
  const out: SandboxExecuteOutput = {
    success: o.success,
    stdout: o.stdout,
    stderr: o.stderr,
    stdoutTruncated: o.stdoutTruncated,
    stderrTruncated: o.stderrTruncated,
    durationMs: Math.round(o.durationMs * 1000) / 1000,
    heapUsedBytes: o.heapUsedBytes,
  };
  if (o.success && o.hasResult) out.result = o.result as SandboxExecuteOutput['result'];
  if (o.success && o.locals) {
    out.locals = o.locals as SandboxExecuteOutput['locals'];
    out.localsOmitted = o.localsOmitted;
  }
  if (o.error) out.error = o.error;
  return out;
}
