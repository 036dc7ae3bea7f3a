import { Transform, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';
import { AppError } from '../errors.js';
import type { RejectSample } from '../storage/import-history.js';
import { ColumnBuilder, sortAndDedupe, type BarColumns } from './columns.js';
import { mapHeader, type ColumnMap } from './csv-header.js';
import { TimestampParser } from './timestamps.js';

/**
 * The longest line accepted. An OHLCV row is well under 200 bytes; without a cap one endless
 * line (a binary dump, a minified JSON file) would make the parser buffer all of it.
 */
export const MAX_LINE_BYTES = 64 * 1024;
export const MAX_REJECT_SAMPLES = 10;

export type RejectReason =
  | 'missing_fields'
  | 'bad_timestamp'
  | 'bad_number'
  | 'negative_volume'
  | 'high_below_open_close'
  | 'low_above_open_close'
  | 'other_symbol';

export interface ParseOptions {
  timezone: string;
  signal: AbortSignal;
  /** Raw bytes seen so far; called once per chunk. */
  onBytes?: (bytesRead: number) => void;
  /** Receives every raw chunk before it is parsed (the file store); awaited, so it applies backpressure. */
  sink?: (chunk: Uint8Array) => Promise<void>;
}

export interface ParsedCsv {
  bars: BarColumns;
  rowsAccepted: number;
  rowsRejected: number;
  duplicates: number;
  duplicateSamples: number[];
  reasons: Record<string, number>;
  samples: RejectSample[];
  wasUnsorted: boolean;
  symbolFromFile: string | undefined;
  bytesRead: number;
}

export const cancelledError = (): AppError => new AppError('CANCELLED', 'The import was cancelled.');

/**
 * Streams a CSV through papaparse in chunks, validating rows into typed columns as they come.
 * Memory stays bounded by the chunk size plus the columns themselves.
 */
export function parseCsv(source: Readable, opts: ParseOptions): Promise<ParsedCsv> {
  const guard = new LineGuard(opts);
  source.on('error', (err) => guard.destroy(err));
  source.pipe(guard);

  const tp = new TimestampParser(opts.timezone);
  const builder = new ColumnBuilder();
  const reasons: Record<string, number> = {};
  const samples: RejectSample[] = [];
  let rowsRejected = 0;
  let map: ColumnMap | undefined;
  let need = 0;
  let line = 0;
  let symbol: string | undefined;

  const reject = (reason: RejectReason, fields: readonly string[]): void => {
    rowsRejected++;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
    if (samples.length < MAX_REJECT_SAMPLES)
      samples.push({ line, reason, text: fields.join(',').slice(0, 200) });
  };

  const onRow = (f: string[]): void => {
    line++;
    if (f.length === 1 && f[0]!.trim() === '') return; // blank line
    if (!map) {
      map = mapHeader(f);
      need =
        Math.max(map.ts, map.time ?? 0, map.open, map.high, map.low, map.close, map.volume, map.symbol ?? 0) +
        1;
      return;
    }
    if (f.length < need) return reject('missing_fields', f);
    if (map.symbol !== undefined) {
      const s = f[map.symbol]!.trim().toUpperCase();
      symbol ??= s;
      if (s !== symbol) return reject('other_symbol', f);
    }
    const ts = tp.parse(f[map.ts]!, map.time === undefined ? undefined : f[map.time]);
    if (Number.isNaN(ts)) return reject('bad_timestamp', f);
    const o = num(f[map.open]!);
    const h = num(f[map.high]!);
    const l = num(f[map.low]!);
    const c = num(f[map.close]!);
    const v = map.volume < 0 ? 0 : num(f[map.volume]!);
    if (Number.isNaN(o) || Number.isNaN(h) || Number.isNaN(l) || Number.isNaN(c) || Number.isNaN(v)) {
      return reject('bad_number', f);
    }
    if (v < 0) return reject('negative_volume', f);
    if (h < (o > c ? o : c)) return reject('high_below_open_close', f);
    if (l > (o < c ? o : c)) return reject('low_above_open_close', f);
    builder.push(ts, o, h, l, c, v);
  };

  return new Promise<ParsedCsv>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      source.destroy();
      guard.destroy();
      reject(opts.signal.aborted ? cancelledError() : err);
    };
    const onAbort = (): void => {
      guard.destroy(cancelledError());
    };
    opts.signal.addEventListener('abort', onAbort, { once: true });

    Papa.parse<string[]>(guard, {
      delimiter: '', // guessed from the first chunk among , ; tab |
      skipEmptyLines: false,
      chunk(results, parser) {
        if (settled) return;
        // fail() before abort(): papaparse calls complete() from inside abort().
        if (opts.signal.aborted) {
          fail(cancelledError());
          parser.abort();
          return;
        }
        try {
          for (const row of results.data) onRow(row);
        } catch (err) {
          fail(err);
          parser.abort();
        }
      },
      complete() {
        opts.signal.removeEventListener('abort', onAbort);
        if (settled) return;
        if (opts.signal.aborted) return fail(cancelledError());
        settled = true;
        try {
          resolve(finish());
        } catch (err) {
          reject(err);
        }
      },
      error(err: Error) {
        opts.signal.removeEventListener('abort', onAbort);
        fail(err);
      },
    });
  });

  function finish(): ParsedCsv {
    if (!map) throw new AppError('VALIDATION', 'The file is empty: there is no header and no data.');
    const built = builder.build();
    const norm = sortAndDedupe(built);
    const accepted = norm.bars.ts.length;
    if (accepted === 0) {
      const detail = Object.entries(reasons)
        .map(([k, n]) => `${n} × ${k}`)
        .join(', ');
      throw new AppError(
        'VALIDATION',
        rowsRejected === 0
          ? 'The file has a header but no data rows.'
          : `No valid rows: ${rowsRejected} rejected (${detail}).`,
        { rowsRejected, reasons, samples },
      );
    }
    return {
      bars: norm.bars,
      rowsAccepted: accepted,
      rowsRejected,
      duplicates: norm.duplicates,
      duplicateSamples: norm.duplicateSamples,
      reasons,
      samples,
      wasUnsorted: norm.wasUnsorted,
      symbolFromFile: symbol,
      bytesRead: guard.bytesRead,
    };
  }
}

