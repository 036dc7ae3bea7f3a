/**
 * Received messages in the "wrong" order: a version before its strategy, a run summary before
 * its version, a strategy whose named latest version has not arrived. SQLite foreign keys are on,
 * so applying a child first must wait for the parent instead of failing the whole exchange.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../../../src-main/sync/change-log.js';
import type { JsonValue } from '../../../src-main/sync/registry.js';
import { call, syncCore, type SyncCore } from '../../helpers/sync-cores.js';

let dev: SyncCore;
let seq = 0;
const OTHER_DEVICE = 'abcdefabcdefabcd';

beforeEach(async () => {
  dev = await syncCore();
});
afterEach(async () => {
  await dev.cleanup();
});

/** Cells of one row as another device would have sent them, with increasing HLC timestamps. */
function cells(t: string, r: string, values: Record<string, JsonValue>): ReceivedMessage[] {
  return Object.entries(values).map(([c, v]) => {
    seq += 1;
    const ts = `${new Date(Date.now() - 60_000).toISOString()}-${seq.toString(16).toUpperCase().padStart(4, '0')}-${OTHER_DEVICE}`;
    return { ts, cell: { t, r, c, v } };
  });
}

function receive(messages: ReceivedMessage[]): Set<string> {
  return dev.core.sync.log.commitExchange([], messages, String(++seq));
}

const created = Date.UTC(2026, 0, 2);

describe('applying strategy rows in any order', () => {
  it('a run and a version that arrive before their strategy wait, then all appear', async () => {
    const sid = randomUUID();
    const vid = randomUUID();
    const rid = randomUUID();
    const strategy = cells('strategies', sid, {
      name: 'Late parent',
      created_at: created,
      latest_version_id: vid,
      latest_version: 1,
    });
    const version = cells('strategy_versions', vid, {
      strategy_id: sid,
      version: 1,
      source: 'function onBar(ctx) {}',
      created_at: created,
    });
    const run = cells('backtest_runs', rid, {
      kind: 'single',
      strategy_id: sid,
      strategy_version_id: vid,
      dataset_id: 'synth',
      params: '{}',
      costs: '{}',
      status: 'done',
      metrics: null,
      started_at: created,
      finished_at: created + 1,
      created_at: created,
    });

    // Children first, in separate exchanges (as a page boundary would split them).
    expect(receive(run)).toEqual(new Set());
    expect(receive(version)).toEqual(new Set());
    expect((await call(dev.core, 'strategies.list')).items).toEqual([]);
    expect((await call(dev.core, 'backtests.list', { page: 1, pageSize: 10 })).total).toBe(0);

    // The parent arrives: the waiting version and then the waiting run appear in the same commit.
    expect(receive(strategy)).toEqual(new Set(['strategies', 'strategy_versions', 'backtest_runs']));
    const d = await call(dev.core, 'strategies.get', { id: sid });
    expect(d).toMatchObject({ name: 'Late parent', versionId: vid, source: 'function onBar(ctx) {}' });
    const runs = await call(dev.core, 'backtests.list', { page: 1, pageSize: 10 });
    expect(runs.items.map((r) => r.id)).toEqual([rid]);
    expect(await call(dev.core, 'backtests.get', { id: rid })).toMatchObject({ resultsHere: false });
  });

  it('a strategy whose versions have not arrived is hidden; a missing latest falls back', async () => {
    const sid = randomUUID();
    const v1 = randomUUID();
    const v2 = randomUUID();
    receive(cells('strategies', sid, { name: 'Half here', created_at: created, latest_version_id: v1 }));
    // The strategy row exists, but it has no code on this device yet: not listed, not openable.
    expect((await call(dev.core, 'strategies.list')).items).toEqual([]);
    expect(await dev.core.invoke('strategies.get', { id: sid })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    receive(
      cells('strategy_versions', v1, { strategy_id: sid, version: 1, source: 'v1()', created_at: created }),
    );
    expect((await call(dev.core, 'strategies.list')).items.map((s) => [s.id, s.latestVersionId])).toEqual([
      [sid, v1],
    ]);

    // The pointer moves to v2 before v2 itself arrives: v1 stays the one shown.
    receive(cells('strategies', sid, { latest_version_id: v2, latest_version: 2 }));
    expect(await call(dev.core, 'strategies.get', { id: sid })).toMatchObject({ versionId: v1, version: 1 });
    receive(
      cells('strategy_versions', v2, {
        strategy_id: sid,
        version: 2,
        source: 'v2()',
        created_at: created + 1,
      }),
    );
    expect(await call(dev.core, 'strategies.get', { id: sid })).toMatchObject({
      versionId: v2,
      version: 2,
      source: 'v2()',
    });
  });

  it('a local save after a merge numbers past every version it has seen', async () => {
    const s = await call(dev.core, 'strategies.create', { name: 'mine', source: 'a()' });
    const theirs = randomUUID();
    receive(
      cells('strategy_versions', theirs, {
        strategy_id: s.id,
        version: 7,
        source: 'theirs()',
        created_at: s.createdAt + 1,
      }),
    );
    const next = await call(dev.core, 'strategies.update', { id: s.id, source: 'b()' });
    expect(next.version).toBe(8);
  });
});
