/**
 * The sync rules, independent of HTTP and of the storage engine: validate the clock, drop
 * retries, refuse conflicting replays, enforce the quota, append, then page out what the device
 * has not seen. Everything for one account happens inside one account transaction, so a crash at
 * any point leaves either the whole exchange stored or none of it.
 */
import { parseTimestamp } from '../src-main/sync/hlc.js';
import { insertTimestamp } from '../src-main/sync/merkle.js';
import {
  PROTOCOL_VERSION,
  type Quota,
  type SyncRequest,
  type SyncResponse,
  type WireMessage,
} from '../src-main/sync/protocol.js';
import { HttpError } from './http-error.js';
import type { ServerStore, StoredMessage } from './store/types.js';

/** A pull page stops growing past this much data even if `pageSize` is not reached. */
const PAGE_DATA_CHARS = 4 * 1024 * 1024;

export interface SyncLimits {
  maxBytes: number;
  maxMessages: number;
  maxClockDriftMs: number;
  pageSize: number;
}

/** What a message costs against the quota: everything the server stores for it. */
export const messageBytes = (m: WireMessage): number => m.ts.length + m.data.length + (m.keyId?.length ?? 0);

const mb = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MB`;

export class SyncService {
  constructor(
    private readonly store: ServerStore,
    private readonly limits: SyncLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async exchange(accountId: string, req: SyncRequest): Promise<SyncResponse> {
    const serverTime = this.now();
    // A device whose clock runs ahead would win every conflict for as long as the lead lasts.
    for (const m of req.messages) {
      const ts = parseTimestamp(m.ts);
      if (!ts) throw new HttpError(400, 'INVALID_TIMESTAMP', `Timestamp ${m.ts} is not valid.`);
      const ahead = ts.millis - serverTime;
      if (ahead > this.limits.maxClockDriftMs) {
        throw new HttpError(
          400,
          'CLOCK_DRIFT',
          `A change is stamped ${Math.round(ahead / 1000)} s ahead of the server's clock (limit ${Math.round(
            this.limits.maxClockDriftMs / 1000,
          )} s). Fix the date and time on the device that made it, then sync again.`,
          { aheadMs: ahead, limitMs: this.limits.maxClockDriftMs },
        );
      }
    }
    const unique = new Map<string, WireMessage>();
    for (const m of req.messages) {
      const seen = unique.get(m.ts);
      if (seen && (seen.data !== m.data || seen.keyId !== m.keyId)) throw conflict(m.ts);
      unique.set(m.ts, m);
    }

    return this.store.inAccountTx(accountId, async (tx) => {
      const state = await tx.lock();
      const existing = await tx.existing([...unique.keys()]);
      const fresh: WireMessage[] = [];
      for (const m of unique.values()) {
        const old = existing.get(m.ts);
        if (!old) fresh.push(m);
        // Same identity, other content: a forged or corrupted replay. Refuse the whole request.
        else if (old.data !== m.data || old.keyId !== m.keyId) throw conflict(m.ts);
      }
      const addBytes = fresh.reduce((s, m) => s + messageBytes(m), 0);
      const quota = (usedBytes: number, usedMessages: number): Quota => ({
        usedBytes,
        limitBytes: this.limits.maxBytes,
        usedMessages,
        limitMessages: this.limits.maxMessages,
      });
      // A pull-only exchange is always allowed, so a full account still receives others' changes.
      if (
        fresh.length > 0 &&
        (state.usedBytes + addBytes > this.limits.maxBytes ||
          state.usedMessages + fresh.length > this.limits.maxMessages)
      ) {
        throw new HttpError(
          413,
          'QUOTA_EXCEEDED',
          `This account's sync storage is full: ${mb(state.usedBytes)} of ${mb(this.limits.maxBytes)} and ` +
            `${state.usedMessages.toLocaleString('en-US')} of ${this.limits.maxMessages.toLocaleString('en-US')} changes are used, ` +
            `and ${fresh.length.toLocaleString('en-US')} more changes (${mb(addBytes)}) do not fit. ` +
            'Ask the server operator for a larger quota.',
          {
            ...quota(state.usedBytes, state.usedMessages),
            neededBytes: addBytes,
            neededMessages: fresh.length,
          },
        );
      }

      const rows: StoredMessage[] = fresh
        .sort((a, b) => (a.ts < b.ts ? -1 : 1))
        .map((m, i) => ({
          seq: state.nextSeq + i,
          ts: m.ts,
          deviceId: m.ts.slice(-16),
          keyId: m.keyId,
          data: m.data,
        }));
      await tx.insert(rows);
      for (const r of rows) insertTimestamp(state.merkle, r.ts);
      state.nextSeq += rows.length;
      state.usedBytes += addBytes;
      state.usedMessages += rows.length;
      if (rows.length > 0) await tx.save(state);

      // A cursor beyond the log means the server was restored from an older backup: start over.
      const head = state.nextSeq - 1;
      let since = Number(req.since);
      if (since > head) since = 0;
      const page = await tx.after(since, this.limits.pageSize);
      const out: WireMessage[] = [];
      let cursor = since;
      let chars = 0;
      for (const m of page) {
        if (chars > PAGE_DATA_CHARS) break;
        cursor = m.seq;
        // The device already has what it wrote itself.
        if (m.deviceId === req.deviceId && !req.includeOwn) continue;
        out.push({ ts: m.ts, keyId: m.keyId, data: m.data });
        chars += m.data.length;
      }
      return {
        protocol: PROTOCOL_VERSION,
        messages: out,
        cursor: String(cursor),
        more: cursor < head,
        accepted: rows.length,
        duplicates: req.messages.length - rows.length,
        merkle: { hash: state.merkle.hash },
        quota: quota(state.usedBytes, state.usedMessages),
        serverTime,
      };
    });
  }
}

const conflict = (ts: string): HttpError =>
  new HttpError(
    409,
    'MESSAGE_CONFLICT',
    `A message with timestamp ${ts} is already stored with different content. Nothing from this request was stored.`,
    { ts },
  );
