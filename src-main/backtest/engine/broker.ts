/**
 * The simulated broker. It never looks ahead: orders a strategy places while handling bar i sit
 * in `pending` and are only considered from bar i+1 on. Each bar is processed in a fixed,
 * documented order (docs/strategy-api.md, "How orders fill"):
 *
 *   1. at the open: the position's stop / take-profit if the open gapped through it (filled at
 *      the open), then pending orders in placement order (market at the open; limit and stop
 *      orders the open already crossed, at the open);
 *   2. intrabar: the position's protective stop (stop-loss or trailing stop, whichever is
 *      tighter), then pending limit and stop orders in placement order, then the take-profit.
 *      When both the stop and the target lie inside one bar the stop wins (conservative).
 *      An entry filled intrabar has its stop checked against the rest of that bar, its
 *      take-profit only from the next bar on.
 *   3. the trailing stop's extreme moves with this bar's high (long) or low (short), after the
 *      checks, so a bar never both raises and triggers its own trailing stop.
 *
 * Market and stop fills pay slippage (adverse); limit fills and take-profits do not.
 */
import type { BarColumns, Costs, FillField, FillReason, OrderRecord, OrderSpec, Side, TradeField } from './types.js';
import { FILL_FIELDS, FILL_REASONS, TRADE_FIELDS } from './types.js';

const REASON = {
  order: FILL_REASONS.indexOf('order'),
  exit: FILL_REASONS.indexOf('exit'),
  stopLoss: FILL_REASONS.indexOf('stopLoss'),
  takeProfit: FILL_REASONS.indexOf('takeProfit'),
  trailingStop: FILL_REASONS.indexOf('trailingStop'),
  end: FILL_REASONS.indexOf('end'),
} satisfies Record<FillReason, number>;

const EPS = 1e-9;

const F64 = Float64Array; // captured before strategy code runs (see run-backtest.ts)

/**
 * Records of a fixed number of fields, row after row in one Float64Array that grows by doubling,
 * split into one exact-length column per field at the end. One buffer per log (not a growing
 * column per field) keeps booking a fill to a bounds check and a few stores, and the booking
 * code monomorphic (plain JS arrays would switch element kinds on the first fractional value).
 */
export class RowLog<K extends string> {
  buf: Float64Array;
  /** Rows written. */
  length = 0;
  private readonly stride: number;
  constructor(private readonly fields: readonly K[]) {
    this.stride = fields.length;
    this.buf = new F64(64 * this.stride);
  }
  /** Offset of a new row in `buf` (read `buf` after this call: it may have grown). */
  add(): number {
    const at = this.length * this.stride;
    if (at + this.stride > this.buf.length) {
      const next = new F64(this.buf.length * 2);
      for (let i = 0; i < at; i++) next[i] = this.buf[i] as number;
      this.buf = next;
    }
    this.length++;
    return at;
  }
  columns(): Record<K, Float64Array> {
    const out = {} as Record<K, Float64Array>;
    const { buf, length, stride } = this;
    for (let f = 0; f < stride; f++) {
      const col = new F64(length);
      for (let r = 0, at = f; r < length; r++, at += stride) col[r] = buf[at] as number;
      out[this.fields[f] as K] = col;
    }
    return out;
  }
}

export class Broker {
  cash: number;
  pos = 0;
  avgPrice = NaN;
  /** Every order placed, kept only when the run was asked for them (`keepOrders`). */
  readonly orders: OrderRecord[] = [];
  readonly trades = new RowLog<TradeField>(TRADE_FIELDS);
  readonly fills = new RowLog<FillField>(FILL_FIELDS);

  /** Orders waiting, in placement order: the first `pendingN` slots (the array never shrinks). */
  private readonly pending: OrderRecord[] = [];
  private pendingN = 0;
  private entryIndex = -1;
  private entryTime = NaN;
  private entryComm = 0;
  // Brackets of the open position (NaN = none).
  private sl = NaN;
  private tp = NaN;
  private trailAbs = NaN;
  private trailPct = NaN;
  private trailExt = NaN;
  private tpFrom = 0;
  private stopWhy: number = REASON.stopLoss;
  private hasBrackets = false;
  private nextId = 1;
  private readonly slipPct: number;
  private readonly slipAbs: number;

