/**
 * The hostile corpus: every case must end in its error class, in a real sandbox host running
 * real isolated-vm, while main stays alive and answers `sandbox.health` before the case is over.
 * Includes the cases isolated-vm's own limits do not contain (getter loops during copy-out,
 * promises that never settle, console floods, WebAssembly memory, huge strings, huge messages).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/core.js';
import type { SandboxExecuteInput, SandboxExecuteOutput } from '../../src-preload/contract/sandbox.js';
import { health } from '../helpers/sandbox.js';
import { tempCore } from '../helpers/temp-core.js';

let core: Core;
let cleanup: () => Promise<void>;
const globalNamesBefore = Object.getOwnPropertyNames(globalThis).sort();
const protoNamesBefore = Object.getOwnPropertyNames(Object.prototype).sort();
let rssAtStart = 0;

beforeAll(async () => {
  ({ core, cleanup } = await tempCore({ sandbox: { size: 2 } }));
  const warm = await core.invoke('sandbox.execute', { code: '1' });
  expect(warm.ok).toBe(true);
  rssAtStart = Math.max(...(await health(core)).hosts.map((h) => h.rssBytes ?? 0));
});
afterAll(async () => cleanup());

type Expected = 'SANDBOX_TIMEOUT' | 'SANDBOX_MEMORY' | 'SANDBOX_RUNTIME' | 'SANDBOX_SYNTAX' | 'success';
const T = { timeoutMs: 1_000 };
const M = { memoryMb: 64, timeoutMs: 10_000 };

const corpus: [string, SandboxExecuteInput, Expected, RegExp?][] = [
  ['infinite loop', { code: 'while (true) {}', ...T }, 'SANDBOX_TIMEOUT'],
  ['infinite async loop', { code: '(async () => { while (true) await null; })()', ...T }, 'SANDBOX_TIMEOUT'],
  [
    'microtask flood',
    { code: 'function q() { Promise.resolve().then(q); } q(); 1', ...T },
    'SANDBOX_TIMEOUT',
  ],
  ['promise that never settles', { code: 'new Promise(() => {})', ...T }, 'SANDBOX_TIMEOUT'],
  [
    'async function awaiting forever',
    { code: '(async () => { await new Promise(() => {}); return 1; })()', ...T },
    'SANDBOX_TIMEOUT',
  ],
  [
    'getter on the result that loops forever',
    { code: '({ get x() { while (true) {} } })', ...T },
    'SANDBOX_TIMEOUT',
  ],
  ['toJSON that loops forever', { code: '({ toJSON() { for (;;) {} } })', ...T }, 'SANDBOX_TIMEOUT'],
  ['thenable whose then loops', { code: '({ then() { for (;;) {} } })', ...T }, 'SANDBOX_TIMEOUT'],
  [
    'console flood that never ends',
    { code: "const l = 'y'.repeat(1024); for (;;) console.log(l);", ...T },
    'SANDBOX_TIMEOUT',
  ],
  [
    'memory bomb: arrays',
    { code: 'const a = []; for (;;) a.push(new Array(1e5).fill(1.5));', ...M },
    'SANDBOX_MEMORY',
  ],
  [
    'memory bomb: objects',
    { code: 'const a = []; for (;;) a.push({ x: Math.random() });', ...M },
    'SANDBOX_MEMORY',
  ],
  [
    'memory bomb: strings',
    { code: "let s = 'x'; const keep = []; for (;;) { s = s + Math.random(); keep.push(s); }", ...M },
    'SANDBOX_MEMORY',
  ],
  [
    'memory bomb: Map',
    { code: 'const m = new Map(); let i = 0; for (;;) m.set(i++, { i });', ...M },
    'SANDBOX_MEMORY',
  ],
  [
    "'x'.repeat(2 ** 28), flattened",
    { code: "const s = 'x'.repeat(2 ** 28); s.indexOf('y')", ...M },
    'SANDBOX_MEMORY',
  ],
  [
    'deep recursion',
    { code: 'function f() { return f() + 1; }\nf()' },
    'SANDBOX_RUNTIME',
    /Maximum call stack/,
  ],
  [
    'Function constructor escape',
    { code: "Function('return process')()" },
    'SANDBOX_RUNTIME',
    /process is not defined/,
  ],
  ['eval escape', { code: 'eval(\'require("fs")\')' }, 'SANDBOX_RUNTIME', /require is not defined/],
  [
    'constructor.constructor escape',
    { code: "this.constructor.constructor('return process')().exit(1)" },
    'SANDBOX_RUNTIME',
    /process is not defined/,
  ],
  [
    'constructor.constructor via a global',
    { code: "cfg.constructor.constructor('return require')()('child_process')", globals: { cfg: { a: 1 } } },
    'SANDBOX_RUNTIME',
    /require is not defined/,
  ],
  ['reaching process', { code: 'process.exit(1)' }, 'SANDBOX_RUNTIME', /process is not defined/],
  [
    'reaching require',
    { code: "require('fs').readFileSync('/etc/passwd', 'utf8')" },
    'SANDBOX_RUNTIME',
    /require is not defined/,
  ],
  ['reaching import()', { code: "import('fs')" }, 'SANDBOX_RUNTIME'],
  ['timers are absent', { code: 'setTimeout(() => {}, 1)' }, 'SANDBOX_RUNTIME', /setTimeout is not defined/],
  [
    'host globalThis has no Node in it',
    {
      code: "const node = ['process', 'require', 'module', 'exports', 'Buffer', 'global', 'fetch', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'WebAssembly', 'SharedArrayBuffer', 'Atomics'];\nObject.getOwnPropertyNames(globalThis).filter((k) => node.includes(k)).join(',') || throwIt()",
    },
    'SANDBOX_RUNTIME',
    /throwIt is not defined/,
  ],
  [
    'prototype pollution through globals',
    {
      code: "cfg.__proto__.polluted = 1; Object.prototype.polluted2 = 2; cfg.constructor.prototype.polluted3 = 3; 'done'",
      globals: { cfg: { a: 1 } },
    },
    'success',
  ],
  [
    'prototype pollution through the result',
    { code: 'JSON.parse(\'{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}\')' },
    'success',
  ],
  [
    'SharedArrayBuffer',
    { code: 'new SharedArrayBuffer(1024)' },
    'SANDBOX_RUNTIME',
    /SharedArrayBuffer is not defined/,
  ],
  [
    'Atomics.wait',
    { code: 'Atomics.wait(new Int32Array(4), 0, 0)' },
    'SANDBOX_RUNTIME',
    /Atomics is not defined/,
  ],
  [
    'WebAssembly memory growth',
    { code: 'const m = new WebAssembly.Memory({ initial: 1, maximum: 65536 }); for (;;) m.grow(100);', ...M },
    'SANDBOX_RUNTIME',
    /WebAssembly is not defined/,
  ],
  ['result with a function', { code: '({ f() {} })' }, 'SANDBOX_RUNTIME', /result\.f is a function/],
  ['result with a cycle', { code: 'const a = { b: {} }; a.b.a = a; a' }, 'SANDBOX_RUNTIME', /circular/],
  ['result with a symbol', { code: "[Symbol('s')]" }, 'SANDBOX_RUNTIME', /symbol/],
  ['result with a BigInt', { code: '({ n: 10n })' }, 'SANDBOX_RUNTIME', /BigInt/],
  ['result that is a Map', { code: 'new Map([[1, 2]])' }, 'SANDBOX_RUNTIME', /a Map/],
  ['10 MB error message', { code: "throw new Error('m'.repeat(1e7))" }, 'SANDBOX_RUNTIME'],
  ['10 MB thrown string', { code: "throw 's'.repeat(1e7)" }, 'SANDBOX_RUNTIME'],
  ['10 MB rejection message', { code: "Promise.reject(new Error('r'.repeat(1e7)))" }, 'SANDBOX_RUNTIME'],
  ['syntax error', { code: 'let x = ;' }, 'SANDBOX_SYNTAX'],
];

describe('hostile corpus', () => {
  it.each(corpus)('%s → %s', async (_name, input, expected, pattern) => {
    let finished = false;
    const run = core.invoke('sandbox.execute', input).finally(() => {
      finished = true;
    });
    // Main answers while the hostile code runs.
    const h = await core.invoke('sandbox.health');
    expect(h.ok).toBe(true);
    expect(finished).toBe(false);

    const r = await run;
    expect(r.ok).toBe(true);
    const out = (r as { data: SandboxExecuteOutput }).data;
    if (expected === 'success') {
      expect(out.error).toBeUndefined();
      expect(out.success).toBe(true);
    } else {
      expect(out.success).toBe(false);
      expect(out.error?.code).toBe(expected);
      if (pattern) expect(out.error?.message).toMatch(pattern);
      // Whatever the script threw, what comes back stays small.
      expect(out.error?.message.length ?? 0).toBeLessThan(2_100);
      expect(JSON.stringify(out).length).toBeLessThan(300_000);
    }
    // No stack line of the sandbox's own machinery or of the host leaks out.
    for (const line of out.error?.stack ?? []) expect(line).toMatch(/strategy\.js/);
    expect(JSON.stringify(out)).not.toMatch(/qd-sandbox-runtime|src-main|node_modules|isolated-vm boundary/);
  });

  it('bounds console output and counts it against the time limit: 1e5 lines of 1 KB', async () => {
    const r = await core.invoke('sandbox.execute', {
      code: "const l = 'z'.repeat(1023); for (let i = 0; i < 1e5; i++) console.log(l); console.error('e'); 'done'",
      ...T,
    });
    expect(r).toMatchObject({
      ok: true,
      data: { success: true, result: 'done', stdoutTruncated: true, stderr: 'e\n' },
    });
    const out = (r as { data: SandboxExecuteOutput }).data;
    expect(out.stdout.length).toBeLessThanOrEqual(100_000);
  });

  it('keeps what was printed before an infinite loop', async () => {
    const out = (await core.invoke('sandbox.execute', {
      code: "console.log('before'); for (;;) {}",
      ...T,
    })) as {
      data: SandboxExecuteOutput;
    };
    expect(out.data.error?.code).toBe('SANDBOX_TIMEOUT');
    expect(out.data.stdout).toBe('before\n');
  });

  it("leaves main's own prototypes and globals unchanged, and hosts recover their memory", async () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNamesBefore);
    expect(Object.getOwnPropertyNames(globalThis).sort()).toEqual(globalNamesBefore);
    const probe = {} as Record<string, unknown>;
    expect(probe.polluted ?? probe.polluted2 ?? probe.polluted3).toBeUndefined();

    // A clean run on each host refreshes their reported memory.
    await Promise.all([
      core.invoke('sandbox.execute', { code: '1' }),
      core.invoke('sandbox.execute', { code: '2' }),
    ]);
    const h = await health(core);
    expect(h.state).toBe('ready');
    expect(h.hostsReplaced).toBeGreaterThan(0); // the memory cases replaced hosts
    for (const host of h.hosts.filter((x) => x.rssBytes !== null)) {
      expect(host.rssBytes).toBeLessThan(rssAtStart + 150 * 1024 * 1024);
    }
    // The next run after the whole corpus still works, in a fresh context.
    const after = await core.invoke('sandbox.execute', {
      code: 'typeof polluted + typeof polluted2 + ({}).polluted3',
    });
    expect(after).toMatchObject({ ok: true, data: { success: true, result: 'undefinedundefinedundefined' } });
  });
});
