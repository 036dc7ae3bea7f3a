/**
 * Turning what isolated-vm throws into the four sandbox error classes. Pure functions, no
 * isolated-vm import, so they are unit-testable anywhere.
 */
import { SANDBOX_LIMITS, type SandboxError } from '../../../src-preload/contract/sandbox.js';
import { USER_FILENAME } from '../isolate/runtime.js';

const { errorMessageChars, stackLines } = SANDBOX_LIMITS;

export const cap = (s: string, n: number): string =>
  s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s;

/** The user's frames only, e.g. `at f (strategy.js:3:7)`; the runtime's and the boundary's are dropped. */
export function userStack(stack: string): string[] {
  const marker = `${USER_FILENAME}:`;
  const lines: string[] = [];
  for (const raw of stack.slice(0, 50_000).split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('at ') || !line.includes(marker)) continue;
    lines.push(cap(line, 300));
    if (lines.length >= stackLines) break;
  }
  return lines;
}

/** Line and column of the first user frame, or of a `[strategy.js:L:C]` syntax-error suffix. */
export function userPosition(text: string): { line: number; column: number } | undefined {
  const m = new RegExp(`${USER_FILENAME.replace('.', '\\.')}:(\\d+):(\\d+)`).exec(text.slice(0, 50_000));
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}

export function syntaxError(err: unknown): SandboxError {
  const message = err instanceof Error ? err.message : String(err);
  const pos = userPosition(message);
  // isolated-vm appends " [strategy.js:2:9]"; the position goes into its own fields instead.
  const clean = message.replace(/\s*\[[^\]]*:\d+:\d+\]\s*$/, '');
  return { code: 'SANDBOX_SYNTAX', message: cap(`SyntaxError: ${clean}`, errorMessageChars), ...pos };
}

export const timeoutError = (timeoutMs: number): SandboxError => ({
  code: 'SANDBOX_TIMEOUT',
  message: `The script ran longer than its time limit of ${formatSeconds(timeoutMs)}.`,
});

export const memoryError = (memoryMb: number, detail?: string): SandboxError => ({
  code: 'SANDBOX_MEMORY',
  message: `The script used more memory than its limit of ${memoryMb} MB${detail ? ` (${detail})` : ''}.`,
});

/** A described error, whether it came from isolated-vm (sync phase) or from the runtime (async phase). */
export function runtimeError(name: string, message: string, stack: string): SandboxError {
  const frames = userStack(stack);
  const pos = frames[0] ? userPosition(frames[0]) : undefined;
  const text = name === 'Uncaught' ? `Uncaught ${message}` : `${name}: ${message}`;
  return { code: 'SANDBOX_RUNTIME', message: cap(text, errorMessageChars), stack: frames, ...pos };
}

/** What isolated-vm throws out of `script.run` / `apply` (an Error copy, or the thrown primitive). */
export function classifyThrown(
  err: unknown,
  ctx: { timeoutMs: number; memoryMb: number; isolateDisposed: boolean; guardFired: boolean },
): SandboxError {
  if (ctx.guardFired) return timeoutError(ctx.timeoutMs);
  if (err instanceof Error) {
    const message = String(err.message);
    if (/disposed during execution due to memory limit/i.test(message)) return memoryError(ctx.memoryMb);
    if (/^Script execution timed out/.test(message)) return timeoutError(ctx.timeoutMs);
    if (/Array buffer allocation failed/i.test(message)) return memoryError(ctx.memoryMb, message);
    if (ctx.isolateDisposed) return memoryError(ctx.memoryMb, 'the isolate was disposed');
    return runtimeError(String(err.name), message.slice(0, 50_000), String(err.stack ?? ''));
  }
  if (typeof err === 'string') return runtimeError('Uncaught', err.slice(0, 50_000), '');
  return runtimeError('Uncaught', cap(String(err), errorMessageChars), '');
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
