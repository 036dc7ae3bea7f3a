/**
 * The code that runs INSIDE each isolate context before the user's script. It is a string on
 * purpose: it imports nothing and sees nothing of the host; it is compiled once per isolate and
 * run in every fresh context.
 *
 * It removes what must not be reachable (WebAssembly, whose memory escapes the isolate's limit,
 * and SharedArrayBuffer/Atomics, which only serve to block or share memory), installs a
 * `console` that buffers and caps its output inside the isolate (so printing counts against the
 * run's time limit and never floods the host), defines the caller's globals from JSON, and
 * returns a control function the host keeps as a Reference (never put on the global object):
 *
 *   control('finish', value, namesJson) → Promise<string>  awaits the script's value, converts
 *     result and locals to JSON-safe copies and serialises everything, all inside the isolate
 *     and thus inside the run's timeout (getters and toJSON run here, never during a copy).
 *   control('console') → string  the console buffers, for runs that failed synchronously.
 *
 * Only strings leave the isolate. Intrinsics are captured before user code runs; user code that
 * tampers with prototypes can garble its own output, but cannot reach past the isolate.
 */
export const USER_FILENAME = 'strategy.js';
export const RUNTIME_FILENAME = 'qd-sandbox-runtime.js';

export const ISOLATE_RUNTIME_SOURCE = String.raw`
(function () {
  'use strict';
  const G = globalThis;
  const keys = Object.keys;
  const ownNames = Object.getOwnPropertyNames;
  const define = Object.defineProperty;
  const isArray = Array.isArray;
  const isView = ArrayBuffer.isView;
  const arrayFrom = Array.from;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const indirectEval = G.eval;
  const apply = Reflect.apply;
  const objectToString = Object.prototype.toString;
  const Str = String;
  const ErrorCtor = Error;
  const DataViewCtor = DataView;
  const isFiniteNumber = Number.isFinite;
  const identifier = /^[A-Za-z_$][\w$]*$/;
  const tagOf = (v) => apply(objectToString, v, []);

  delete G.WebAssembly;
  delete G.SharedArrayBuffer;
  delete G.Atomics;

  return function init(configJson) {
    const config = parse(configJson);
    const consoleCap = config.consoleChars;
    const resultCap = config.resultJsonChars;
    const messageCap = config.errorMessageChars;

    const streams = {
      out: { text: '', truncated: false },
      err: { text: '', truncated: false },
    };

    function cut(s, n) {
      return s.length > n ? s.slice(0, n) : s;
    }

    function format(v, budget, depth, seen) {
      const t = typeof v;
      if (t === 'string') return depth === 0 ? cut(v, budget) : stringify(cut(v, budget));
      if (v === null || t === 'number' || t === 'boolean' || t === 'undefined') return Str(v);
      if (t === 'bigint') return Str(v) + 'n';
      if (t === 'symbol') return v.toString();
      if (t === 'function') return '[Function: ' + (v.name || 'anonymous') + ']';
      if (v instanceof ErrorCtor) return cut(Str(v.stack || v), budget);
      if (seen.indexOf(v) !== -1) return '[Circular]';
      if (depth > 3) return isArray(v) ? '[Array]' : '[Object]';
      seen[seen.length] = v;
      let s;
      if (isArray(v)) {
        s = '[';
        for (let i = 0; i < v.length; i++) {
          if (s.length >= budget) { s += ', ...'; break; }
          s += (i ? ', ' : '') + format(v[i], budget - s.length, depth + 1, seen);
        }
        s += ']';
      } else {
        const tag = tagOf(v);
        if (tag === '[object Map]' || tag === '[object Set]') {
          s = tag.slice(8, -1) + '(' + v.size + ')';
        } else {
          const ks = keys(v);
          s = '{';
          for (let i = 0; i < ks.length; i++) {
            if (s.length >= budget) { s += ', ...'; break; }
            s += (i ? ', ' : ' ') + ks[i] + ': ' + format(v[ks[i]], budget - s.length, depth + 1, seen);
          }
          s += ks.length ? ' }' : '}';
        }
      }
      seen.length--;
      return s;
    }

    function write(stream, args) {
      if (stream.truncated) return;
      const room = consoleCap - stream.text.length;
      let line = '';
      for (let i = 0; i < args.length; i++) {
        if (line.length > room) break;
        line += (i ? ' ' : '') + format(args[i], room - line.length + 1, 0, []);
      }
      line += '\n';
      if (line.length > room) {
        stream.text += line.slice(0, room);
        stream.truncated = true;
      } else {
        stream.text += line;
      }
    }

    const con = {};
    for (const name of ['log', 'info', 'debug']) con[name] = function () { write(streams.out, arguments); };
    for (const name of ['warn', 'error', 'trace']) con[name] = function () { write(streams.err, arguments); };
    define(G, 'console', { value: con, writable: true, configurable: true, enumerable: false });

    if (config.globalsJson !== null) {
      const globals = parse(config.globalsJson);
      for (const k of keys(globals)) {
        define(G, k, { value: globals[k], writable: true, configurable: true, enumerable: true });
      }
    }
    const before = new Set(ownNames(G));

    function NotJsonSafe(path, what) {
      this.path = path;
      this.what = what;
    }

    function toSafe(v, path, ancestors) {
      const t = typeof v;
      if (t === 'string' || t === 'boolean') return v;
      if (t === 'number') return isFiniteNumber(v) ? v : null;
      if (t === 'undefined') return undefined;
      if (t === 'bigint') throw new NotJsonSafe(path, 'a BigInt (convert it with Number() or String())');
      if (t === 'symbol') throw new NotJsonSafe(path, 'a symbol');
      if (t === 'function') throw new NotJsonSafe(path, 'a function');
      if (v === null) return null;
      if (ancestors.length > 100) throw new NotJsonSafe(path, 'a value nested more than 100 levels deep');
      if (ancestors.indexOf(v) !== -1) throw new NotJsonSafe(path, 'a circular reference');
      if (typeof v.toJSON === 'function') {
        ancestors[ancestors.length] = v;
        const r = toSafe(v.toJSON(), path, ancestors);
        ancestors.length--;
        return r;
      }
      if (isView(v) && !(v instanceof DataViewCtor)) v = arrayFrom(v);
      const tag = tagOf(v);
      if (tag === '[object Map]') throw new NotJsonSafe(path, 'a Map (convert it with Object.fromEntries())');
      if (tag === '[object Set]') throw new NotJsonSafe(path, 'a Set (convert it with Array.from())');
      if (tag === '[object Promise]') throw new NotJsonSafe(path, 'a promise (await it)');
      if (tag === '[object WeakMap]' || tag === '[object WeakSet]' || tag === '[object RegExp]' ||
          tag === '[object ArrayBuffer]' || tag === '[object DataView]') {
        throw new NotJsonSafe(path, 'a ' + tag.slice(8, -1));
      }
      if (v instanceof ErrorCtor) return { name: Str(v.name), message: Str(v.message) };
      ancestors[ancestors.length] = v;
      let out;
      if (isArray(v)) {
        out = [];
        for (let i = 0; i < v.length; i++) {
          const x = toSafe(v[i], path + '[' + i + ']', ancestors);
          out[i] = x === undefined ? null : x;
        }
      } else {
        out = {};
        const ks = keys(v);
        for (let i = 0; i < ks.length; i++) {
          const k = ks[i];
          const x = toSafe(v[k], path + '.' + k, ancestors);
          // define, never assign: a key named __proto__ stays a plain property
          if (x !== undefined) define(out, k, { value: x, writable: true, enumerable: true, configurable: true });
        }
      }
      ancestors.length--;
      return out;
    }

    function describe(e) {
      try {
        if (e instanceof ErrorCtor) {
          return {
            name: cut(Str(e.name), 100),
            message: cut(Str(e.message), messageCap),
            stack: cut(Str(e.stack), 20000),
          };
        }
        return { name: 'Uncaught', message: cut(typeof e === 'string' ? e : format(e, messageCap, 0, []), messageCap), stack: '' };
      } catch (inner) {
        return { name: 'Error', message: 'The script threw a value that could not be described.', stack: '' };
      }
    }

    function envelope(fields) {
      fields.stdout = streams.out.text;
      fields.stderr = streams.err.text;
      fields.stdoutTruncated = streams.out.truncated;
      fields.stderrTruncated = streams.err.truncated;
      return stringify(fields);
    }

    async function finish(value, namesJson) {
      let settled;
      try {
        settled = await value;
      } catch (e) {
        return envelope({ error: describe(e) });
      }
      let result;
      try {
        result = toSafe(settled, 'result', []);
      } catch (e) {
        if (e instanceof NotJsonSafe) {
          return envelope({ error: { name: 'TypeError', message: 'The result is not JSON-safe: ' + e.path + ' is ' + e.what + '.', stack: '' } });
        }
        return envelope({ error: describe(e) });
      }
      let locals = null;
      const omitted = [];
      if (namesJson !== null) {
        locals = {};
        const names = parse(namesJson);
        const current = ownNames(G);
        for (let i = 0; i < current.length; i++) if (!before.has(current[i])) names[names.length] = current[i];
        const done = new Set();
        for (let i = 0; i < names.length; i++) {
          const name = names[i];
          if (done.has(name) || !identifier.test(name)) continue;
          done.add(name);
          let v;
          try { v = indirectEval(name); } catch (e) { continue; }
          if (typeof v === 'function') continue;
          try {
            const safe = toSafe(v, name, []);
            if (safe !== undefined) define(locals, name, { value: safe, writable: true, enumerable: true, configurable: true });
          } catch (e) {
            omitted[omitted.length] = name;
          }
        }
      }
      const size = stringify(result === undefined ? null : result).length + (locals ? stringify(locals).length : 0);
      if (size > resultCap) {
        return envelope({ error: { name: 'RangeError', message: 'The result is too large: ' + size + ' characters of JSON, the limit is ' + resultCap + '.', stack: '' } });
      }
      return envelope({ hasResult: result !== undefined, result: result, locals: locals, localsOmitted: omitted });
    }

    return function control(op, value, namesJson) {
      if (op === 'finish') return finish(value, namesJson);
      return envelope({});
    };
  };
})()
`;
