/**
 * Incremental indicators: each update is O(1) (rolling high/low amortised O(1) with a monotonic
 * deque), so a strategy with several indicators stays linear in the number of bars. The engine
 * updates every indicator once per bar, in creation order, before calling onBar; an indicator
 * can read another (chaining) because the source is updated first.
 *
 * `value` is NaN until the indicator has seen enough inputs (`ready`); `prev` is the value at the
 * previous bar, which crossovers need. A NaN input (e.g. a chained source still warming up) is
 * skipped: the indicator does not advance.
 */

export interface ValueSource {
  readonly value: number;
}

export abstract class Indicator implements ValueSource {
  value = NaN;
  prev = NaN;
  protected readonly arr: Float64Array | null;
  protected readonly src: ValueSource | null;

  constructor(source: Float64Array | ValueSource) {
    // Not instanceof: columns may come from another realm (a vm context, a worker, the isolate host).
    if (ArrayBuffer.isView(source)) {
      this.arr = source as Float64Array;
      this.src = null;
    } else {
      this.arr = null;
      this.src = source as ValueSource;
    }
  }

  get ready(): boolean {
    return this.value === this.value;
  }

  update(i: number): void {
    this.prev = this.value;
    const x = this.arr !== null ? (this.arr[i] as number) : (this.src as ValueSource).value;
    if (x !== x) return;
    this.push(x, i);
  }

  protected abstract push(x: number, i: number): void;
}

function checkPeriod(name: string, period: number): number {
  if (!Number.isInteger(period) || period < 1 || period > 100_000) {
    throw new RangeError(`${name} period must be a whole number from 1 to 100000 (got ${String(period)}).`);
  }
  return period;
}

/** Simple moving average over a ring buffer with a running sum. */
export class Sma extends Indicator {
  private readonly buf: Float64Array;
  private pos = 0;
  private count = 0;
  private sum = 0;
  constructor(
    source: Float64Array | ValueSource,
    readonly period: number,
  ) {
    super(source);
    this.buf = new Float64Array(checkPeriod('SMA', period));
  }
  // The hot path in one method: no push call per bar (SMA is the most used indicator).
  override update(i: number): void {
    this.prev = this.value;
    const x = this.arr !== null ? (this.arr[i] as number) : (this.src as ValueSource).value;
    if (x !== x) return;
    const n = this.period;
    const pos = this.pos;
    if (this.count < n) this.count++;
    else this.sum -= this.buf[pos] as number;
    this.buf[pos] = x;
    this.sum += x;
    this.pos = pos + 1 === n ? 0 : pos + 1;
    if (this.count === n) this.value = this.sum / n;
  }
  protected push(x: number): void {
    const n = this.period;
    if (this.count < n) {
      this.count++;
    } else {
      this.sum -= this.buf[this.pos] as number;
    }
    this.buf[this.pos] = x;
    this.sum += x;
    this.pos = this.pos + 1 === n ? 0 : this.pos + 1;
    if (this.count === n) this.value = this.sum / n;
  }
}

/** Exponential moving average, alpha = 2/(n+1), seeded with the SMA of the first n inputs. */
export class Ema extends Indicator {
  private readonly alpha: number;
  private count = 0;
  private seed = 0;
  constructor(
    source: Float64Array | ValueSource,
    readonly period: number,
  ) {
    super(source);
    this.alpha = 2 / (checkPeriod('EMA', period) + 1);
  }
  protected push(x: number): void {
    if (this.count < this.period) {
      this.seed += x;
      if (++this.count === this.period) this.value = this.seed / this.period;
      return;
    }
    this.value += this.alpha * (x - this.value);
  }
}

/** Wilder's RSI: average gain/loss seeded with the simple mean of the first n changes. */
export class Rsi extends Indicator {
  private last = NaN;
  private count = 0;
  private gain = 0;
  private loss = 0;
  constructor(
    source: Float64Array | ValueSource,
    readonly period: number,
  ) {
    super(source);
    checkPeriod('RSI', period);
  }
  protected push(x: number): void {
    const last = this.last;
    this.last = x;
    if (last !== last) return;
    const d = x - last;
    const g = d > 0 ? d : 0;
    const l = d < 0 ? -d : 0;
    const n = this.period;
    if (this.count < n) {
      this.gain += g;
      this.loss += l;
      if (++this.count < n) return;
      this.gain /= n;
      this.loss /= n;
    } else {
      this.gain = (this.gain * (n - 1) + g) / n;
      this.loss = (this.loss * (n - 1) + l) / n;
    }
    this.value = this.loss === 0 ? (this.gain === 0 ? 50 : 100) : 100 - 100 / (1 + this.gain / this.loss);
  }
}

