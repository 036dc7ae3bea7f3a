/**
 * Property: three replicas creating, editing (name, description, new source) and deleting
 * strategies through the real StrategyService, syncing in random orders with lost and
 * duplicated requests, end with identical strategies, identical version sets and the same
 * list once everyone syncs cleanly. No version is ever lost (append-only).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryServer, Replica, type Fault } from '../../helpers/sync-replica.js';

type Op =
  | { kind: 'create'; replica: number; name: string }
  | { kind: 'edit'; replica: number; target: number; name?: string; description?: string; source?: string }
  | { kind: 'delete'; replica: number; target: number }
  | { kind: 'sync'; replica: number; fault: Fault }
  | { kind: 'tick'; replica: number; ms: number };

const replicaArb = fc.integer({ min: 0, max: 2 });
const text = fc.string({ minLength: 1, maxLength: 6 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), replica: replicaArb, name: text }),
  fc.record(
    {
      kind: fc.constant('edit' as const),
      replica: replicaArb,
      target: fc.nat(5),
      name: text,
      description: fc.string({ maxLength: 6 }),
      source: text.map((s) => `function onBar(ctx) { /* ${s} */ }`),
    },
    { requiredKeys: ['kind', 'replica', 'target'] },
  ),
  fc.record({ kind: fc.constant('delete' as const), replica: replicaArb, target: fc.nat(5) }),
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

/** Every strategy id this replica has a row for, in a stable order. */
const known = (r: Replica): string[] =>
  (r.db.$client.prepare('select id from strategies order by created_at, id').all() as { id: string }[]).map(
    (x) => x.id,
  );

describe('strategy convergence under reordering, loss and duplication', () => {
  it('three replicas always end with the same strategies and versions (≥100 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: -2000, max: 2000 }), { minLength: 3, maxLength: 3 }),
        async (ops, offsets) => {
          const base = Date.UTC(2026, 0, 1);
          const server = await MemoryServer.create(() => base);
          const replicas = offsets.map((_, i) => new Replica(server, () => base + offsets[i]!));
          let versionsMade = 0;
          try {
            for (const op of ops) {
              const r = replicas[op.replica]!;
              const pick = (i: number): string | undefined => known(r)[i % Math.max(1, known(r).length)];
              if (op.kind === 'tick') offsets[op.replica]! += op.ms;
              else if (op.kind === 'create') {
                r.strategies.create(r.userId, { name: op.name, source: 'function onBar(ctx) {}' });
                versionsMade += 1;
              } else if (op.kind === 'edit' || op.kind === 'delete') {
                const id = pick(op.target);
                // Deleted here (or never fully arrived): the service refuses, as the UI would.
                if (!id || !r.strategies.list(r.userId).some((s) => s.id === id)) continue;
                if (op.kind === 'delete') r.strategies.delete(r.userId, id);
                else {
                  r.strategies.update(r.userId, {
                    id,
                    name: op.name,
                    description: op.description,
                    source: op.source,
                  });
                  if (op.source !== undefined) versionsMade += 1;
                }
              } else {
                r.fault = op.fault;
                await r.engine.syncNow(false).catch(() => undefined);
                r.fault = 'none';
              }
            }
            for (let round = 0; round < 2; round++) {
              for (const r of replicas) await r.engine.syncNow(false);
            }
            const [a, b, c] = replicas.map((r) => r.strategyState());
            expect(b).toEqual(a);
            expect(c).toEqual(a);
            // Append-only: every version any replica made is everywhere.
            expect((a as { versions: unknown[] }).versions).toHaveLength(versionsMade);
          } finally {
            for (const r of replicas) r.close();
            await server.store.close();
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});