  constructor(
    private readonly cols: BarColumns,
    private readonly costs: Costs,
    private readonly keepOrders = true,
  ) {
    this.cash = costs.initialCash;
    this.slipPct = costs.slippagePct / 100;
    this.slipAbs = costs.slippageTicks * costs.tickSize;
  }

  get pendingCount(): number {
    return this.pendingN;
  }

  place(spec: OrderSpec, decidedAt: number): number {
    const rec: OrderRecord = {
      id: this.nextId++,
      decidedAt,
      side: spec.side,
      type: spec.type,
      price: spec.price,
      qty: spec.qty,
      percent: spec.percent,
      closePosition: spec.closePosition,
      stopLoss: spec.stopLoss,
      stopLossPct: spec.stopLossPct,
      takeProfit: spec.takeProfit,
      takeProfitPct: spec.takeProfitPct,
      trailingStop: spec.trailingStop,
      trailingStopPct: spec.trailingStopPct,
      tag: spec.tag,
      status: 'pending',
      closedAt: null,
      note: null,
    };
    if (this.keepOrders) this.orders.push(rec);
    this.pending[this.pendingN++] = rec;
    return rec.id;
  }

  cancel(id: number, at: number): boolean {
    const pending = this.pending;
    const n = this.pendingN;
    let k = 0;
    while (k < n && (pending[k] as OrderRecord).id !== id) k++;
    if (k === n) return false;
    const rec = pending[k] as OrderRecord;
    for (; k + 1 < n; k++) pending[k] = pending[k + 1] as OrderRecord;
    this.pendingN = n - 1;
    rec.status = 'cancelled';
    rec.closedAt = at;
    return true;
  }

  cancelAll(at: number): number {
    const n = this.pendingN;
    for (let k = 0; k < n; k++) {
      const rec = this.pending[k] as OrderRecord;
      rec.status = 'cancelled';
      rec.closedAt = at;
    }
    this.pendingN = 0;
    return n;
  }

  /**
   * True when bar j can change anything: pending orders, or a position with brackets. A position
   * without brackets and no orders needs no per-bar work, which is most bars of most strategies.
   */
  get busy(): boolean {
    return this.pendingN > 0 || (this.pos !== 0 && this.hasBrackets);
  }

  /** Fills for bar j, in the documented order. Only called for j after the first bar. */
  processBar(j: number): void {
    if (this.pos === 0 && this.pendingN === 0) return;
    const o = this.cols.open[j] as number;
    const h = this.cols.high[j] as number;
    const l = this.cols.low[j] as number;

    // 1a. Brackets gapped through at the open.
    if (this.pos !== 0) {
      const lvl = this.stopLevel();
      if (this.pos > 0 ? lvl >= o : lvl <= o) {
        this.closeAll(o, j, this.stopWhy, true);
      } else if (this.tp === this.tp && (this.pos > 0 ? this.tp <= o : this.tp >= o)) {
        this.closeAll(o, j, REASON.takeProfit, false);
      }
    }

    // 1b. Pending orders at the open. Compacted in place (no per-bar arrays): fills never add
    // orders, since only onBar places them and it runs after this.
    const pending = this.pending;
    const n = this.pendingN;
    let w = 0;
    for (let k = 0; k < n; k++) {
      const s = pending[k] as OrderRecord;
      if (s.type === 'market') {
        this.fill(s, o, j, true, true);
      } else if (
        s.type === 'limit' ? s.side * (o - (s.price as number)) <= 0 : s.side * (o - (s.price as number)) >= 0
      ) {
        this.fill(s, o, j, s.type === 'stop', true);
      } else {
        pending[w++] = s;
      }
    }
    this.pendingN = w;

    // 2a. Protective stop inside the bar.
    this.checkStop(j, l, h);

    // 2b. Pending limit and stop orders touched inside the bar.
    if (w > 0) {
      let keep = 0;
      for (let k = 0; k < w; k++) {
        const s = pending[k] as OrderRecord;
        const px = s.price as number;
        const touched =
          s.type === 'limit' ? (s.side > 0 ? l <= px : h >= px) : s.side > 0 ? h >= px : l <= px;
        if (!touched) {
          pending[keep++] = s;
          continue;
        }
        this.fill(s, px, j, s.type === 'stop', false);
        this.checkStop(j, l, h);
      }
      this.pendingN = keep;
    }

    // 2c. Take-profit (not on the bar an intrabar entry filled).
    if (this.pos !== 0 && this.tp === this.tp && this.tpFrom <= j) {
      if (this.pos > 0 ? h >= this.tp : l <= this.tp) this.closeAll(this.tp, j, REASON.takeProfit, false);
    }

    // 3. Trailing extreme follows the bar after the checks.
    if (this.pos !== 0 && this.trailExt === this.trailExt) {
      if (this.pos > 0 ? h > this.trailExt : l < this.trailExt) this.trailExt = this.pos > 0 ? h : l;
    }
  }