function num(s: string): number {
  const v = Number(s);
  if (!Number.isFinite(v)) return NaN;
  // Number('') and Number('  ') are 0: an empty cell is missing, not zero.
  if (v === 0 && s.trim() === '') return NaN;
  return v;
}

/**
 * Bytes in, UTF-8 text out, refusing binary input and over-long lines before papaparse sees
 * them; also tees the raw bytes into the sink and reports progress.
 */
class LineGuard extends Transform {
  bytesRead = 0;
  private readonly decoder = new StringDecoder('utf8');
  private lineLen = 0;
  private first = true;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ParseOptions) {
    super({ readableObjectMode: true });
  }

  override _transform(
    chunk: Buffer,
    _enc: BufferEncoding,
    done: (err?: Error | null, data?: string) => void,
  ): void {
    try {
      this.check(chunk);
    } catch (err) {
      done(err as Error);
      return;
    }
    this.bytesRead += chunk.length;
    // Pipelined: chunk N is written while chunk N is parsed; chunk N+1 waits for that write.
    const previous = this.writing;
    previous.then(() => {
      this.writing = this.opts.sink ? this.opts.sink(chunk) : Promise.resolve();
      this.writing.catch(() => undefined); // surfaced by the next chunk or by flush
      this.opts.onBytes?.(this.bytesRead);
      const text = this.decoder.write(chunk);
      done(null, text.length > 0 ? text : undefined);
    }, done);
  }

  override _flush(done: (err?: Error | null, data?: string) => void): void {
    this.writing.then(() => {
      const rest = this.decoder.end();
      done(null, rest.length > 0 ? rest : undefined);
    }, done);
  }

  private check(chunk: Buffer): void {
    if (this.first) {
      this.first = false;
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
        throw new AppError(
          'VALIDATION',
          'The file is UTF-16 text. Save it as UTF-8 (or plain CSV) and import again.',
        );
      }
    }
    if (chunk.indexOf(0) !== -1) {
      throw new AppError(
        'VALIDATION',
        'This is not a text file (it contains binary data). Import a CSV file.',
      );
    }
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      this.lineLen += (nl === -1 ? chunk.length : nl) - pos;
      if (this.lineLen > MAX_LINE_BYTES) {
        throw new AppError(
          'VALIDATION',
          `A line is longer than ${MAX_LINE_BYTES / 1024} KB (near byte ${this.bytesRead + pos}); ` +
            'this does not look like an OHLCV CSV file.',
          { maxLineBytes: MAX_LINE_BYTES },
        );
      }
      if (nl === -1) break;
      this.lineLen = 0;
      pos = nl + 1;
    }
  }
}
