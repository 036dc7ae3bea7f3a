import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RATE_CATEGORIES, type RateCategory } from '../../src-preload/contract/define.js';
import { silentLogger } from '../../src-main/logger.js';
import { DEFAULT_RATE_LIMITS } from '../../src-main/ratelimit/defaults.js';
import { RateLimiter } from '../../src-main/ratelimit/limiter.js';
import { MemoryStore } from '../../src-main/ratelimit/memory-store.js';
import { ruleOf, type RateLimitConfig, type RateLimits } from '../../src-main/ratelimit/types.js';

const RUNS = { numRuns: 100 };

/** A limiter on memory only, with a clock the test moves by hand. */
function limiterWith(limits: Partial<RateLimits>) {
  let t = 1_700_000_000_000;
  const limiter = new RateLimiter({
    limits: { ...DEFAULT_RATE_LIMITS, ...limits },
    logger: silentLogger(),
    now: () => t,
  });
  return { limiter, advance: (ms: number) => void (t += ms) };
}

const arbConfig = fc.record({
  limit: fc.integer({ min: 1, max: 200 }),
  periodMs: fc.integer({ min: 1_000, max: 86_400_000 }),
});
const arbCategory = fc.constantFrom(...RATE_CATEGORIES);
const key = (category: RateCategory, id = 'u1') => ({ keyType: 'user' as const, id, category });

