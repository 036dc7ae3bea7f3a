/**
 * Backtest runs as jobs. `start` records the run as `running`, returns its id at once and runs
 * the job in the background: load bars → runner (in-process now, the sandbox later) → persist
 * the result and mark the run `done` in ONE transaction, so a failing or cancelled run can never
 * be left looking done. Progress goes out as `job.progress` events ({ jobId, done, total,
 * phase }); the last event of a job has phase `done`, `failed` or `cancelled`.
 */
import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, gte, isNull, lte, type SQL } from 'drizzle-orm';
import type { EventName, EventPayload } from '../../src-preload/contract.js';
import type {
  CostsInput,
  RunDetail,
  RunSummary,
  SweepRowDto,
  TRADE_COLUMNS,
} from '../../src-preload/contract/backtests.js';
import type { Db } from '../db/open.js';
import { backtestResults, backtestRuns, strategies, strategyVersions } from '../db/schema/index.js';
import { AppError, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { StrategyService } from '../strategies/strategy-service.js';
import type { ChangeRecorder } from '../sync/change-log.js';
import { backtestRunsTable } from '../sync/strategy-tables.js';
import type { BarSource } from './bar-source.js';
import type { BacktestResult, Metrics, ParamValues } from './engine/types.js';
import { FILL_FIELDS, TRADE_FIELDS } from './engine/types.js';
import {
  bufferToF64,
  decodeColumns,
  decodeTimestamps,
  encodeColumns,
  encodeTimestamps,
  f64ToBuffer,
  thinCurve,
} from './result-codec.js';
import type { BacktestRunner } from './runner.js';
import { expandGrid, type Grid } from './sweep-grid.js';
import { drawdownSeries } from './engine/metrics.js';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;
type RunRow = typeof backtestRuns.$inferSelect;

export interface StartInput {
  strategyId?: string | undefined;
  strategyVersionId?: string | undefined;
  datasetId: string;
  from?: number | null | undefined;
  to?: number | null | undefined;
  params?: ParamValues | undefined;
  costs?: CostsInput | undefined;
  sweep?: { grid: Grid } | undefined;
}

export interface ListFilter {
  page: number;
  pageSize: number;
  strategyId?: string | undefined;
  datasetId?: string | undefined;
  status?: RunRow['status'] | undefined;
  kind?: RunRow['kind'] | undefined;
  createdFrom?: number | undefined;
  createdTo?: number | undefined;
}

interface Job {
  abort: AbortController;
  done: Promise<void>;
}

export class BacktestService {
  private readonly jobs = new Map<string, Job>();
  /** Sync's outbox; set by createCore once sync exists. */
  private changes: ChangeRecorder | undefined;

  constructor(
    private readonly db: Db,
    private readonly strategiesSvc: StrategyService,
    private readonly bars: BarSource,
    private readonly runner: BacktestRunner,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    // Runs left `running` by a crash or a kill never finished: say so instead of showing a spinner forever.
    const t = this.now();
    this.db
      .update(backtestRuns)
      .set({
        status: 'failed',
        errorCode: 'INTERNAL',
        errorMessage: 'Quantdesk stopped while this run was going.',
        finishedAt: t,
        updatedAt: t,
      })
      .where(eq(backtestRuns.status, 'running'))
      .run();
  }

  syncVia(changes: ChangeRecorder): void {
    this.changes = changes;
  }

  /**
   * A finished run's summary goes to the outbox, in the caller's transaction: every synced
   * column as stored (never `backtest_results`: equity, trades, fills, logs stay here).
   * A run still `running` is never recorded, so other devices never see a run that cannot end.
   */
  private recordRun(id: string): void {
    if (!this.changes) return;
    const row = this.db.$client.prepare('select * from backtest_runs where id = ?').get(id) as
      Record<string, unknown> | undefined;
    if (!row) return;
    const cells: Record<string, unknown> = {};
    for (const col of Object.keys(backtestRunsTable.columns)) cells[col] = row[col];
    this.changes.record('backtest_runs', id, cells);
  }

  start(userId: string, input: StartInput, emit: Emit): { jobId: string; runId: string } {
    const version = this.strategiesSvc.resolveVersion(userId, {
      strategyId: input.strategyId,
      versionId: input.strategyVersionId,
    });
    const paramSets = input.sweep ? expandGrid(input.sweep.grid, input.params ?? {}) : null;
    const id = randomUUID();
    const t = this.now();
    this.db
      .insert(backtestRuns)
      .values({
        id,
        userId,
        kind: paramSets ? 'sweep' : 'single',
        strategyId: version.strategyId,
        strategyVersionId: version.versionId,
        datasetId: input.datasetId,
        rangeFrom: input.from ?? null,
        rangeTo: input.to ?? null,
        params: JSON.stringify(
          paramSets ? { base: input.params ?? {}, grid: input.sweep?.grid } : (input.params ?? {}),
        ),
        costs: JSON.stringify(input.costs ?? {}),
        status: 'running',
        startedAt: t,
        createdAt: t,
        updatedAt: t,
      })
      .run();
    const abort = new AbortController();
    const done = this.execute(id, userId, version.source, input, paramSets, abort.signal, emit).finally(
      () => {
        this.jobs.delete(id);
      },
    );
    this.jobs.set(id, { abort, done });
    return { jobId: id, runId: id };
  }

  /** Resolves when the run's job has finished (tests, CLI). */
  async waitFor(runId: string): Promise<void> {
    await this.jobs.get(runId)?.done;
  }

  cancel(userId: string, id: string): { id: string; status: RunRow['status'] } {
    const row = this.row(userId, id);
    const job = this.jobs.get(id);
    if (job) {
      job.abort.abort();
      return { id, status: 'running' };
    }
    return { id, status: row.status };
  }

  async close(): Promise<void> {
    const pending = [...this.jobs.values()];
    for (const j of pending) j.abort.abort();
    await Promise.allSettled(pending.map((j) => j.done));
    await this.runner.close();
  }

  private async execute(
    id: string,
    userId: string,
    source: string,
    input: StartInput,
    paramSets: ParamValues[] | null,
    signal: AbortSignal,
    emit: Emit,
  ): Promise<void> {
    const progress = (done: number, total: number, phase: string): void =>
      emit('job.progress', { jobId: id, done, total, phase });
    try {
      progress(0, 1, 'loading');
      const columns = await this.bars.load(input.datasetId, input.from, input.to);
      const req = { columns, source, costs: input.costs };
      const phase = paramSets ? 'sweeping' : 'running';
      const onProgress = (done: number, total: number): void => progress(done, total, phase);
      if (paramSets) {
        const rows = await this.runner.sweep({ ...req, paramSets }, { signal, onProgress });
        if (signal.aborted) throw new AppError('CANCELLED', 'cancelled');
        this.persistSweep(id, userId, rows.map(toSweepDto), columns.ts.length);
      } else {
        const result = await this.runner.run({ ...req, params: input.params }, { signal, onProgress });
        if (signal.aborted) throw new AppError('CANCELLED', 'cancelled');
        this.persistSingle(id, userId, result);
      }
      progress(1, 1, 'done');
    } catch (err) {
      const cancelled = signal.aborted || (err instanceof AppError && err.code === 'CANCELLED');
      const code = cancelled ? 'CANCELLED' : err instanceof AppError ? err.code : 'INTERNAL';
      const message = cancelled
        ? 'The backtest was cancelled.'
        : err instanceof AppError
          ? err.message
          : 'The backtest failed inside Quantdesk; the log has the details.';
      if (code === 'INTERNAL') this.logger.error({ err, runId: id }, 'backtest failed');
      const t = this.now();
      this.db.transaction((tx) => {
        tx.update(backtestRuns)
          .set({
            status: cancelled ? 'cancelled' : 'failed',
            errorCode: code,
            errorMessage: message,
            finishedAt: t,
            updatedAt: t,
          })
          .where(eq(backtestRuns.id, id))
          .run();
        this.recordRun(id);
      });
      progress(1, 1, cancelled ? 'cancelled' : 'failed');
    }
  }

  private persistSingle(id: string, userId: string, r: BacktestResult): void {
    const t = this.now();
    this.db.transaction((tx) => {
      tx.insert(backtestResults)
        .values({
          runId: id,
          userId,
          ts: encodeTimestamps(r.ts),
          equity: f64ToBuffer(r.equity),
          trades: encodeColumns(r.trades, TRADE_FIELDS),
          fills: encodeColumns(r.fills, FILL_FIELDS),
          logs: JSON.stringify(r.logs),
          createdAt: t,
          updatedAt: t,
        })
        .run();
      tx.update(backtestRuns)
        .set({
          status: 'done',
          metrics: JSON.stringify(r.metrics),
          bars: r.bars,
          tradeCount: r.metrics.trades,
          params: JSON.stringify(r.params),
          finishedAt: t,
          updatedAt: t,
        })
        .where(eq(backtestRuns.id, id))
        .run();
      this.recordRun(id);
    });
  }

  private persistSweep(id: string, userId: string, rows: SweepRowDto[], bars: number): void {
    const t = this.now();
    this.db.transaction((tx) => {
      tx.insert(backtestResults)
        .values({ runId: id, userId, sweep: JSON.stringify(rows), createdAt: t, updatedAt: t })
        .run();
      tx.update(backtestRuns)
        .set({ status: 'done', bars, finishedAt: t, updatedAt: t })
        .where(eq(backtestRuns.id, id))
        .run();
      this.recordRun(id);
    });
  }

  // ---- reads ---------------------------------------------------------------------------------

  list(
    userId: string,
    f: ListFilter,
  ): { items: RunSummary[]; total: number; page: number; pageSize: number } {
    const conds: SQL[] = [eq(backtestRuns.userId, userId), isNull(backtestRuns.deletedAt)];
    if (f.strategyId) conds.push(eq(backtestRuns.strategyId, f.strategyId));
    if (f.datasetId) conds.push(eq(backtestRuns.datasetId, f.datasetId));
    if (f.status) conds.push(eq(backtestRuns.status, f.status));
    if (f.kind) conds.push(eq(backtestRuns.kind, f.kind));
    if (f.createdFrom !== undefined) conds.push(gte(backtestRuns.createdAt, f.createdFrom));
    if (f.createdTo !== undefined) conds.push(lte(backtestRuns.createdAt, f.createdTo));
    const where = and(...conds);
    const total = this.db.select({ n: count() }).from(backtestRuns).where(where).get()?.n ?? 0;
    const rows = this.joined()
      .where(where)
      .orderBy(desc(backtestRuns.createdAt), desc(backtestRuns.id))
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .all();
    return { items: rows.map(toSummary), total, page: f.page, pageSize: f.pageSize };
  }

  get(userId: string, id: string): RunDetail {
    const row = this.joined()
      .where(and(eq(backtestRuns.id, id), eq(backtestRuns.userId, userId), isNull(backtestRuns.deletedAt)))
      .get();
    if (!row) throw notFound('Backtest', id);
    const res = this.db
      .select({ logs: backtestResults.logs, sweep: backtestResults.sweep })
      .from(backtestResults)
      .where(eq(backtestResults.runId, id))
      .get();
    return {
      ...toSummary(row),
      costs: JSON.parse(row.run.costs) as Record<string, unknown>,
      logs: res ? (JSON.parse(res.logs) as RunDetail['logs']) : [],
      sweep: res?.sweep ? (JSON.parse(res.sweep) as SweepRowDto[]) : null,
      // A finished run without a local result row came from another device through sync.
      resultsHere: row.run.status !== 'done' || res !== undefined,
    };
  }

  delete(userId: string, id: string): { id: string; deletedAt: number } {
    const row = this.row(userId, id);
    if (this.jobs.has(id) || row.status === 'running') {
      throw new AppError('VALIDATION', 'This backtest is still running; cancel it first.', { id });
    }
    const t = this.now();
    this.db.transaction((tx) => {
      tx.update(backtestRuns).set({ deletedAt: t, updatedAt: t }).where(eq(backtestRuns.id, id)).run();
      tx.update(backtestResults)
        .set({ deletedAt: t, updatedAt: t })
        .where(eq(backtestResults.runId, id))
        .run();
      this.changes?.record('backtest_runs', id, { deleted_at: t });
    });
    return { id, deletedAt: t };
  }

  equity(userId: string, id: string, maxPoints: number) {
    const res = this.result(userId, id);
    const ts = decodeTimestamps(res.ts);
    const equity = bufferToF64(res.equity);
    const dd = new Float64Array(equity.length);
    drawdownSeries(equity, dd);
    return { ...thinCurve(ts, equity, dd, maxPoints), total: ts.length };
  }

  trades(userId: string, id: string, offset: number, limit: number) {
    const res = this.result(userId, id);
    const { total, columns } = decodeColumns(res.trades, TRADE_FIELDS, offset, limit);
    return {
      total,
      offset: Math.min(offset, total),
      columns: columns as Record<(typeof TRADE_COLUMNS)[number], Float64Array>,
    };
  }

  async chartBars(userId: string, id: string, maxPoints: number) {
    const row = this.row(userId, id);
    const res = this.result(userId, id);
    const c = await this.bars.load(row.datasetId, row.rangeFrom, row.rangeTo);
    const fills = decodeColumns(res.fills, FILL_FIELDS).columns;
    const n = c.ts.length;
    const size = Math.max(1, Math.ceil(n / maxPoints));
    const m = Math.ceil(n / size);
    const out = {
      ts: new Float64Array(m),
      open: new Float64Array(m),
      high: new Float64Array(m),
      low: new Float64Array(m),
      close: new Float64Array(m),
    };
    for (let k = 0; k < m; k++) {
      const a = k * size;
      const b = Math.min(n, a + size);
      let hi = -Infinity;
      let lo = Infinity;
      for (let i = a; i < b; i++) {
        if ((c.high[i] as number) > hi) hi = c.high[i] as number;
        if ((c.low[i] as number) < lo) lo = c.low[i] as number;
      }
      out.ts[k] = c.ts[a] as number;
      out.open[k] = c.open[a] as number;
      out.high[k] = hi;
      out.low[k] = lo;
      out.close[k] = c.close[b - 1] as number;
    }
    return {
      ...out,
      total: n,
      fills: { time: fills.time, side: fills.side, price: fills.price, qty: fills.qty, reason: fills.reason },
    };
  }

  datasets() {
    return this.bars.list();
  }

  private result(userId: string, id: string) {
    const row = this.row(userId, id);
    if (row.status !== 'done' || row.kind !== 'single') {
      throw new AppError(
        'NOT_FOUND',
        'This run has no equity curve or trades (it is not a finished single run).',
        { id },
      );
    }
    const res = this.db.select().from(backtestResults).where(eq(backtestResults.runId, id)).get();
    if (!res) {
      throw new AppError(
        'NOT_FOUND',
        'This run was made on another device. Only its summary and metrics sync; the equity curve and trades stay on that device (run it again here to see them).',
        { id, reason: 'RESULTS_ON_OTHER_DEVICE' },
      );
    }
    return res;
  }

  private row(userId: string, id: string): RunRow {
    const row = this.db
      .select()
      .from(backtestRuns)
      .where(and(eq(backtestRuns.id, id), eq(backtestRuns.userId, userId), isNull(backtestRuns.deletedAt)))
      .get();
    if (!row) throw notFound('Backtest', id);
    return row;
  }

  private joined() {
    return this.db
      .select({ run: backtestRuns, strategyName: strategies.name, version: strategyVersions.version })
      .from(backtestRuns)
      .innerJoin(strategies, eq(strategies.id, backtestRuns.strategyId))
      .innerJoin(strategyVersions, eq(strategyVersions.id, backtestRuns.strategyVersionId))
      .$dynamic();
  }
}

function toSummary(r: { run: RunRow; strategyName: string; version: number }): RunSummary {
  const run = r.run;
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    strategyId: run.strategyId,
    strategyName: r.strategyName,
    strategyVersionId: run.strategyVersionId,
    strategyVersion: r.version,
    datasetId: run.datasetId,
    from: run.rangeFrom,
    to: run.rangeTo,
    params: JSON.parse(run.params) as Record<string, unknown>,
    errorCode: run.errorCode,
    errorMessage: run.errorMessage,
    metrics: run.metrics ? (JSON.parse(run.metrics) as Metrics) : null,
    bars: run.bars,
    tradeCount: run.tradeCount,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    createdAt: run.createdAt,
  };
}

function toSweepDto(row: {
  params: ParamValues;
  metrics?: Metrics;
  error?: { code: string; message: string };
}): SweepRowDto {
  return { params: row.params, metrics: row.metrics ?? null, error: row.error ?? null };
}
