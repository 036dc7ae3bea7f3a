/**
 * Indicators. A strategy creates them in init(ctx); the engine then computes them a chunk of bars
 * at a time (CHUNK bars, before the bar loop runs over that chunk), each in one tight loop over
 * its input, in creation order so a chained indicator reads values its source already holds.
 * During the bar loop an indicator does no work: `value` and `prev` read its chunk buffer at the
 * current bar. Buffers stay small (CHUNK values, in cache), whatever the run's length.
 *
 * Look-ahead stays impossible: the buffers, the inputs and the cursor that says which bar is
 * current live in true private fields (#), which no strategy code can reach (TypeScript's
 * `private` is an ordinary property), and the only ways in are the friend functions this module
 * hands to the engine alone. Nothing here passes a bar column to a global or prototype function
 * a strategy could have replaced.
 *
 * Semantics (docs/strategy-api.md, "Indicators"): `value` is NaN until the indicator has seen
 * enough inputs (`ready`); `prev` is the value at the previous bar (NaN on the run's first bar);
 * a NaN input (e.g. a chained source still warming up) is skipped: the indicator does not
 * advance and keeps its value. The arithmetic is the incremental form's, step for step, so
 * results do not depend on the chunk size.
 */

export interface ValueSource {
  readonly value: number;
}

/** Bars per chunk: the indicators' buffers hold this many values (plus two, see `Indicator`). */
export const CHUNK = 4096;

// Captured when the engine loads, before any strategy code runs: a strategy may replace the
// globals, and a replaced constructor or Math.sqrt would be handed buffers or values of bars
// it has not reached yet. Buffers are filled by index, never by a prototype method, for the
// same reason.
const F64 = Float64Array;
const sqrt = Math.sqrt;

/** A buffer of CHUNK + 2 values, all NaN. */
function chunkBuffer(): Float64Array {
  const b = new F64(CHUNK + 2);
  for (let i = 0; i < b.length; i++) b[i] = NaN;
  return b;
}

/** Which bar the strategy is on; shared by the context and its indicators, never exposed. */
export class BarCursor {
  /** Bar number within the run (0 = its first bar); -1 while init runs. */
  i = -1;
  /** The bar's index in the columns (the run's first bar while init runs). */
  j = 0;
  /** The bar's place in the current chunk; -1 while init runs. */
  k = -1;
}

/**
 * An indicator's input: a bar column read from `offset` (the run's first bar), or an earlier
 * indicator's values.
 */
export type IndicatorInput = { readonly column: Float64Array; readonly offset: number } | Indicator;

/**
 * Turns `n` inputs `src[off..off+n)` into values `out[2..2+n)`, carrying its state (windows,
 * sums, counts) from one chunk to the next.
 */
interface Kernel {
  run(src: Float64Array, off: number, n: number, out: Float64Array): void;
}

/** Whether src[from..to) holds NaN or ±Infinity (x·0 is NaN exactly for those). */
function hasNonFinite(src: Float64Array, from: number, to: number): boolean {
  let s = 0;
  for (let i = from; i < to; i++) s += (src[i] as number) * 0;
  return s !== s;
}

let advanceOne: (ind: Indicator, runIndex: number, n: number) => void;
let brand: (x: unknown) => x is Indicator;

/** Whether x is one of our indicators (a private-field check: nothing a strategy can fake). */
export function isIndicator(x: unknown): x is Indicator {
  return brand(x);
}

/**
 * Computes the values of bars [runIndex, runIndex + n) of the run (n ≤ CHUNK) for every
 * indicator, in creation order (engine only).
 */
export function advanceIndicators(inds: readonly Indicator[], runIndex: number, n: number): void {
  for (let k = 0; k < inds.length; k++) advanceOne(inds[k] as Indicator, runIndex, n);
}

export abstract class Indicator implements ValueSource {
  readonly #cursor: BarCursor;
  readonly #input: IndicatorInput;
  readonly #kernel: Kernel;
  /**
   * [0] NaN (what `prev` reads in init), [1] the value at the previous chunk's last bar (NaN
   * before the first chunk), [2 + k] the value at the current chunk's bar k.
   */
  readonly #buf = chunkBuffer();
  #last = 0;