/** Wilder's average true range; the first bar's true range is high − low. */
export class Atr extends Indicator {
  private prevClose = NaN;
  private count = 0;
  private seed = 0;
  constructor(
    private readonly high: Float64Array,
    private readonly low: Float64Array,
    close: Float64Array,
    readonly period: number,
  ) {
    super(close);
    checkPeriod('ATR', period);
  }
  protected push(close: number, i: number): void {
    const h = this.high[i] as number;
    const l = this.low[i] as number;
    const pc = this.prevClose;
    let tr = h - l;
    if (pc === pc) {
      const a = h > pc ? h - pc : pc - h;
      const b = l > pc ? l - pc : pc - l;
      if (a > tr) tr = a;
      if (b > tr) tr = b;
    }
    this.prevClose = close;
    const n = this.period;
    if (this.count < n) {
      this.seed += tr;
      if (++this.count === n) this.value = this.seed / n;
      return;
    }
    this.value = (this.value * (n - 1) + tr) / n;
  }
}

/** Bollinger bands: SMA ± mult × population standard deviation; `value` is the middle band. */
export class Bollinger extends Indicator {
  upper = NaN;
  lower = NaN;
  prevUpper = NaN;
  prevLower = NaN;
  private readonly buf: Float64Array;
  private pos = 0;
  private count = 0;
  private sum = 0;
  private sumSq = 0;
  constructor(
    source: Float64Array | ValueSource,
    readonly period: number,
    readonly mult: number,
  ) {
    super(source);
    this.buf = new Float64Array(checkPeriod('Bollinger', period));
  }
  get middle(): number {
    return this.value;
  }
  override update(i: number): void {
    this.prevUpper = this.upper;
    this.prevLower = this.lower;
    super.update(i);
  }
  protected push(x: number): void {
    const n = this.period;
    if (this.count < n) {
      this.count++;
    } else {
      const old = this.buf[this.pos] as number;
      this.sum -= old;
      this.sumSq -= old * old;
    }
    this.buf[this.pos] = x;
    this.sum += x;
    this.sumSq += x * x;
    this.pos = this.pos + 1 === n ? 0 : this.pos + 1;
    if (this.count < n) return;
    const mean = this.sum / n;
    const variance = this.sumSq / n - mean * mean;
    const sd = variance > 0 ? Math.sqrt(variance) : 0;
    this.value = mean;
    this.upper = mean + this.mult * sd;
    this.lower = mean - this.mult * sd;
  }
}

/**
 * Highest (or lowest) input over the last n inputs, including the current bar. A monotonic deque
 * in two ring arrays keeps each update amortised O(1).
 */
export class RollingExtreme extends Indicator {
  private readonly vals: Float64Array;
  private readonly idx: Float64Array;
  private head = 0;
  private size = 0;
  private seen = 0;
  constructor(
    source: Float64Array | ValueSource,
    readonly period: number,
    private readonly highest: boolean,
  ) {
    super(source);
    checkPeriod(highest ? 'Highest' : 'Lowest', period);
    this.vals = new Float64Array(period + 1);
    this.idx = new Float64Array(period + 1);
  }
  protected push(x: number): void {
    const cap = this.vals.length;
    const t = this.seen++;
    // Drop from the back everything the new input dominates.
    while (this.size > 0) {
      const back = (this.head + this.size - 1) % cap;
      const v = this.vals[back] as number;
      if (this.highest ? v <= x : v >= x) this.size--;
      else break;
    }
    const at = (this.head + this.size) % cap;
    this.vals[at] = x;
    this.idx[at] = t;
    this.size++;
    // Drop from the front what slid out of the window.
    while ((this.idx[this.head] as number) <= t - this.period) {
      this.head = (this.head + 1) % cap;
      this.size--;
    }
    if (this.seen >= this.period) this.value = this.vals[this.head] as number;
  }
}
