import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, max } from 'drizzle-orm';
import type { StrategyDetail, StrategySummary } from '../../src-preload/contract/strategies.js';
import type { Db } from '../db/open.js';
import { strategies, strategyVersions } from '../db/schema/index.js';
import { AppError, notFound } from '../errors.js';
import type { ChangeRecorder } from '../sync/change-log.js';
import { STRATEGY_TEMPLATES } from './templates.js';

type StrategyRow = typeof strategies.$inferSelect;
type VersionHead = { id: string; strategyId: string; version: number; createdAt: number };

/**
 * Strategy CRUD with append-only versions: every save of new source adds a version row.
 *
 * Synced (docs/sync-protocol.md): strategy fields are last-writer-wins; versions are append-only,
 * so two devices saving offline both keep their version. Versions are ordered by
 * (created_at, id) on every device; `version` is the label the creating device gave (max known
 * + 1), so after a merge two versions may share a number. The current version is the strategy's
 * `latest_version_id` (LWW) when that version is on this device, else the newest one present.
 */
export class StrategyService {
  /** Sync's outbox; set by createCore once sync exists. Cells are recorded in the write's transaction. */
  private changes: ChangeRecorder | undefined;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  syncVia(changes: ChangeRecorder): void {
    this.changes = changes;
  }

  /** Strategies with at least one version here; one whose versions are still on their way is hidden. */
  list(userId: string, search?: string): StrategySummary[] {
    const rows = this.db
      .select()
      .from(strategies)
      .where(and(eq(strategies.userId, userId), isNull(strategies.deletedAt)))
      .orderBy(desc(strategies.updatedAt), desc(strategies.id))
      .all();
    const q = search?.trim().toLowerCase();
    const shown = rows.filter((r) => !q || r.name.toLowerCase().includes(q));
    const heads = this.versionHeads(shown.map((r) => r.id));
    return shown.flatMap((r) => {
      const current = currentVersion(r, heads.get(r.id) ?? []);
      return current ? [toSummary(r, current)] : [];
    });
  }

  get(userId: string, id: string, versionId?: string): StrategyDetail {
    const row = this.row(userId, id);
    const versions = this.db
      .select()
      .from(strategyVersions)
      .where(eq(strategyVersions.strategyId, id))
      .orderBy(desc(strategyVersions.createdAt), desc(strategyVersions.id))
      .all();
    const current = currentVersion(row, versions);
    // Synced from another device, but none of its versions has arrived yet.
    if (!current) throw notFound('Strategy', id);
    const shown = versionId === undefined ? current : versions.find((v) => v.id === versionId);
    if (!shown) throw notFound('Strategy version', String(versionId));
    return {
      ...toSummary(row, current),
      versionId: shown.id,
      version: shown.version,
      source: shown.source,
      versions: versions.map((v) => ({ id: v.id, version: v.version, note: v.note, createdAt: v.createdAt })),
    };
  }

  /** The version a run should use: the given one (must belong to the user) or the latest. */
  resolveVersion(
    userId: string,
    ref: { strategyId?: string | undefined; versionId?: string | undefined },
  ): { strategyId: string; versionId: string; version: number; source: string } {
    if (ref.versionId) {
      const v = this.db
        .select()
        .from(strategyVersions)
        .where(and(eq(strategyVersions.id, ref.versionId), eq(strategyVersions.userId, userId)))
        .get();
      if (!v || (ref.strategyId && v.strategyId !== ref.strategyId))
        throw notFound('Strategy version', ref.versionId);
      return { strategyId: v.strategyId, versionId: v.id, version: v.version, source: v.source };
    }
    if (!ref.strategyId) throw new AppError('VALIDATION', 'Give a strategy or a strategy version.');
    const d = this.get(userId, ref.strategyId);
    return { strategyId: d.id, versionId: d.versionId, version: d.version, source: d.source };
  }

  create(
    userId: string,
    input: {
      name: string;
      description?: string | undefined;
      source?: string | undefined;
      fromTemplate?: string | undefined;
    },
  ): StrategyDetail {
    let source = input.source;
    let templateId: string | null = null;
    let description = input.description ?? '';
    if (input.fromTemplate !== undefined) {
      const t = STRATEGY_TEMPLATES.find((x) => x.id === input.fromTemplate);
      if (!t)
        throw new AppError('NOT_FOUND', `There is no template called "${input.fromTemplate}".`, {
          id: input.fromTemplate,
        });
      source = t.source;
      templateId = t.id;
      if (input.description === undefined) description = t.description;
    }
    const id = randomUUID();
    const now = this.now();
    this.db.transaction((tx) => {
      tx.insert(strategies)
        .values({
          id,
          userId,
          name: input.name,
          description,
          templateId,
          latestVersion: 0,
          createdAt: now,
          updatedAt: now,
        })
        .run();
      this.changes?.record('strategies', id, {
        name: input.name,
        description,
        template_id: templateId,
        created_at: now,
        deleted_at: null,
      });
      this.addVersion(
        tx as unknown as Db,
        userId,
        id,
        1,
        source as string,
        templateId ? `from template ${templateId}` : '',
        now,
      );
    });
    return this.get(userId, id);
  }