  static {
    brand = (x): x is Indicator => typeof x === 'object' && x !== null && #buf in x;
    advanceOne = (ind, runIndex, n) => {
      const buf = ind.#buf;
      buf[1] = buf[ind.#last + 1] as number;
      const input = ind.#input;
      if (#buf in input) ind.#kernel.run((input as Indicator).#buf, 2, n, buf);
      else ind.#kernel.run(input.column, input.offset + runIndex, n, buf);
      ind.#last = n;
    };
  }

  protected constructor(cursor: BarCursor, input: IndicatorInput, kernel: Kernel) {
    this.#cursor = cursor;
    this.#input = input;
    this.#kernel = kernel;
  }

  /** Value at the current bar (NaN while warming up, and in init). */
  get value(): number {
    return this.#buf[this.#cursor.k + 2] as number;
  }

  /** Value at the previous bar (NaN on the run's first bar, and in init). */
  get prev(): number {
    return this.#buf[this.#cursor.k + 1] as number;
  }

  get ready(): boolean {
    const v = this.value;
    return v === v;
  }
}

export function checkPeriod(name: string, period: number): number {
  if (!Number.isInteger(period) || period < 1 || period > 100_000) {
    throw new RangeError(`${name} period must be a whole number from 1 to 100000 (got ${String(period)}).`);
  }
  return period;
}

/** An indicator over one input with a checked period; the kernel holds the arithmetic. */
abstract class PeriodIndicator extends Indicator {
  readonly period: number;
  protected constructor(
    name: string,
    cursor: BarCursor,
    input: IndicatorInput,
    period: number,
    kernel: (p: number) => Kernel,
  ) {
    const p = checkPeriod(name, period);
    super(cursor, input, kernel(p));
    this.period = p;
  }
}

/** Running-sum window: the state of the SMA (and the middle of the Bollinger bands). */
class SmaKernel implements Kernel {
  private readonly win: Float64Array;
  private pos = 0;
  private count = 0;
  private sum = 0;
  private value = NaN;
  constructor(private readonly p: number) {
    this.win = new F64(p);
  }
  run(src: Float64Array, off: number, n: number, out: Float64Array): void {
    const p = this.p;
    const win = this.win;
    let { pos, count, sum, value } = this;
    let i = 0;
    for (; i < n && count < p; i++) {
      const x = src[off + i] as number;
      if (x === x) {
        count++;
        win[pos] = x;
        sum += x;
        pos = pos + 1 === p ? 0 : pos + 1;
        if (count === p) value = sum / p;
      }
      out[i + 2] = value;
    }
    if (i < n && !hasNonFinite(src, off + i, off + n)) {
      // Warmed up and no NaN to skip: the same steps without the checks (measured 5× faster).
      for (; i < n; i++) {
        const x = src[off + i] as number;
        sum -= win[pos] as number;
        win[pos] = x;
        sum += x;
        pos = pos + 1 === p ? 0 : pos + 1;
        value = sum / p;
        out[i + 2] = value;
      }
    }
    for (; i < n; i++) {
      const x = src[off + i] as number;
      if (x === x) {
        sum -= win[pos] as number;
        win[pos] = x;
        sum += x;
        pos = pos + 1 === p ? 0 : pos + 1;
        value = sum / p;
      }
      out[i + 2] = value;
    }
    this.pos = pos;
    this.count = count;
    this.sum = sum;
    this.value = value;
  }
}

/** Simple moving average over a ring buffer with a running sum. */
export class Sma extends PeriodIndicator {
  constructor(cursor: BarCursor, input: IndicatorInput, period: number) {
    super('SMA', cursor, input, period, (p) => new SmaKernel(p));
  }
}

class EmaKernel implements Kernel {
  private readonly alpha: number;
  private count = 0;
  private seed = 0;
  private value = NaN;
  constructor(private readonly p: number) {
    this.alpha = 2 / (p + 1);
  }
  run(src: Float64Array, off: number, n: number, out: Float64Array): void {
    const p = this.p;
    const alpha = this.alpha;
    let { count, seed, value } = this;
    let i = 0;
    for (; i < n && count < p; i++) {
      const x = src[off + i] as number;
      if (x === x) {
        seed += x;
        if (++count === p) value = seed / p;
      }
      out[i + 2] = value;
    }
    if (i < n && !hasNonFinite(src, off + i, off + n)) {
      for (; i < n; i++) {
        value += alpha * ((src[off + i] as number) - value);
        out[i + 2] = value;
      }
    }
    for (; i < n; i++) {
      const x = src[off + i] as number;
      if (x === x) value += alpha * (x - value);
      out[i + 2] = value;
    }
    this.count = count;
    this.seed = seed;
    this.value = value;
  }
}

/** Exponential moving average, alpha = 2/(n+1), seeded with the SMA of the first n inputs. */
export class Ema extends PeriodIndicator {
  constructor(cursor: BarCursor, input: IndicatorInput, period: number) {
    super('EMA', cursor, input, period, (p) => new EmaKernel(p));
  }
}

class RsiKernel implements Kernel {
  private last = NaN;
  private count = 0;
  private gain = 0;
  private loss = 0;
  private value = NaN;
  constructor(private readonly p: number) {}
  run(src: Float64Array, off: number, n: number, out: Float64Array): void {
    const p = this.p;
    let { last, count, gain, loss, value } = this;
    for (let i = 0; i < n; i++) {
      const x = src[off + i] as number;
      if (x === x) {
        const before = last;
        last = x;
        if (before === before) {
          const d = x - before;
          const g = d > 0 ? d : 0;
          const l = d < 0 ? -d : 0;
          let ready = true;
          if (count < p) {
            gain += g;
            loss += l;
            if (++count < p) ready = false;
            else {
              gain /= p;
              loss /= p;
            }
          } else {
            gain = (gain * (p - 1) + g) / p;
            loss = (loss * (p - 1) + l) / p;
          }
          if (ready) value = loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);
        }
      }
      out[i + 2] = value;
    }
    this.last = last;
    this.count = count;
    this.gain = gain;
    this.loss = loss;
    this.value = value;
  }
}

/** Wilder's RSI: average gain/loss seeded with the simple mean of the first n changes. */
export class Rsi extends PeriodIndicator {
  constructor(cursor: BarCursor, input: IndicatorInput, period: number) {
    super('RSI', cursor, input, period, (p) => new RsiKernel(p));
  }
}

class AtrKernel implements Kernel {
  private prevClose = NaN;
  private count = 0;
  private seed = 0;
  private value = NaN;
  constructor(
    private readonly p: number,
    private readonly high: Float64Array,
    private readonly low: Float64Array,
  ) {}
  /** `close` and its offset also index high and low: all three are bar columns. */
  run(close: Float64Array, off: number, n: number, out: Float64Array): void {
    const { p, high, low } = this;
    let { prevClose, count, seed, value } = this;
    for (let i = 0; i < n; i++) {
      const c = close[off + i] as number;
      if (c === c) {
        const h = high[off + i] as number;
        const l = low[off + i] as number;
        const pc = prevClose;
        let tr = h - l;
        if (pc === pc) {
          const a = h > pc ? h - pc : pc - h;
          const b = l > pc ? l - pc : pc - l;
          if (a > tr) tr = a;
          if (b > tr) tr = b;
        }
        prevClose = c;
        if (count < p) {
          seed += tr;
          if (++count === p) value = seed / p;
        } else {
          value = (value * (p - 1) + tr) / p;
        }
      }
      out[i + 2] = value;
    }
    this.prevClose = prevClose;
    this.count = count;
    this.seed = seed;
    this.value = value;
  }
}

/** Wilder's average true range; the first bar's true range is high − low. */
export class Atr extends PeriodIndicator {
  constructor(
    cursor: BarCursor,
    bars: { high: Float64Array; low: Float64Array; close: Float64Array; offset: number },
    period: number,
  ) {
    const { high, low } = bars;
    super(
      'ATR',
      cursor,
      { column: bars.close, offset: bars.offset },
      period,
      (p) => new AtrKernel(p, high, low),
    );
  }
}

/** The Bollinger kernel writes the middle band to `out` and the outer bands to the buffers it is given. */
class BollingerKernel implements Kernel {
  private readonly win: Float64Array;
  private pos = 0;
  private count = 0;
  private sum = 0;
  private sumSq = 0;
  private mid = NaN;
  private up = NaN;
  private low = NaN;
  private last = 0;
  constructor(
    private readonly p: number,
    private readonly mult: number,
    private readonly upper: Float64Array,
    private readonly lower: Float64Array,
  ) {
    this.win = new F64(p);
  }
  run(src: Float64Array, off: number, n: number, out: Float64Array): void {
    const { p, mult, win, upper, lower } = this;
    upper[1] = upper[this.last + 1] as number;
    lower[1] = lower[this.last + 1] as number;
    this.last = n;
    let { pos, count, sum, sumSq, mid, up, low } = this;
    for (let i = 0; i < n; i++) {
      const x = src[off + i] as number;
      if (x === x) {
        if (count < p) {
          count++;
        } else {
          const old = win[pos] as number;
          sum -= old;
          sumSq -= old * old;
        }
        win[pos] = x;
        sum += x;
        sumSq += x * x;
        pos = pos + 1 === p ? 0 : pos + 1;
        if (count === p) {
          const mean = sum / p;
          const variance = sumSq / p - mean * mean;
          const sd = variance > 0 ? sqrt(variance) : 0;
          mid = mean;
          up = mean + mult * sd;
          low = mean - mult * sd;
        }
      }
      out[i + 2] = mid;
      upper[i + 2] = up;
      lower[i + 2] = low;
    }
    this.pos = pos;
    this.count = count;
    this.sum = sum;
    this.sumSq = sumSq;
    this.mid = mid;
    this.up = up;
    this.low = low;
  }
}

/** Bollinger bands: SMA ± mult × population standard deviation; `value` is the middle band. */
export class Bollinger extends PeriodIndicator {
  readonly mult: number;
  readonly #cursor: BarCursor;
  readonly #upper: Float64Array;
  readonly #lower: Float64Array;

