/**
 * Timestamps as they appear in OHLCV files: ISO-like dates with optional time and offset
 * ("2006-12-29", "2006-12-29 09:30", "2006-12-29T09:30:00.250Z", "2006/12/29"), compact
 * "20061229", or epoch seconds / milliseconds. Strings without an offset are read in the
 * import's time zone (default UTC). Returns epoch ms, or NaN when unparsable.
 */

const ISO =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const TIME_ONLY = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/;
const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Epoch values below this are seconds (it is the year 5138 in seconds, 1973 in ms). */
const SECONDS_BELOW = 1e11;

export type EpochUnit = 's' | 'ms';

export class TimestampParser {
  private readonly zone: string;
  private readonly utc: boolean;
  private readonly offsetCache = new Map<number, number>();
  private fmt: Intl.DateTimeFormat | undefined;
  /** Decided by the first numeric timestamp so one file never mixes seconds and milliseconds. */
  private epochUnit: EpochUnit | undefined;

  constructor(timezone = 'UTC') {
    this.zone = timezone;
    this.utc = timezone === 'UTC' || timezone === 'Etc/UTC';
  }

  parse(text: string, timeText?: string): number {
    const s = text.trim();
    if (s.length === 0) return NaN;
    if (timeText === undefined) {
      const fast = this.fastIso(s);
      if (fast !== undefined) return fast;
    }
    if (timeText === undefined && NUMERIC.test(s)) {
      if (COMPACT.test(s) && Number(s) < 30_000_000) return this.compact(s);
      const v = Number(s);
      this.epochUnit ??= Math.abs(v) < SECONDS_BELOW ? 's' : 'ms';
      return this.epochUnit === 's' ? v * 1000 : v;
    }
    const m = ISO.exec(s);
    if (m) {
      const [, y, mo, d, , , , , off] = m;
      let [, , , , hh, mi, ss, frac] = m;
      if (timeText !== undefined && hh === undefined) {
        const t = TIME_ONLY.exec(timeText.trim());
        if (!t) return NaN;
        [, hh, mi, ss, frac] = t;
      }
      return this.fromFields(+y!, +mo!, +d!, +(hh ?? 0), +(mi ?? 0), +(ss ?? 0), fracMs(frac), off);
    }
    if (timeText === undefined && COMPACT.test(s)) return this.compact(s);
    return NaN;
  }

  /**
   * The common fixed-width shapes ("YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH[:]MM]")
   * read with charCodeAt: a regex and a Date per row cost most of an import's time.
   * Returns undefined for anything else, which then takes the general path.
   */
  private fastIso(s: string): number | undefined {
    const n = s.length;
    if (n < 10) return undefined;
    const sep = s.charCodeAt(4);
    if ((sep !== 45 && sep !== 47) || s.charCodeAt(7) !== sep) return undefined;
    const y = d4(s, 0);
    const mo = d2(s, 5);
    const d = d2(s, 8);
    if (y < 0 || mo < 0 || d < 0) return undefined;
    let h = 0;
    let mi = 0;
    let sec = 0;
    let ms = 0;
    let i = 10;
    if (i < n) {
      const c = s.charCodeAt(i);
      if (c !== 84 && c !== 32) return undefined;
      if (n < 16 || s.charCodeAt(13) !== 58) return undefined;
      h = d2(s, 11);
      mi = d2(s, 14);
      if (h < 0 || mi < 0) return undefined;
      i = 16;
      if (i < n && s.charCodeAt(i) === 58) {
        sec = d2(s, 17);
        if (sec < 0) return undefined;
        i = 19;
        if (i < n && s.charCodeAt(i) === 46) {
          i++;
          let scale = 100;
          const start = i;
          while (i < n) {
            const dc = s.charCodeAt(i) - 48;
            if (dc < 0 || dc > 9) break;
            ms += dc * scale;
            scale /= 10;
            i++;
          }
          if (i === start) return undefined;
          ms = Math.floor(ms);
        }
      }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return NaN;
    const wall = daysFromCivil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
    if (i === n) return this.utc ? wall : this.zoned(wall);
    const c = s.charCodeAt(i);
    if ((c === 90 || c === 122) && i + 1 === n) return wall;
    if (c !== 43 && c !== 45) return undefined;
    const oh = d2(s, i + 1);
    const colon = s.charCodeAt(i + 3) === 58 ? 1 : 0;
    const om = d2(s, i + 3 + colon);
    if (oh < 0 || om < 0 || i + 5 + colon !== n) return undefined;
    return wall - (c === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
  }

  /** Wall-clock time in the zone: subtract the zone's offset, re-checked at the result for DST. */
  private zoned(wall: number): number {
    const first = wall - this.offsetAt(wall);
    return wall - this.offsetAt(first);
  }

  private compact(s: string): number {
    const m = COMPACT.exec(s)!;
    return this.fromFields(+m[1]!, +m[2]!, +m[3]!, 0, 0, 0, 0, undefined);
  }

  private fromFields(
    y: number,
    mo: number,
    d: number,
    h: number,
    mi: number,
    s: number,
    ms: number,
    off?: string,
  ): number {
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return NaN;
    const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
    // Date.UTC rolls Feb 30 into March; a date that does not exist is unparsable, not moved.
    if (new Date(wall).getUTCDate() !== d) return NaN;
    if (off !== undefined) {
      if (off === 'Z' || off === 'z') return wall;
      const sign = off[0] === '-' ? -1 : 1;
      const digits = off.slice(1).replace(':', '');
      return wall - sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
    }
    if (this.utc) return wall;
    return this.zoned(wall);
  }

  /** The zone's offset from UTC (ms) at an instant, cached per hour. */
  private offsetAt(utcMs: number): number {
    const hour = Math.floor(utcMs / 3_600_000);
    const hit = this.offsetCache.get(hour);
    if (hit !== undefined) return hit;
    this.fmt ??= new Intl.DateTimeFormat('en-US', {
      timeZone: this.zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const parts: Record<string, number> = {};
    for (const p of this.fmt.formatToParts(new Date(hour * 3_600_000))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    const asUtc = Date.UTC(
      parts.year!,
      parts.month! - 1,
      parts.day!,
      parts.hour!,
      parts.minute!,
      parts.second!,
    );
    const offset = asUtc - hour * 3_600_000;
    if (this.offsetCache.size > 100_000) this.offsetCache.clear();
    this.offsetCache.set(hour, offset);
    return offset;
  }
}

function fracMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Number((frac + '00').slice(0, 3));
}

function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function d4(s: string, i: number): number {
  const a = d2(s, i);
  const b = d2(s, i + 2);
  return a < 0 || b < 0 ? -1 : a * 100 + b;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