  update(
    userId: string,
    input: {
      id: string;
      name?: string | undefined;
      description?: string | undefined;
      source?: string | undefined;
      note?: string | undefined;
    },
  ): StrategyDetail {
    const now = this.now();
    this.db.transaction((tx) => {
      const row = this.row(userId, input.id);
      const patch: Partial<StrategyRow> = { updatedAt: now };
      if (input.name !== undefined) patch.name = input.name;
      if (input.description !== undefined) patch.description = input.description;
      tx.update(strategies).set(patch).where(eq(strategies.id, row.id)).run();
      this.changes?.record('strategies', row.id, { name: input.name, description: input.description });
      if (input.source !== undefined) {
        this.addVersion(
          tx as unknown as Db,
          userId,
          row.id,
          this.nextVersionNumber(row.id),
          input.source,
          input.note ?? '',
          now,
        );
      }
    });
    return this.get(userId, input.id);
  }

  delete(userId: string, id: string): { id: string; deletedAt: number } {
    const now = this.now();
    this.db.transaction(() => {
      const row = this.row(userId, id);
      this.db
        .update(strategies)
        .set({ deletedAt: now, updatedAt: now })
        .where(eq(strategies.id, row.id))
        .run();
      // A tombstone: it wins over every older edit on other devices.
      this.changes?.record('strategies', row.id, { deleted_at: now });
    });
    return { id, deletedAt: now };
  }

  /** One more than any version on this device, whichever device made it. */
  private nextVersionNumber(strategyId: string): number {
    const r = this.db
      .select({ n: max(strategyVersions.version) })
      .from(strategyVersions)
      .where(eq(strategyVersions.strategyId, strategyId))
      .get();
    return (r?.n ?? 0) + 1;
  }

  private versionHeads(strategyIds: string[]): Map<string, VersionHead[]> {
    const out = new Map<string, VersionHead[]>();
    if (strategyIds.length === 0) return out;
    const rows = this.db
      .select({
        id: strategyVersions.id,
        strategyId: strategyVersions.strategyId,
        version: strategyVersions.version,
        createdAt: strategyVersions.createdAt,
      })
      .from(strategyVersions)
      .where(inArray(strategyVersions.strategyId, strategyIds))
      .orderBy(desc(strategyVersions.createdAt), desc(strategyVersions.id))
      .all();
    for (const v of rows) {
      const list = out.get(v.strategyId) ?? [];
      list.push(v);
      out.set(v.strategyId, list);
    }
    return out;
  }

  private addVersion(
    db: Db,
    userId: string,
    strategyId: string,
    version: number,
    source: string,
    note: string,
    now: number,
  ): void {
    const versionId = randomUUID();
    db.insert(strategyVersions)
      .values({ id: versionId, strategyId, userId, version, source, note, createdAt: now, updatedAt: now })
      .run();
    db.update(strategies)
      .set({ latestVersionId: versionId, latestVersion: version, updatedAt: now })
      .where(eq(strategies.id, strategyId))
      .run();
    this.changes?.record('strategy_versions', versionId, {
      strategy_id: strategyId,
      version,
      source,
      note,
      created_at: now,
    });
    this.changes?.record('strategies', strategyId, {
      latest_version_id: versionId,
      latest_version: version,
    });
  }

  private row(userId: string, id: string): StrategyRow {
    const row = this.db
      .select()
      .from(strategies)
      .where(and(eq(strategies.id, id), eq(strategies.userId, userId), isNull(strategies.deletedAt)))
      .get();
    if (!row) throw notFound('Strategy', id);
    return row;
  }
}

/**
 * `versions` newest first by (created_at, id). The LWW `latest_version_id` when present here;
 * otherwise (its cell won but the version has not arrived) the newest version that has.
 */
function currentVersion<V extends { id: string }>(r: StrategyRow, versions: V[]): V | undefined {
  return versions.find((v) => v.id === r.latestVersionId) ?? versions[0];
}

function toSummary(r: StrategyRow, current: { id: string; version: number }): StrategySummary {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    templateId: r.templateId,
    // From the version itself: the two LWW cells could name different devices' saves.
    latestVersionId: current.id,
    latestVersion: current.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
