import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { StrategyDetail, StrategySummary } from '../../src-preload/contract/strategies.js';
import type { Db } from '../db/open.js';
import { strategies, strategyVersions } from '../db/schema/index.js';
import { AppError, notFound } from '../errors.js';
import { STRATEGY_TEMPLATES } from './templates.js';

type StrategyRow = typeof strategies.$inferSelect;

/** Strategy CRUD with append-only versions: every save of new source adds a version row. */
export class StrategyService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  list(userId: string, search?: string): StrategySummary[] {
    const rows = this.db
      .select()
      .from(strategies)
      .where(and(eq(strategies.userId, userId), isNull(strategies.deletedAt)))
      .orderBy(desc(strategies.updatedAt))
      .all();
    const q = search?.trim().toLowerCase();
    return rows.filter((r) => !q || r.name.toLowerCase().includes(q)).map(toSummary);
  }

  get(userId: string, id: string, versionId?: string): StrategyDetail {
    const row = this.row(userId, id);
    const versions = this.db
      .select()
      .from(strategyVersions)
      .where(eq(strategyVersions.strategyId, id))
      .orderBy(desc(strategyVersions.version))
      .all();
    const shown = versions.find((v) => v.id === (versionId ?? row.latestVersionId));
    if (!shown) throw notFound('Strategy version', versionId ?? String(row.latestVersionId));
    return {
      ...toSummary(row),
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
      if (input.source !== undefined) {
        this.addVersion(
          tx as unknown as Db,
          userId,
          row.id,
          row.latestVersion + 1,
          input.source,
          input.note ?? '',
          now,
        );
      }
    });
    return this.get(userId, input.id);
  }

  delete(userId: string, id: string): { id: string; deletedAt: number } {
    const row = this.row(userId, id);
    const now = this.now();
    this.db.update(strategies).set({ deletedAt: now, updatedAt: now }).where(eq(strategies.id, row.id)).run();
    return { id, deletedAt: now };
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

function toSummary(r: StrategyRow): StrategySummary {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    templateId: r.templateId,
    latestVersionId: r.latestVersionId ?? '',
    latestVersion: r.latestVersion,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
