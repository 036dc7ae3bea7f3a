/**
 * The code that runs INSIDE a backtest context, after the sandbox runtime (runtime.ts) and the
 * engine bundle (which defines `globalThis.QdEngine`). A string on purpose, like runtime.ts: it
 * imports nothing and sees nothing of the host; it is compiled once per isolate.
 *
 * It empties the engine's global binding (strategy code has no business with it), captures
 * the intrinsics it needs before any user code runs, and returns the entry function the host
 * keeps as a Reference (never on the global object):
 *
 *   entry('describe', source) → { json }               json = { params }
 *   entry('session', …same as 'run'…) a sweep session's run: the first one passes the columns
 *                        (kept for the session), later ones pass none and get the pristine bars.
 *   entry('run', source, configJson, full, progress, ts, open, high, low, close, volume)
 *     → { json, buf? }   full: json = everything but the float series + `layout`; buf = every
 *                        series back to back (one ArrayBuffer). metrics: json = { metrics }.
 *     → { json }         json = { cancelled: true } when `progress` answered false,
 *                        json = { error: { kind, message, barIndex } } when the strategy failed.
 *
 * `progress` is a host Reference called every 65,536 bars (the only boundary crossing during
 * the loop); it answers false once main asked to cancel. Everything, JSON included, is produced
 * here, inside the run's time limit: what the host copies out is a null-prototype object holding
 * one string and one ArrayBuffer, so the copy runs no code of the strategy's (no getters, no
 * toJSON, no proxies).
 */
export const ENGINE_ENTRY_FILENAME = 'qd-engine-entry.js';

export const ENGINE_ENTRY_SOURCE = String.raw`
(function () {
  'use strict';
  const G = globalThis;
  const E = G.QdEngine;
  // The bundle's var is a non-configurable global: it cannot be deleted, only emptied.
  G.QdEngine = undefined;
  const runBacktest = E.runBacktest;
  const compileStrategy = E.compileStrategy;
  const TRADE_FIELDS = E.TRADE_FIELDS.slice();
  const FILL_FIELDS = E.FILL_FIELDS.slice();
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const create = Object.create;
  const define = Object.defineProperty;
  const apply = Reflect.apply;
  const F64 = Float64Array;
  const AB = ArrayBuffer;
  const setF64 = F64.prototype.set;
  const lengthOf = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(F64.prototype), 'length').get;
  const Str = String;
  const NumberIsFinite = Number.isFinite;

  function cut(s, n) {
    return s.length > n ? s.slice(0, n) : s;
  }

  function out(json, buf) {
    const o = create(null);
    define(o, 'json', { value: json, enumerable: true });
    if (buf !== undefined) define(o, 'buf', { value: buf, enumerable: true });
    return o;
  }

  function failure(e) {
    let kind = 'runtime';
    let message = 'The strategy failed.';
    let barIndex = null;
    try {
      if (e !== null && typeof e === 'object' && e.name === 'StrategyError') {
        const k = e.kind;
        kind = k === 'syntax' || k === 'invalid' ? k : 'runtime';
        barIndex = typeof e.barIndex === 'number' && NumberIsFinite(e.barIndex) ? e.barIndex : null;
        message = cut(Str(e.message), 2000);
      } else if (e !== null && typeof e === 'object') {
        message = cut(Str(e.name) + ': ' + Str(e.message), 2000);
      } else {
        message = cut('Uncaught ' + Str(e), 2000);
      }
    } catch (inner) {
      message = 'The strategy threw a value that could not be described.';
    }
    return out(stringify({ error: { kind: kind, message: message, barIndex: barIndex } }));
  }

  function pack(r, detail) {
    // No ts: it is a slice of the bars main already has (startIndex, bars), 8 bytes a bar saved.
    // No drawdown: main recomputes it from equity in one pass, cheaper than 8 bytes a bar on the
    // wire. Position only on request (nothing persists it).
    const series = [['equity', r.equity]];
    if (detail) series[series.length] = ['position', r.position];
    for (let i = 0; i < TRADE_FIELDS.length; i++) series[series.length] = ['trades.' + TRADE_FIELDS[i], r.trades[TRADE_FIELDS[i]]];
    for (let i = 0; i < FILL_FIELDS.length; i++) series[series.length] = ['fills.' + FILL_FIELDS[i], r.fills[FILL_FIELDS[i]]];
    let total = 0;
    for (let i = 0; i < series.length; i++) total += series[i][1].length;
    const buf = new AB(total * 8);
    const all = new F64(buf);
    const layout = [];
    let at = 0;
    for (let i = 0; i < series.length; i++) {
      const a = series[i][1];
      apply(setF64, all, [a, at]);
      layout[layout.length] = [series[i][0], at, a.length];
      at += a.length;
    }
    const rest = {
      startIndex: r.startIndex,
      bars: r.bars,
      params: r.params,
      orders: detail ? r.orders : [],
      logs: r.logs,
      logsDropped: r.logsDropped,
      metrics: r.metrics,
      layout: layout,
    };
    return out(stringify(rest), buf);
  }

  // A sweep session's bars: the columns its first run copied in (work, what the engine reads) and
  // a pristine copy only this closure can reach. Every later run of the session first restores
  // work from pristine, so whatever a set wrote into the bars (or a buffer it detached) is undone.
  let held = null;

  function sessionColumns(cols) {
    if (cols[0] !== undefined) {
      const pristine = [];
      for (let i = 0; i < 6; i++) pristine[i] = new F64(cols[i]);
      held = { work: cols, pristine: pristine };
      return cols;
    }
    const w = held.work;
    const p = held.pristine;
    for (let i = 0; i < 6; i++) {
      if (apply(lengthOf, w[i], []) === apply(lengthOf, p[i], [])) apply(setF64, w[i], [p[i]]);
      else w[i] = new F64(p[i]);
    }
    return w;
  }

  return function entry(op, source, configJson, full, progress, ts, open, high, low, close, volume) {
    try {
      if (op === 'describe') return out(stringify({ params: compileStrategy(source).params }));
      const config = parse(configJson);
      const c = op === 'session' ? sessionColumns([ts, open, high, low, close, volume]) : [ts, open, high, low, close, volume];
      const r = runBacktest({
        columns: { ts: c[0], open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5] },
        strategySource: source,
        params: config.params,
        costs: config.costs,
        range: config.range,
        // Orders only when asked for (detail): nothing persists them, and keeping tens of
        // thousands of order objects costs more than the bar loop.
        keepOrders: full && config.detail === true,
        onProgress: function (done, total) {
          return progress.applySync(undefined, [done, total]) !== false;
        },
      });
      if (r.cancelled) return out(stringify({ cancelled: true }));
      return full ? pack(r, config.detail === true) : out(stringify({ metrics: r.metrics }));
    } catch (e) {
      return failure(e);
    }
  };
})()
`;
