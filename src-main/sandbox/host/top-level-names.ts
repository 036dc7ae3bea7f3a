/**
 * The names a script declares at its top level (`let`, `const`, `var`, `function`, `class`),
 * for `captureLocals`. `let`/`const`/`class` never become properties of the global object, so the
 * runtime cannot list them; it can only read them by name. This is a light lexer, not a parser:
 * it skips strings, template literals, comments and regular expressions and tracks bracket
 * depth. A wrong guess costs nothing: a name that does not exist is skipped when read, and
 * `var`/`function` declarations are found again by diffing the global object.
 */
const DECL = new Set(['let', 'const', 'var']);
const KEYWORDS_BEFORE_REGEX = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);
const MAX_NAMES = 1_000;

interface Token {
  kind: 'id' | 'punct';
  text: string;
  depth: number;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  // Each open template literal remembers the bracket depth where its `${` started.
  const templates: number[] = [];
  let i = 0;
  const n = src.length;
  const prevSignificant = (): Token | undefined => tokens[tokens.length - 1];

  const skipString = (quote: string): void => {
    i++;
    while (i < n && src[i] !== quote && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
    i++;
  };
  // Returns true when the template ended, false when it stopped at a `${`.
  const skipTemplateChunk = (): boolean => {
    while (i < n) {
      const c = src[i];
      if (c === '\\') i += 2;
      else if (c === '`') {
        i++;
        return true;
      } else if (c === '$' && src[i + 1] === '{') {
        i += 2;
        return false;
      } else i++;
    }
    return true;
  };

  while (i < n) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '"' || c === "'") {
      skipString(c);
      tokens.push({ kind: 'punct', text: 'str', depth });
    } else if (c === '`') {
      i++;
      if (!skipTemplateChunk()) {
        templates.push(depth);
        depth++;
      }
      tokens.push({ kind: 'punct', text: 'str', depth });
    } else if (c === '/') {
      const prev = prevSignificant();
      const regexAllowed =
        !prev ||
        (prev.kind === 'punct' && !/^[)\]}]$/.test(prev.text) && prev.text !== 'str') ||
        (prev.kind === 'id' && KEYWORDS_BEFORE_REGEX.has(prev.text));
      if (regexAllowed) {
        i++;
        let inClass = false;
        while (i < n && src[i] !== '\n') {
          const ch = src[i];
          if (ch === '\\') i++;
          else if (ch === '[') inClass = true;
          else if (ch === ']') inClass = false;
          else if (ch === '/' && !inClass) break;
          i++;
        }
        i++;
        while (i < n && /[a-z]/i.test(src[i] as string)) i++;
        tokens.push({ kind: 'punct', text: 'str', depth });
      } else {
        i++;
        tokens.push({ kind: 'punct', text: '/', depth });
      }
    } else if (/[A-Za-z_$]/.test(c)) {
      const start = i;
      while (i < n && /[\w$]/.test(src[i] as string)) i++;
      tokens.push({ kind: 'id', text: src.slice(start, i), depth });
    } else if (c === '{' || c === '(' || c === '[') {
      tokens.push({ kind: 'punct', text: c, depth });
      depth++;
      i++;
    } else if (c === '}' || c === ')' || c === ']') {
      depth = Math.max(0, depth - 1);
      i++;
      if (c === '}' && templates.length > 0 && templates[templates.length - 1] === depth) {
        templates.pop();
        if (!skipTemplateChunk()) {
          templates.push(depth);
          depth++;
        }
        tokens.push({ kind: 'punct', text: 'str', depth });
      } else {
        tokens.push({ kind: 'punct', text: c, depth });
      }
    } else {
      tokens.push({ kind: 'punct', text: c, depth });
      i++;
    }
  }
  return tokens;
}

/** Binding names in `let a = 1, { b, c: d, ...e } = x, [f, g = 2] = y;`. */
function bindings(tokens: Token[], start: number, out: Set<string>): number {
  let i = start;
  const base = tokens[start - 1]?.depth ?? 0;
  let expectBinding = true;
  while (i < tokens.length) {
    const t = tokens[i] as Token;
    if (t.depth === base && t.kind === 'punct' && (t.text === ';' || t.text === '}')) return i;
    // A new declaration after a line break without a semicolon.
    if (
      t.depth === base &&
      t.kind === 'id' &&
      (DECL.has(t.text) || t.text === 'function' || t.text === 'class')
    )
      return i;
    if (t.depth === base && t.kind === 'punct' && t.text === ',') {
      expectBinding = true;
    } else if (expectBinding && t.depth === base && t.kind === 'id') {
      out.add(t.text);
      expectBinding = false;
    } else if (
      expectBinding &&
      t.depth === base &&
      t.kind === 'punct' &&
      (t.text === '{' || t.text === '[')
    ) {
      i = pattern(tokens, i, out);
      expectBinding = false;
      continue;
    } else if (t.depth === base && t.kind === 'punct' && t.text === '=') {
      expectBinding = false;
    }
    i++;
  }
  return i;
}

/** Names bound inside a destructuring pattern starting at `tokens[open]`; returns the index after it. */
function pattern(tokens: Token[], open: number, out: Set<string>): number {
  const inner = (tokens[open] as Token).depth + 1;
  let i = open + 1;
  let inDefault = false;
  while (i < tokens.length) {
    const t = tokens[i] as Token;
    if (t.depth < inner) return i + 1;
    if (t.depth === inner) {
      if (t.kind === 'punct' && t.text === ',') inDefault = false;
      else if (t.kind === 'punct' && t.text === '=') inDefault = true;
      else if (!inDefault && t.kind === 'id') {
        const next = tokens[i + 1];
        if (!(next && next.kind === 'punct' && next.text === ':')) out.add(t.text);
      } else if (!inDefault && t.kind === 'punct' && (t.text === '{' || t.text === '[')) {
        i = pattern(tokens, i, out);
        continue;
      }
    }
    i++;
  }
  return i;
}

export function topLevelNames(src: string): string[] {
  const tokens = tokenize(src);
  const out = new Set<string>();
  for (let i = 0; i < tokens.length && out.size < MAX_NAMES; i++) {
    const t = tokens[i] as Token;
    if (t.depth !== 0 || t.kind !== 'id') continue;
    const prev = tokens[i - 1];
    if (prev && prev.kind === 'punct' && prev.text === '.') continue;
    if (DECL.has(t.text)) {
      const next = tokens[i + 1];
      // `let` can be an identifier itself (`let = 1` in sloppy mode); only a binding follows a real declaration.
      if (next && (next.kind === 'id' || next.text === '{' || next.text === '['))
        i = bindings(tokens, i + 1, out) - 1;
    } else if (t.text === 'function' || t.text === 'class') {
      let j = i + 1;
      if (tokens[j]?.text === '*') j++;
      const name = tokens[j];
      if (name && name.kind === 'id' && name.text !== 'extends') out.add(name.text);
    }
  }
  return [...out];
}
