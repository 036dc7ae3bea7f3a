import path from 'node:path';
import { rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findMigrationsDir, openDatabase, type Db } from '../../src-main/db/open.js';
import { AppError } from '../../src-main/errors.js';
import { DEFAULT_QUOTA, QuotaManager, type QuotaLimits } from '../../src-main/storage/quota-manager.js';
import { tempDir } from '../helpers/temp-core.js';

// The quota manager straight against a real SQLite file: fast enough for hundreds of runs.
let dir: string;
let db: Db;
beforeAll(() => {
  dir = tempDir('qd-quota-');
  db = openDatabase(path.join(dir, 'q.db'), findMigrationsDir(import.meta.dirname));
});
afterAll(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  db.$client.prepare('delete from user_files').run();
});

const manager = (limits: Partial<QuotaLimits>): QuotaManager =>
  new QuotaManager(db.$client, { ...DEFAULT_QUOTA, ...limits });

function tryReserve(
  q: QuotaManager,
  userId: string,
  size: number,
): { ok: true; id: string } | { ok: false; err: AppError } {
  const id = randomUUID();
  try {
    q.reserve({
      fileId: id,
      userId,
      filename: 'f.csv',
      sizeBytes: size,
      relPath: `${id}.csv`,
      mimeType: 'text/csv',
    });
    return { ok: true, id };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, err };
    throw err;
  }
}

const reset = (): void => {
  db.$client.prepare('delete from user_files').run();
};

