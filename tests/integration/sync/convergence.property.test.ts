/**
 * Property: whatever three replicas do, and however their exchanges are ordered, lost
 * (before or after the server handled them) or delivered twice, once everyone syncs cleanly
 * they hold identical rows and identical message sets, and the server stored each message once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryServer, Replica, type Fault } from '../../helpers/sync-replica.js';

const ROWS = [
  '00000000-0000-4000-8000-000000000001',
  '00000000-0000-4000-8000-000000000002',
  '00000000-0000-4000-8000-000000000003',
];

type Op =
  | { kind: 'write'; replica: number; row: number; name?: string; code?: string }
  | { kind: 'remove'; replica: number; row: number }
  | { kind: 'sync'; replica: number; fault: Fault }
  | { kind: 'tick'; replica: number; ms: number };

const replicaArb = fc.integer({ min: 0, max: 2 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('write' as const),
    replica: replicaArb,
    row: fc.integer({ min: 0, max: 2 }),
    name: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
    code: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('remove' as const),
    replica: replicaArb,
    row: fc.integer({ min: 0, max: 2 }),
  }),
  fc.record({
    kind: fc.constant('sync' as const),
    replica: replicaArb,
    fault: fc.constantFrom<Fault>('none', 'none', 'dropRequest', 'dropResponse', 'duplicate'),
  }),
  fc.record({
    kind: fc.constant('tick' as const),
    replica: replicaArb,
    ms: fc.integer({ min: 0, max: 5000 }),
  }),
);

describe('convergence under reordering, loss and duplication', () => {
  it('three replicas always end identical (≥100 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: -2000, max: 2000 }), { minLength: 3, maxLength: 3 }),
        async (ops, skews) => {
          // Each replica has its own, skewed, independently advancing clock.
          const base = Date.UTC(2026, 0, 1);
          const offsets = skews.map((s) => s);
          const server = await MemoryServer.create(() => base);
          const replicas = offsets.map((_, i) => new Replica(server, () => base + offsets[i]!));
          try {
            for (const op of ops) {
              const r = replicas[op.replica]!;
              if (op.kind === 'tick') offsets[op.replica]! += op.ms;
              else if (op.kind === 'write') {
                const values: Record<string, string> = {};
                if (op.name !== undefined) values.name = op.name;
                if (op.code !== undefined) values.code = op.code;
                if (Object.keys(values).length > 0) r.log.write('test_notes', ROWS[op.row]!, values);
              } else if (op.kind === 'remove') r.log.remove('test_notes', ROWS[op.row]!);
              else {
                r.fault = op.fault;
                await r.engine.syncNow(false).catch(() => undefined);
                r.fault = 'none';
              }
            }
            // Heal: two clean rounds reach everyone (the first pushes, the second pulls).
            for (let round = 0; round < 2; round++) {
              for (const r of replicas) await r.engine.syncNow(false);
            }
            const [a, b, c] = replicas.map((r) => r.state());
            expect(b).toEqual(a);
            expect(c).toEqual(a);
            const [ta, tb, tc] = replicas.map((r) => r.timestamps());
            expect(tb).toEqual(ta);
            expect(tc).toEqual(ta);
            const stored = await server.store.inAccountTx(server.accountId, (tx) => tx.after(0, 1e6));
            expect(stored.map((m) => m.ts).sort()).toEqual(ta);
            for (const r of replicas) expect(r.log.pendingCount()).toBe(0);
          } finally {
            for (const r of replicas) r.close();
            await server.store.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
