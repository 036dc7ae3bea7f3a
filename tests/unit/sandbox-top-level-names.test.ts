import { describe, expect, it } from 'vitest';
import { syntaxError, userStack } from '../../src-main/sandbox/host/classify.js';
import { topLevelNames } from '../../src-main/sandbox/host/top-level-names.js';

describe('topLevelNames', () => {
  it('finds let/const/var/function/class declarations at the top level only', () => {
    const src = [
      'let a = 1, b = f(x, y), c;',
      'const { d, e: renamed, f = 2, ...rest } = obj, [g, [h], i = 3] = arr;',
      'var j',
      'function k() { let inner = 1; }',
      'async function l() {}',
      'function* m() {}',
      'class N extends Base {}',
      'for (let loop = 0; loop < 1; loop++) {}',
      'if (x) { const blockScoped = 1; }',
      'obj.let = 5;',
    ].join('\n');
    expect(topLevelNames(src).sort()).toEqual(
      ['N', 'a', 'b', 'c', 'd', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'renamed', 'rest'].sort(),
    );
  });

  it('is not fooled by strings, templates, comments and regular expressions', () => {
    const src = [
      "const s = 'let fake1 = 1';",
      'const t = `${"{"} let fake2 = ${ { a: 1 }.a } }`;',
      '// let fake3 = 1',
      '/* const fake4 = 1 */',
      'const r = /let fake5 = [}]/g;',
      'let after = s.length / 2 / 1;',
    ].join('\n');
    expect(topLevelNames(src).sort()).toEqual(['after', 'r', 's', 't']);
  });
});

describe('error classification helpers', () => {
  it('keeps only the user code’s frames', () => {
    const stack =
      'Error: x\n    at f (strategy.js:1:2)\n    at run (qd-sandbox-runtime.js:9:9)\n    at (<isolated-vm boundary>)\n    at strategy.js:3:1';
    expect(userStack(stack)).toEqual(['at f (strategy.js:1:2)', 'at strategy.js:3:1']);
  });

  it('moves the position of a syntax error into line and column', () => {
    expect(syntaxError(new SyntaxError("Unexpected token ';' [strategy.js:2:9]"))).toEqual({
      code: 'SANDBOX_SYNTAX',
      message: "SyntaxError: Unexpected token ';'",
      line: 2,
      column: 9,
    });
  });
});
