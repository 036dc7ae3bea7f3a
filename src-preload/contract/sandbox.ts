import { z } from 'zod';
import { channel } from './define.js';

/** The sandbox's input limits; `sandbox.limits` serves these so the UI never hard-codes them. */
export const SANDBOX_LIMITS = {
  codeChars: { min: 1, max: 50_000 },
  timeoutMs: { min: 1_000, max: 300_000, default: 30_000 },
  memoryMb: { min: 64, max: 2_048, default: 512 },
  /** Size of the globals once serialised as JSON. */
  globalsJsonChars: { max: 1_000_000 },
  /** What comes back: each console stream, the result's JSON, an error message. */
  consoleChars: 100_000,
  resultJsonChars: 4_000_000,
  errorMessageChars: 2_000,
  stackLines: 20,
} as const;

export const SANDBOX_ERROR_CODES = [
  'SANDBOX_SYNTAX',
  'SANDBOX_TIMEOUT',
  'SANDBOX_MEMORY',
  'SANDBOX_RUNTIME',
] as const;
export type SandboxErrorCode = (typeof SANDBOX_ERROR_CODES)[number];

const identifier = z
  .string()
  .regex(/^[A-Za-z_$][\w$]{0,99}$/, 'must be a plain JavaScript identifier')
  .refine((k) => k !== '__proto__', 'is reserved');

export const sandboxExecuteInput = z.strictObject({
  code: z
    .string()
    .min(SANDBOX_LIMITS.codeChars.min)
    .max(SANDBOX_LIMITS.codeChars.max)
    .refine((c) => c.trim().length > 0, 'must contain code, not only whitespace'),
  timeoutMs: z
    .number()
    .int()
    .min(SANDBOX_LIMITS.timeoutMs.min)
    .max(SANDBOX_LIMITS.timeoutMs.max)
    .default(SANDBOX_LIMITS.timeoutMs.default),
  memoryMb: z
    .number()
    .int()
    .min(SANDBOX_LIMITS.memoryMb.min)
    .max(SANDBOX_LIMITS.memoryMb.max)
    .default(SANDBOX_LIMITS.memoryMb.default),
  /** Values defined on the script's global object before it runs. JSON only: no host object gets in. */
  globals: z
    .record(identifier, z.json())
    .refine(
      (g) => JSON.stringify(g).length <= SANDBOX_LIMITS.globalsJsonChars.max,
      'are too large (1 MB of JSON at most)',
    )
    .optional(),
  /** Return the script's top-level variables (the JSON-safe ones) as `locals`. */
  captureLocals: z.boolean().default(false),
});
export type SandboxExecuteInput = z.input<typeof sandboxExecuteInput>;

export const sandboxErrorSchema = z.object({
  code: z.enum(SANDBOX_ERROR_CODES),
  message: z.string(),
  /** 1-based position in the user's code (syntax errors, and runtime errors when known). */
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  /** The user code's own stack lines only; nothing from the sandbox's machinery. */
  stack: z.array(z.string()).optional(),
});
export type SandboxError = z.infer<typeof sandboxErrorSchema>;

export const sandboxExecuteOutput = z.object({
  success: z.boolean(),
  stdout: z.string(),
  stderr: z.string(),
  stdoutTruncated: z.boolean(),
  stderrTruncated: z.boolean(),
  /** Absent when the script's value was `undefined` or the run failed. */
  result: z.json().optional(),
  locals: z.record(z.string(), z.json()).optional(),
  /** Top-level names whose values were not JSON-safe (functions are skipped silently). */
  localsOmitted: z.array(z.string()).optional(),
  durationMs: z.number(),
  /** Heap of the isolate after the run; null when the isolate had to be disposed. */
  heapUsedBytes: z.number().nullable(),
  error: sandboxErrorSchema.optional(),
});
export type SandboxExecuteOutput = z.infer<typeof sandboxExecuteOutput>;

const range = z.object({ min: z.number(), max: z.number(), default: z.number().optional() });

export const sandboxChannels = {
  'sandbox.execute': channel({
    input: sandboxExecuteInput,
    output: sandboxExecuteOutput,
    category: 'default',
    // Audited by the sandbox itself (code hash, size, outcome), never with the code or globals.
    mutates: false,
    summary: 'Run strategy code in an isolated sandbox; a failing script is a result with success=false.',
  }),
  'sandbox.health': channel({
    input: z.strictObject({}).optional(),
    output: z.object({
      state: z.enum(['ready', 'starting', 'degraded', 'closed']),
      isolatedVmVersion: z.string(),
      hosts: z.array(
        z.object({
          pid: z.number().nullable(),
          state: z.enum(['starting', 'idle', 'busy', 'dead']),
          runs: z.number().int(),
          isolatesAlive: z.number().int(),
          rssBytes: z.number().nullable(),
        }),
      ),
      isolatesAlive: z.number().int(),
      queued: z.number().int(),
      runsTotal: z.number().int(),
      hostsReplaced: z.number().int(),
    }),
    category: 'interactive',
    mutates: false,
    summary: 'State of the sandbox host pool: hosts, isolates alive, queue, isolated-vm version.',
  }),
  'sandbox.limits': channel({
    input: z.strictObject({}).optional(),
    output: z.object({ codeChars: range, timeoutMs: range, memoryMb: range }),
    category: 'interactive',
    mutates: false,
    summary: 'Minimum, maximum and default of the sandbox inputs.',
  }),
};
