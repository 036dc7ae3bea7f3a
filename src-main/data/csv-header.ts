import { AppError } from '../errors.js';

/** Where each field sits in a row. `time` is set when date and time are separate columns. */
export interface ColumnMap {
  ts: number;
  time?: number | undefined;
  open: number;
  high: number;
  low: number;
  close: number;
  /** -1 when the file has no volume column (volume is then 0). */
  volume: number;
  symbol?: number | undefined;
  width: number;
}

const ALIASES: Record<string, readonly string[]> = {
  ts: [
    'timestamp',
    'datetime',
    'date_time',
    'date',
    'time',
    'ts',
    'unix',
    'epoch',
    'day',
    'gmt time',
    'local time',
  ],
  open: ['open', 'o', 'open price', 'opening price'],
  high: ['high', 'h', 'high price'],
  low: ['low', 'l', 'low price'],
  close: ['close', 'c', 'close price', 'closing price', 'last', 'price'],
  volume: ['volume', 'vol', 'v', 'qty', 'quantity'],
  symbol: ['symbol', 'ticker', 'sym', 'instrument'],
};

const norm = (h: string): string =>
  h
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/^[<"']+|[>"']+$/g, '')
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, ' ');

/** Reads the header row; throws VALIDATION naming what is missing and what was found. */
export function mapHeader(header: readonly string[]): ColumnMap {
  const names = header.map(norm);
  const find = (aliases: readonly string[], taken: Set<number>): number => {
    for (const a of aliases) {
      const i = names.findIndex((n, idx) => !taken.has(idx) && (n === a || n === a.replace(' ', '_')));
      if (i >= 0) return i;
    }
    return -1;
  };

  if (names.every((n) => n === '' || /^[-+\d.eE:/ tTzZ]+$/.test(n))) {
    throw new AppError(
      'VALIDATION',
      'The file has no header row. Add one naming the columns, e.g. "date,open,high,low,close,volume".',
      { found: header.slice(0, 20) },
    );
  }

  const taken = new Set<number>();
  const pick = (key: string): number => {
    const i = find(ALIASES[key]!, taken);
    if (i >= 0) taken.add(i);
    return i;
  };
  // Exact OHLC names first, so "price" cannot steal the close column from "close".
  const open = pick('open');
  const high = pick('high');
  const low = pick('low');
  const close = pick('close');
  const volume = pick('volume');
  const symbol = pick('symbol');
  let ts: number;
  let time: number | undefined;
  const dateIdx = names.findIndex((n, i) => !taken.has(i) && n === 'date');
  const timeIdx = names.findIndex((n, i) => !taken.has(i) && n === 'time');
  if (dateIdx >= 0 && timeIdx >= 0) {
    ts = dateIdx;
    time = timeIdx;
  } else {
    ts = pick('ts');
  }

  const missing = Object.entries({ 'date/time': ts, open, high, low, close })
    .filter(([, i]) => i < 0)
    .map(([k]) => k);
  if (missing.length > 0) {
    throw new AppError(
      'VALIDATION',
      `The file is missing required columns: ${missing.join(', ')}. Found: ${header
        .slice(0, 20)
        .map((h) => JSON.stringify(h.slice(0, 40)))
        .join(', ')}. Expected a header like "date,open,high,low,close,volume".`,
      { missing, found: header.slice(0, 20) },
    );
  }
  return {
    ts,
    time,
    open,
    high,
    low,
    close,
    volume,
    symbol: symbol >= 0 ? symbol : undefined,
    width: header.length,
  };
}
