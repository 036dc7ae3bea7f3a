/**
 * What a host keeps between engine jobs: the engine bundle text and bar columns, each under the
 * key main gave it. Main decides what is kept and what is dropped (its mirror of this cache,
 * ../host-cache-mirror.ts, sends `evict` lists), so the two never disagree about what is here.
 *
 * Columns are held as ivm.ExternalCopy (off every isolate's heap): a run copies them into its
 * context with one `copyInto` per column; the bars never cross the isolate boundary again.
 */
import ivm from 'isolated-vm';
import { readBarsFile } from '../bars-file.js';
import { COLUMN_NAMES, type SandboxJob } from '../protocol.js';

export type ColumnCopies = ivm.ExternalCopy<Float64Array>[];

export class HostCache {
  private readonly engines = new Map<string, string>();
  private readonly columns = new Map<string, ColumnCopies>();

  /** Apply a job's evictions and store what it carries. Runs as the message arrives. */
  accept(job: SandboxJob): void {
    if (job.kind === 'script') return;
    for (const key of job.evict) this.drop(key);
    if (job.engine.payload !== null) this.engines.set(job.engine.key, job.engine.payload);
    if (job.kind === 'backtest' && (job.columns.payload !== null || job.columns.file !== undefined)) {
      const cols = job.columns.payload ?? readBarsFile(job.columns.file as string);
      this.drop(job.columns.key);
      this.columns.set(
        job.columns.key,
        // The deserialised arrays are this message's own: their memory moves into the copies
        // (transferOut detaches them) instead of being copied, when each owns its whole buffer.
        COLUMN_NAMES.map((name) => {
          const a = cols[name];
          const whole =
            a.byteOffset === 0 &&
            a.byteLength === a.buffer.byteLength &&
            !(a.buffer instanceof SharedArrayBuffer);
          return new ivm.ExternalCopy(a, whole ? { transferOut: true } : {});
        }),
      );
      job.columns.payload = null;
    }
  }

  engine(key: string): string | undefined {
    return this.engines.get(key);
  }

  columnsOf(key: string): ColumnCopies | undefined {
    return this.columns.get(key);
  }

  clear(): void {
    for (const key of [...this.columns.keys()]) this.drop(key);
    this.engines.clear();
  }

  private drop(key: string): void {
    this.engines.delete(key);
    const copies = this.columns.get(key);
    if (!copies) return;
    this.columns.delete(key);
    for (const c of copies) c.release();
  }
}
