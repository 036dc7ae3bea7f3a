/**
 * Hybrid logical clock (Kulkarni et al.), in the string form Actual Budget uses:
 * `2026-01-02T03:04:05.678Z-000A-0123456789abcdef` = wall millis, a 16-bit counter, the device id.
 * Strings compare in time order, and the device suffix makes every timestamp unique across
 * devices, so the timestamp alone is the identity of a message.
 */
export const HLC_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z-[0-9A-F]{4}-[0-9a-f]{16}$/;
export const DEVICE_ID_PATTERN = /^[0-9a-f]{16}$/;
const MAX_COUNTER = 0xffff;

export interface Timestamp {
  millis: number;
  counter: number;
  node: string;
}

/** A timestamp further ahead of this device's clock than the bound: someone's clock is wrong. */
export class ClockDriftError extends Error {
  constructor(
    readonly driftMs: number,
    readonly boundMs: number,
  ) {
    super(
      `A clock is ${Math.round(driftMs / 1000)} s ahead of this computer's (the limit is ${Math.round(boundMs / 1000)} s). ` +
        'Check the date and time settings on this computer and on your other devices, then sync again.',
    );
    this.name = 'ClockDriftError';
  }
}

export class ClockOverflowError extends Error {
  constructor() {
    super('More than 65,535 changes in one millisecond; the clock counter overflowed.');
    this.name = 'ClockOverflowError';
  }
}

export function formatTimestamp(t: Timestamp): string {
  return `${new Date(t.millis).toISOString()}-${t.counter.toString(16).toUpperCase().padStart(4, '0')}-${t.node}`;
}

export function parseTimestamp(s: string): Timestamp | null {
  if (!HLC_PATTERN.test(s)) return null;
  const millis = Date.parse(s.slice(0, 24));
  if (!Number.isFinite(millis)) return null;
  return { millis, counter: parseInt(s.slice(25, 29), 16), node: s.slice(30) };
}

export class HybridClock {
  private last: Timestamp;

  constructor(
    readonly node: string,
    private readonly now: () => number,
    /** How far a timestamp may run ahead of the physical clock before it is refused. */
    readonly maxDriftMs: number,
    last?: string | null,
  ) {
    if (!DEVICE_ID_PATTERN.test(node)) throw new Error(`Invalid device id ${node}`);
    const parsed = last ? parseTimestamp(last) : null;
    this.last = { millis: parsed?.millis ?? 0, counter: parsed?.counter ?? 0, node };
  }

  /**
   * How far ahead of this computer's clock the last local timestamp had to be (0 = fine). A local
   * edit is never refused for it: the sync engine reports it and stops syncing instead.
   */
  driftMs = 0;

  /** A fresh timestamp for a local change. */
  send(): string {
    const phys = this.now();
    const millis = Math.max(this.last.millis, phys);
    const counter = millis === this.last.millis ? this.last.counter + 1 : 0;
    if (counter > MAX_COUNTER) throw new ClockOverflowError();
    this.driftMs = millis - phys > this.maxDriftMs ? millis - phys : 0;
    this.last = { millis, counter, node: this.node };
    return formatTimestamp(this.last);
  }

  /** Merge a remote timestamp so later local changes sort after everything already seen. */
  recv(remote: string): void {
    const r = parseTimestamp(remote);
    if (!r) throw new Error(`Invalid timestamp ${remote}`);
    const phys = this.now();
    if (r.millis - phys > this.maxDriftMs) throw new ClockDriftError(r.millis - phys, this.maxDriftMs);
    const millis = Math.max(this.last.millis, r.millis, phys);
    let counter: number;
    if (millis === this.last.millis && millis === r.millis)
      counter = Math.max(this.last.counter, r.counter) + 1;
    else if (millis === this.last.millis) counter = this.last.counter + 1;
    else if (millis === r.millis) counter = r.counter + 1;
    else counter = 0;
    this.check(millis, counter, phys);
    this.last = { millis, counter, node: this.node };
  }

  /** Throws what `recv` would throw, without advancing: lets a whole batch be vetted first. */
  vet(remote: string): void {
    const r = parseTimestamp(remote);
    if (!r) throw new Error(`Invalid timestamp ${remote}`);
    const phys = this.now();
    if (r.millis - phys > this.maxDriftMs) throw new ClockDriftError(r.millis - phys, this.maxDriftMs);
  }

  private check(millis: number, counter: number, phys: number): void {
    if (millis - phys > this.maxDriftMs) throw new ClockDriftError(millis - phys, this.maxDriftMs);
    if (counter > MAX_COUNTER) throw new ClockOverflowError();
  }
}
