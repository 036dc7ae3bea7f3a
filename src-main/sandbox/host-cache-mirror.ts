/**
 * Main's record of what one sandbox host holds in its HostCache (host/host-cache.ts): the engine
 * bundle and bar columns, by key, least recently used first. Before a job goes to the host,
 * `prepare` drops the payloads the host already has (so a sweep's bars cross the process
 * boundary once per host, not once per parameter set) and lists what the host must evict to
 * stay within its budget. The host applies exactly that, so the two records cannot drift; a
 * host that dies takes its record with it.
 */
import { COLUMN_NAMES, type SandboxJob } from './protocol.js';

export interface HostCacheLimits {
  /** Bar datasets kept per host. */
  maxDatasets: number;
  /** Bytes of bars kept per host (the newest dataset is kept even if bigger). */
  maxBytes: number;
}

export const defaultHostCacheLimits: HostCacheLimits = { maxDatasets: 2, maxBytes: 256 * 1024 * 1024 };

export class HostCacheMirror {
  /** key → bytes; Map order is recency (oldest first). */
  private readonly held = new Map<string, number>();

  constructor(private readonly limits: HostCacheLimits = defaultHostCacheLimits) {}

  has(key: string): boolean {
    return this.held.has(key);
  }

  /** The job as this host should receive it: payloads it has dropped, evictions listed. */
  prepare(job: SandboxJob): SandboxJob {
    if (job.kind === 'script') return job;
    const evict: string[] = [];
    const engine = this.touch(job.engine.key)
      ? { key: job.engine.key, payload: null }
      : this.add(job.engine.key, 0, job.engine);
    if (job.kind === 'describe') return { ...job, engine, evict };
    let columns = job.columns;
    if (this.touch(job.columns.key)) {
      columns = { key: job.columns.key, payload: null };
    } else if (job.columns.payload) {
      const cols = job.columns.payload;
      const bytes = COLUMN_NAMES.reduce((n, k) => n + cols[k].byteLength, 0);
      evict.push(...this.makeRoom(bytes, job.columns.key, job.engine.key));
      this.add(job.columns.key, bytes, job.columns);
    }
    return { ...job, engine, columns, evict };
  }

  private touch(key: string): boolean {
    const bytes = this.held.get(key);
    if (bytes === undefined) return false;
    this.held.delete(key);
    this.held.set(key, bytes);
    return true;
  }

  private add<T>(key: string, bytes: number, value: T): T {
    this.held.set(key, bytes);
    return value;
  }

  /** Oldest datasets out until the new one fits; the engine (0 bytes) never needs to go. */
  private makeRoom(bytes: number, incoming: string, keep: string): string[] {
    const out: string[] = [];
    const datasets = (): [string, number][] => [...this.held].filter(([k, b]) => k !== keep && b > 0);
    let list = datasets();
    let total = list.reduce((n, [, b]) => n + b, 0);
    while (
      list.length > 0 &&
      (list.length + 1 > this.limits.maxDatasets || total + bytes > this.limits.maxBytes)
    ) {
      const [key, b] = list[0] as [string, number];
      if (key === incoming) break;
      this.held.delete(key);
      out.push(key);
      total -= b;
      list = datasets();
    }
    return out;
  }
}
