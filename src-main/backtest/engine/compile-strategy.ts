/**
 * Turns strategy source text into a strategy module. The source is a plain script that defines
 * `onBar` (required) and optionally `params` and `init` at top level (docs/strategy-api.md).
 *
 * It is compiled with the `Function` constructor of whatever realm the engine runs in. In the app
 * that realm is the sandbox isolate (no Node, no fs, no network), so user code only ever sees the
 * isolate's globals. When the engine runs in-process (tests, the benchmark, the CLI until the
 * sandbox lands) `Function` is the host's and user code could reach Node globals: in-process
 * evaluation is for trusted code in tests and benchmarks only; the app always runs user code in
 * the sandbox.
 */
import type { ParamSpec, ParamSpecs, ParamValues } from './types.js';
import { StrategyError } from './types.js';
import type { StrategyContext } from './strategy-context.js';

export interface StrategyModule {
  params: ParamSpecs;
  init: ((ctx: StrategyContext) => void) | null;
  onBar: (ctx: StrategyContext) => void;
}

const EXPORTS =
  '\n;return {' +
  ' params: typeof params === "undefined" ? undefined : params,' +
  ' init: typeof init === "undefined" ? undefined : init,' +
  ' onBar: typeof onBar === "undefined" ? undefined : onBar };';

export function compileStrategy(source: string): StrategyModule {
  let factory: () => unknown;
  try {
    factory = new Function('"use strict";\n' + source + EXPORTS) as () => unknown;
  } catch (err) {
    throw new StrategyError('syntax', err instanceof Error ? err.message : String(err));
  }
  let raw: unknown;
  try {
    raw = factory();
  } catch (err) {
    throw new StrategyError('runtime', `While loading the strategy: ${errorText(err)}`);
  }
  const mod = raw as { params?: unknown; init?: unknown; onBar?: unknown };
  if (typeof mod.onBar !== 'function') {
    throw new StrategyError('invalid', 'The strategy must define a function onBar(ctx).');
  }
  if (mod.init !== undefined && typeof mod.init !== 'function') {
    throw new StrategyError('invalid', 'init must be a function init(ctx) when it is defined.');
  }
  return {
    params: validateSpecs(mod.params),
    init: (mod.init as StrategyModule['init']) ?? null,
    onBar: mod.onBar as StrategyModule['onBar'],
  };
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function validateSpecs(raw: unknown): ParamSpecs {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new StrategyError(
      'invalid',
      'params must be an object like { fast: { default: 10, min: 2, max: 50 } }.',
    );
  }
  const out: ParamSpecs = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const spec: ParamSpec = isNum(value) ? { default: value } : ({ ...(value as object) } as ParamSpec);
    if (!isNum(spec.default))
      throw new StrategyError('invalid', `Parameter "${name}" needs a numeric default.`);
    for (const k of ['min', 'max', 'step'] as const) {
      if (spec[k] !== undefined && !isNum(spec[k])) {
        throw new StrategyError('invalid', `Parameter "${name}": ${k} must be a number.`);
      }
    }
    if (spec.label !== undefined && typeof spec.label !== 'string') {
      throw new StrategyError('invalid', `Parameter "${name}": label must be text.`);
    }
    const clean: ParamSpec = { default: spec.default };
    if (spec.min !== undefined) clean.min = spec.min;
    if (spec.max !== undefined) clean.max = spec.max;
    if (spec.step !== undefined) clean.step = spec.step;
    if (spec.label !== undefined) clean.label = spec.label;
    if (
      (clean.min !== undefined && clean.default < clean.min) ||
      (clean.max !== undefined && clean.default > clean.max)
    ) {
      throw new StrategyError('invalid', `Parameter "${name}": the default lies outside min..max.`);
    }
    out[name] = clean;
  }
  return out;
}

/** Defaults overridden by the given values, each checked against its declared range. */
export function resolveParams(specs: ParamSpecs, given: ParamValues | undefined): ParamValues {
  const out: ParamValues = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = spec.default;
  for (const [name, value] of Object.entries(given ?? {})) {
    const spec = specs[name];
    if (!spec) throw new StrategyError('invalid', `The strategy has no parameter "${name}".`);
    if (!isNum(value)) throw new StrategyError('invalid', `Parameter "${name}" must be a finite number.`);
    if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
      throw new StrategyError(
        'invalid',
        `Parameter "${name}" = ${value} lies outside ${spec.min ?? '−∞'}..${spec.max ?? '∞'}.`,
      );
    }
    out[name] = value;
  }
  return out;
}