  constructor(cursor: BarCursor, input: IndicatorInput, period: number, mult: number) {
    const upper = chunkBuffer();
    const lower = chunkBuffer();
    super('Bollinger', cursor, input, period, (p) => new BollingerKernel(p, mult, upper, lower));
    this.mult = mult;
    this.#cursor = cursor;
    this.#upper = upper;
    this.#lower = lower;
  }

  get middle(): number {
    return this.value;
  }
  get upper(): number {
    return this.#upper[this.#cursor.k + 2] as number;
  }
  get lower(): number {
    return this.#lower[this.#cursor.k + 2] as number;
  }
  get prevUpper(): number {
    return this.#upper[this.#cursor.k + 1] as number;
  }
  get prevLower(): number {
    return this.#lower[this.#cursor.k + 1] as number;
  }
}

/**
 * Highest (or lowest) input over the last n inputs, including the current bar. A monotonic deque
 * in two ring arrays keeps each step amortised O(1).
 */
class ExtremeKernel implements Kernel {
  private readonly vals: Float64Array;
  private readonly idx: Float64Array;
  private head = 0;
  private size = 0;
  private seen = 0;
  private value = NaN;
  constructor(
    private readonly p: number,
    private readonly highest: boolean,
  ) {
    this.vals = new F64(p + 1);
    this.idx = new F64(p + 1);
  }
  run(src: Float64Array, off: number, n: number, out: Float64Array): void {
    const { p, highest, vals, idx } = this;
    const cap = p + 1;
    let { head, size, seen, value } = this;
    for (let i = 0; i < n; i++) {
      const x = src[off + i] as number;
      if (x === x) {
        const t = seen++;
        // Drop from the back everything the new input dominates.
        while (size > 0) {
          const back = (head + size - 1) % cap;
          const v = vals[back] as number;
          if (highest ? v <= x : v >= x) size--;
          else break;
        }
        const at = (head + size) % cap;
        vals[at] = x;
        idx[at] = t;
        size++;
        // Drop from the front what slid out of the window.
        while ((idx[head] as number) <= t - p) {
          head = (head + 1) % cap;
          size--;
        }
        if (seen >= p) value = vals[head] as number;
      }
      out[i + 2] = value;
    }
    this.head = head;
    this.size = size;
    this.seen = seen;
    this.value = value;
  }
}

export class RollingExtreme extends PeriodIndicator {
  constructor(cursor: BarCursor, input: IndicatorInput, period: number, highest: boolean) {
    super(highest ? 'Highest' : 'Lowest', cursor, input, period, (p) => new ExtremeKernel(p, highest));
  }
}