describe('token bucket (memory store, injected clock)', () => {
  it('counts every request within capacity: N allowed, capacity − N left', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbCategory,
        arbConfig,
        fc.option(fc.integer({ min: 1, max: 300 })),
        fc.nat(),
        async (cat, cfg, burst, n0) => {
          const config: RateLimitConfig = burst === null ? cfg : { ...cfg, burst };
          const capacity = config.burst ?? config.limit;
          const n = n0 % (capacity + 1);
          const { limiter } = limiterWith({ [cat]: config });
          for (let i = 0; i < n; i++) expect(await limiter.consume(key(cat))).toEqual({ allowed: true });
          expect(await limiter.remaining(key(cat))).toBe(capacity - n);
        },
      ),
      RUNS,
    );
  });

  it('refuses request L+1 with 0 < retryAfterMs ≤ P, refuses 1 ms earlier, allows after waiting it', async () => {
    await fc.assert(
      fc.asyncProperty(arbCategory, arbConfig, fc.nat({ max: 5_000 }), async (cat, cfg, gap) => {
        const { limiter, advance } = limiterWith({ [cat]: cfg });
        for (let i = 0; i < cfg.limit; i++) {
          expect((await limiter.consume(key(cat))).allowed).toBe(true);
          advance(gap % 3); // requests a little apart still all fit
        }
        let d = await limiter.consume(key(cat));
        // Tokens refilled during the spread-out requests may allow a few more; drain them.
        while (d.allowed) d = await limiter.consume(key(cat));
        expect(d.retryAfterMs).toBeGreaterThan(0);
        expect(d.retryAfterMs).toBeLessThanOrEqual(cfg.periodMs);
        const wait = d.retryAfterMs;
        advance(wait - 1);
        expect((await limiter.consume(key(cat))).allowed).toBe(false);
        advance(1);
        expect(await limiter.consume(key(cat))).toEqual({ allowed: true });
      }),
      RUNS,
    );
  });

  it('the request right after L at one instant is refused (exact count)', async () => {
    await fc.assert(
      fc.asyncProperty(arbCategory, arbConfig, async (cat, cfg) => {
        const { limiter } = limiterWith({ [cat]: cfg });
        for (let i = 0; i < cfg.limit; i++) expect((await limiter.consume(key(cat))).allowed).toBe(true);
        const d = await limiter.consume(key(cat));
        expect(d.allowed).toBe(false);
        if (!d.allowed) expect(d.retryAfterMs).toBeLessThanOrEqual(cfg.periodMs);
      }),
      RUNS,
    );
  });

  it('never allows more than capacity + limit·t/P over any run of t ms', async () => {
    const arbSteps = fc.array(
      fc.record({ wait: fc.nat({ max: 20_000 }), n: fc.integer({ min: 1, max: 30 }) }),
      {
        minLength: 1,
        maxLength: 40,
      },
    );
    await fc.assert(
      fc.asyncProperty(arbConfig, arbSteps, async (cfg, steps) => {
        const { limiter, advance } = limiterWith({ backtest: cfg });
        let elapsed = 0;
        let allowed = 0;
        for (const s of steps) {
          advance(s.wait);
          elapsed += s.wait;
          for (let i = 0; i < s.n; i++) if ((await limiter.consume(key('backtest'))).allowed) allowed++;
          expect(allowed).toBeLessThanOrEqual(cfg.limit + Math.floor((cfg.limit * elapsed) / cfg.periodMs));
        }
      }),
      RUNS,
    );
  });

  it('enforces two categories with different limits independently', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(arbCategory, { minLength: 2, maxLength: 2 }),
        fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 })),
        fc.array(fc.boolean(), { maxLength: 150 }),
        async (cats, limits, order) => {
          const [a, b] = cats as [RateCategory, RateCategory];
          const { limiter } = limiterWith({
            [a]: { limit: limits[0], periodMs: 3_600_000 },
            [b]: { limit: limits[1], periodMs: 60_000 },
          });
          const sent = { a: 0, b: 0 };
          const allowed = { a: 0, b: 0 };
          for (const pickA of order) {
            const which = pickA ? 'a' : 'b';
            sent[which]++;
            if ((await limiter.consume(key(pickA ? a : b))).allowed) allowed[which]++;
          }
          // Whatever the interleaving, each category allows exactly min(sent, its own limit).
          expect(allowed.a).toBe(Math.min(sent.a, limits[0]));
          expect(allowed.b).toBe(Math.min(sent.b, limits[1]));
        },
      ),
      RUNS,
    );
  });

  it('keeps users apart: one user draining a category leaves another untouched', async () => {
    await fc.assert(
      fc.asyncProperty(arbCategory, fc.integer({ min: 1, max: 100 }), async (cat, limit) => {
        const { limiter } = limiterWith({ [cat]: { limit, periodMs: 60_000 } });
        for (let i = 0; i <= limit; i++) await limiter.consume(key(cat, 'alice'));
        expect((await limiter.consume(key(cat, 'alice'))).allowed).toBe(false);
        expect(await limiter.remaining(key(cat, 'bob'))).toBe(limit);
      }),
      RUNS,
    );
  });

  it('stays bounded under a flood of distinct keys', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 5_000 }), (maxKeys, flood) => {
        const store = new MemoryStore({ maxKeys, now: () => 0 });
        const rule = ruleOf({ limit: 1, periodMs: 60_000 });
        for (let i = 0; i < flood; i++) store.take(`rate_limit:user:flood-${i}:default`, rule, 1);
        expect(store.size).toBe(Math.min(maxKeys, flood));
      }),
      RUNS,
    );
  });

  it('applies a reconfigured limit from the next decision', async () => {
    const { limiter, advance } = limiterWith({ backtest: { limit: 2, periodMs: 60_000 } });
    expect((await limiter.consume(key('backtest'))).allowed).toBe(true);
    expect((await limiter.consume(key('backtest'))).allowed).toBe(true);
    expect((await limiter.consume(key('backtest'))).allowed).toBe(false);
    limiter.setLimits({ ...DEFAULT_RATE_LIMITS, backtest: { limit: 5, periodMs: 60_000 } });
    // The bucket keeps the tokens it has left (none): changing a limit never hands out a burst,
    // but it refills at the new rate, one token per 12 s instead of per 30 s.
    const d = await limiter.consume(key('backtest'));
    expect(d).toEqual({ allowed: false, retryAfterMs: 12_000 });
    advance(12_000);
    expect((await limiter.consume(key('backtest'))).allowed).toBe(true);
  });
});