  equityAt(price: number): number {
    return this.cash + this.pos * price;
  }

  /** Close everything at a price (end of data). */
  closeAtEnd(j: number, price: number): void {
    this.cancelAll(j);
    if (this.pos !== 0) this.closeAll(price, j, REASON.end, true);
  }

  /**
   * Level of the tighter protective stop (±Infinity when none); its reason goes to `stopWhy`
   * (a field, not a returned tuple: this runs on every bar in the market and must not allocate).
   */
  private stopLevel(): number {
    const long = this.pos > 0;
    let lvl = long ? -Infinity : Infinity;
    let why = REASON.stopLoss;
    if (this.sl !== this.sl && this.trailExt !== this.trailExt) return lvl;
    if (this.sl === this.sl) lvl = this.sl;
    if (this.trailExt === this.trailExt) {
      const t =
        this.trailAbs === this.trailAbs
          ? this.trailExt - (long ? this.trailAbs : -this.trailAbs)
          : this.trailExt * (1 - (long ? this.trailPct : -this.trailPct) / 100);
      if (long ? t > lvl : t < lvl) {
        lvl = t;
        why = REASON.trailingStop;
      }
    }
    this.stopWhy = why;
    return lvl;
  }

  private checkStop(j: number, l: number, h: number): void {
    if (this.pos === 0) return;
    const lvl = this.stopLevel();
    if (this.pos > 0 ? l <= lvl : h >= lvl) this.closeAll(lvl, j, this.stopWhy, true);
  }

  private slip(price: number, side: number): number {
    return price + side * (price * this.slipPct + this.slipAbs);
  }

  private commission(qty: number, price: number): number {
    return this.costs.commissionPerTrade + (this.costs.commissionPct / 100) * qty * price;
  }

  private closeAll(rawPrice: number, j: number, reason: number, slippage: boolean): void {
    const side: Side = this.pos > 0 ? -1 : 1;
    const price = slippage ? this.slip(rawPrice, side) : rawPrice;
    const q = Math.abs(this.pos);
    this.apply(side, q, price, this.commission(q, price), j, reason);
  }

  private reject(rec: OrderRecord, j: number, note: string): void {
    rec.status = 'rejected';
    rec.closedAt = j;
    rec.note = note;
  }

  private fill(
    rec: OrderRecord,
    rawPrice: number,
    j: number,
    slippage: boolean,
    atOpen: boolean,
  ): void {
    const s = rec;
    const pos = this.pos;
    if (s.closePosition) {
      if (pos === 0) {
        rec.status = 'cancelled';
        rec.closedAt = j;
        rec.note = 'no position to exit';
        return;
      }
      rec.status = 'filled';
      rec.closedAt = j;
      this.closeAll(rawPrice, j, REASON.exit, slippage);
      return;
    }
    const side = s.side;
    const price = slippage ? this.slip(rawPrice, side) : rawPrice;
    const c = this.costs;
    let q: number;
    if (s.qty !== null) {
      q = s.qty;
    } else {
      const eq = this.cash + pos * price;
      const reverse = pos * side < 0 ? Math.abs(pos) : 0;
      q = reverse + Math.max(0, ((s.percent as number) / 100) * eq) / (price * (1 + c.commissionPct / 100));
    }
    if (!c.fractional) q = Math.floor(q + EPS);
    let note = 'insufficient equity';
    if (!c.allowShort && side < 0 && pos - q < 0) {
      q = Math.max(0, pos);
      note = 'short selling is disabled';
    }
    const newPos = pos + side * q;
    if (Math.abs(newPos) > Math.abs(pos) || newPos * pos < 0) {
      // Exposure grows: gross notional after the fill must stay within equity × leverage.
      const eq = this.cash + pos * price - this.commission(q, price);
      const maxAbs = Math.max(0, (eq * c.leverage) / price);
      let qMax = side > 0 ? maxAbs - pos : pos + maxAbs;
      if (!c.fractional) qMax = Math.floor(qMax + EPS);
      if (q > qMax) q = Math.max(0, qMax);
    }
    if (!(q > EPS)) {
      this.reject(rec, j, note);
      return;
    }
    rec.status = 'filled';
    rec.closedAt = j;
    const opensOrAdds = pos === 0 || pos * side > 0 || q > Math.abs(pos) + EPS;
    this.apply(side, q, price, this.commission(q, price), j, REASON.order);
    if (opensOrAdds && this.pos !== 0) this.attachBrackets(s, price, j, atOpen);
  }