describe('quota manager properties (real SQLite, 100+ runs each)', () => {
  it('user byte quota: allowed iff used + size <= limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 0, max: 3_000 }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 12_000 }),
        (limit, existing, size) => {
          reset();
          const q = manager({ userBytes: limit, userFiles: 1000 });
          let used = 0;
          for (const s of existing) if (tryReserve(q, 'u', s).ok) used += s;
          const r = tryReserve(q, 'u', size);
          expect(r.ok).toBe(used + size <= limit);
          if (!r.ok) {
            expect(r.err.code).toBe('QUOTA_EXCEEDED');
            expect(r.err.details).toMatchObject({ usedBytes: used, limitBytes: limit });
          }
          expect(q.usage('u').usedBytes).toBe(used + (r.ok ? size : 0));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('user file count: allowed iff count < max', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 15 }), (maxFiles, count) => {
        reset();
        const q = manager({ userFiles: maxFiles });
        let stored = 0;
        for (let i = 0; i < count; i++) if (tryReserve(q, 'u', 1).ok) stored++;
        expect(stored).toBe(Math.min(count, maxFiles));
        const r = tryReserve(q, 'u', 1);
        expect(r.ok).toBe(stored < maxFiles);
        if (!r.ok) expect(r.err.details).toMatchObject({ fileCount: stored, maxFiles });
      }),
      { numRuns: 150 },
    );
  });

  it('global quota: allowed iff global sum + size <= global limit, across users', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000 }),
        fc.array(
          fc.record({ user: fc.constantFrom('a', 'b', 'c'), size: fc.integer({ min: 0, max: 2_000 }) }),
          {
            maxLength: 10,
          },
        ),
        fc.constantFrom('a', 'b', 'd'),
        fc.integer({ min: 0, max: 6_000 }),
        (globalLimit, existing, user, size) => {
          reset();
          const q = manager({ userBytes: 1e12, userFiles: 1000, globalBytes: globalLimit });
          let global = 0;
          for (const e of existing) if (tryReserve(q, e.user, e.size).ok) global += e.size;
          expect(global).toBeLessThanOrEqual(globalLimit);
          const r = tryReserve(q, user, size);
          expect(r.ok).toBe(global + size <= globalLimit);
          expect(q.usage(user).globalUsedBytes).toBe(global + (r.ok ? size : 0));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('usage equals the exact sum and count after any sequence of imports and deletes', () => {
    type Op =
      { kind: 'import'; user: string; size: number } | { kind: 'delete'; pick: number } | { kind: 'cancel' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('import' as const),
        user: fc.constantFrom('a', 'b'),
        size: fc.integer({ min: 0, max: 400 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('cancel' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        reset();
        const limits = { userBytes: 2_000, userFiles: 6, globalBytes: 3_000 };
        const q = manager(limits);
        const model = new Map<string, { user: string; size: number }>();
        let lastReserved: string | undefined;
        const now = (): number => Date.now();
        for (const o of ops) {
          if (o.kind === 'import') {
            const user = [...model.values()].filter((m) => m.user === o.user);
            const used = user.reduce((s, m) => s + m.size, 0);
            const global = [...model.values()].reduce((s, m) => s + m.size, 0);
            const expected =
              used + o.size <= limits.userBytes &&
              user.length < limits.userFiles &&
              global + o.size <= limits.globalBytes;
            const r = tryReserve(q, o.user, o.size);
            expect(r.ok).toBe(expected);
            if (r.ok) {
              model.set(r.id, { user: o.user, size: o.size });
              // Half the reservations complete into stored files, like a finished import.
              if (o.size % 2 === 0)
                db.$client.prepare("update user_files set status = 'stored' where id = ?").run(r.id);
              lastReserved = r.id;
            }
          } else if (o.kind === 'cancel') {
            // A cancelled or failed import gives its reservation back.
            if (lastReserved && model.has(lastReserved)) {
              const st = db.$client
                .prepare('select status from user_files where id = ?')
                .get(lastReserved) as { status: string };
              if (st.status === 'reserved') {
                q.release(lastReserved);
                model.delete(lastReserved);
              }
            }
          } else if (model.size > 0) {
            const ids = [...model.keys()];
            const id = ids[o.pick % ids.length]!;
            db.$client.prepare('update user_files set deleted_at = ? where id = ?').run(now(), id);
            model.delete(id);
          }
          for (const u of ['a', 'b']) {
            const mine = [...model.values()].filter((m) => m.user === u);
            const usage = q.usage(u);
            expect(usage.usedBytes).toBe(mine.reduce((s, m) => s + m.size, 0));
            expect(usage.fileCount).toBe(mine.length);
            expect(usage.usedBytes).toBeLessThanOrEqual(limits.userBytes);
            expect(usage.fileCount).toBeLessThanOrEqual(limits.userFiles);
            expect(usage.globalUsedBytes).toBe([...model.values()].reduce((s, m) => s + m.size, 0));
            expect(usage.globalUsedBytes).toBeLessThanOrEqual(limits.globalBytes);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('quota boundaries (default limits, declared sizes)', () => {
  const MB = 1_000_000;

  it('exactly 100 MB is allowed; one byte more is refused with used and limit', () => {
    const q = manager({});
    expect(tryReserve(q, 'u', 60 * MB).ok).toBe(true);
    expect(tryReserve(q, 'u', 40 * MB).ok).toBe(true);
    expect(q.usage('u')).toMatchObject({ usedBytes: 100 * MB, quotaBytes: 100 * MB });
    const r = tryReserve(q, 'u', 1);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.err.code).toBe('QUOTA_EXCEEDED');
      expect(r.err.message).toMatch(/^Upload quota exceeded\. Used: 100 MB, Limit: 100 MB/);
      expect(r.err.details).toMatchObject({
        usedBytes: 100 * MB,
        limitBytes: 100 * MB,
        fileCount: 2,
        maxFiles: 50,
      });
    }
  });

  it('says "Used: 99.2 MB, Limit: 100 MB" when a file does not fit', () => {
    const q = manager({});
    expect(tryReserve(q, 'u', 99_200_000).ok).toBe(true);
    const r = tryReserve(q, 'u', 900_000);
    expect(!r.ok && r.err.message).toMatch(/Used: 99\.2 MB, Limit: 100 MB/);
    expect(tryReserve(q, 'u', 800_000).ok).toBe(true);
  });

  it('0 files: a new user may import; exactly 50 files: the 51st is refused', () => {
    const q = manager({});
    expect(q.usage('new')).toMatchObject({ usedBytes: 0, fileCount: 0, quotaFiles: 50 });
    for (let i = 0; i < 50; i++) expect(tryReserve(q, 'new', 1).ok).toBe(true);
    const r = tryReserve(q, 'new', 1);
    expect(!r.ok && r.err.details).toMatchObject({ fileCount: 50, maxFiles: 50 });
    expect(!r.ok && r.err.message).toMatch(/Files: 50, Limit: 50/);
    // A delete frees a slot.
    db.$client
      .prepare('update user_files set deleted_at = 1 where rowid = (select min(rowid) from user_files)')
      .run();
    expect(tryReserve(q, 'new', 1).ok).toBe(true);
  });

  it('global at its limit: a file of exactly the rest fits, one byte more for anyone does not', () => {
    const q = manager({ globalBytes: 100_000_000_000, userBytes: 1e12 });
    expect(tryReserve(q, 'a', 60_000_000_000).ok).toBe(true);
    expect(tryReserve(q, 'b', 40_000_000_000).ok).toBe(true);
    const r = tryReserve(q, 'c', 1);
    expect(!r.ok && r.err.message).toMatch(/Storage for all users is full/);
    expect(tryReserve(q, 'c', 0).ok).toBe(true);
  });
});