  private attachBrackets(s: OrderSpec, price: number, j: number, atOpen: boolean): void {
    const long = this.pos > 0;
    const sign = long ? 1 : -1;
    const hasAny =
      s.stopLoss !== null ||
      s.stopLossPct !== null ||
      s.takeProfit !== null ||
      s.takeProfitPct !== null ||
      s.trailingStop !== null ||
      s.trailingStopPct !== null;
    if (!hasAny) return;
    this.sl = s.stopLoss ?? (s.stopLossPct !== null ? price * (1 - (sign * s.stopLossPct) / 100) : NaN);
    this.tp = s.takeProfit ?? (s.takeProfitPct !== null ? price * (1 + (sign * s.takeProfitPct) / 100) : NaN);
    this.trailAbs = s.trailingStop ?? NaN;
    this.trailPct = s.trailingStopPct ?? NaN;
    this.trailExt = s.trailingStop !== null || s.trailingStopPct !== null ? price : NaN;
    this.tpFrom = atOpen ? j : j + 1;
    this.hasBrackets = true;
  }

  private clearBrackets(): void {
    this.hasBrackets = false;
    this.sl = NaN;
    this.tp = NaN;
    this.trailAbs = NaN;
    this.trailPct = NaN;
    this.trailExt = NaN;
  }

  /** Books a fill: position, average price, cash, round-trip trades. */
  private apply(side: Side, q: number, price: number, comm: number, j: number, reason: number): void {
    const time = this.cols.ts[j] as number;
    const fl = this.fills;
    const fa = fl.add();
    const f = fl.buf; // FILL_FIELDS order
    f[fa] = j;
    f[fa + 1] = time;
    f[fa + 2] = side;
    f[fa + 3] = q;
    f[fa + 4] = price;
    f[fa + 5] = comm;
    f[fa + 6] = reason;
    this.cash -= side * q * price + comm;

    const pos = this.pos;
    if (pos === 0 || pos * side > 0) {
      const abs = Math.abs(pos);
      this.avgPrice = pos === 0 ? price : (this.avgPrice * abs + price * q) / (abs + q);
      if (pos === 0) {
        this.entryIndex = j;
        this.entryTime = time;
        this.entryComm = 0;
      }
      this.entryComm += comm;
      this.pos = pos + side * q;
      return;
    }
    const abs = Math.abs(pos);
    const closeQ = Math.min(q, abs);
    const ec = this.entryComm * (closeQ / abs);
    const xc = comm * (closeQ / q);
    this.entryComm -= ec;
    const dir = pos > 0 ? 1 : -1;
    const pnl = (price - this.avgPrice) * closeQ * dir - ec - xc;
    const tl = this.trades;
    const ta = tl.add();
    const t = tl.buf; // TRADE_FIELDS order
    t[ta] = dir;
    t[ta + 1] = closeQ;
    t[ta + 2] = this.entryIndex;
    t[ta + 3] = this.entryTime;
    t[ta + 4] = this.avgPrice;
    t[ta + 5] = j;
    t[ta + 6] = time;
    t[ta + 7] = price;
    t[ta + 8] = pnl;
    t[ta + 9] = pnl / (this.avgPrice * closeQ);
    t[ta + 10] = ec + xc;
    t[ta + 11] = reason;

    let next = pos + side * closeQ;
    if (Math.abs(next) < EPS) next = 0;
    this.pos = next;
    if (next === 0) {
      this.avgPrice = NaN;
      this.entryComm = 0;
      this.clearBrackets();
    }
    const rem = q - closeQ;
    if (rem > EPS) {
      this.pos = side * rem;
      this.avgPrice = price;
      this.entryIndex = j;
      this.entryTime = time;
      this.entryComm = comm - xc;
    }
  }
}
