import { useEffect, useState } from 'react';
import type { RunDetail, TRADE_COLUMNS } from '../../../../src-preload/contract/backtests';
import type { ErrorPayload } from '../../../../src-preload/errors';
import { api } from '../../api';
import { ErrorMessage, Loading } from '../../components/ErrorMessage';
import { download, metricsCsv, tradesCsv } from './csv-export';
import { EquityCharts, type Curve } from './EquityCharts';
import { MetricCards } from './MetricCards';
import { PriceChart, type ChartBars } from './PriceChart';
import { SweepTable } from './SweepTable';
import { TradesTable } from './TradesTable';

type Trades = Record<(typeof TRADE_COLUMNS)[number], Float64Array>;

/** One run: metrics, charts, trades (or the sweep table), with CSV export. */
export function RunView({ runId }: { runId: string }) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [curve, setCurve] = useState<Curve | null>(null);
  const [bars, setBars] = useState<ChartBars | null>(null);
  const [trades, setTrades] = useState<Trades | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);

  useEffect(() => {
    // The parent keys this component by run and refresh, so state starts empty on each load.
    let live = true;
    void (async () => {
      const r = await api.backtests.get({ id: runId });
      if (!live) return;
      if (!r.ok) return setError(r.error);
      setError(null);
      setRun(r.data);
      // Synced from another device: only the summary is here, so there is nothing more to load.
      if (r.data.status !== 'done' || r.data.kind !== 'single' || !r.data.resultsHere) return;
      const [eq, b, t] = await Promise.all([
        api.backtests.equity({ id: runId, maxPoints: 4000 }),
        api.backtests.bars({ id: runId, maxPoints: 3000 }),
        api.backtests.trades({ id: runId, offset: 0, limit: 1_000_000 }),
      ]);
      if (!live) return;
      if (eq.ok) setCurve(eq.data);
      if (b.ok) setBars(b.data);
      if (t.ok) setTrades(t.data.columns as Trades);
      const failed = [eq, b, t].find((x) => !x.ok);
      if (failed && !failed.ok) setError(failed.error);
    })();
    return () => {
      live = false;
    };
  }, [runId]);

  if (error) return <ErrorMessage error={error} />;
  if (!run) return <Loading />;
  return (
    <div className="run-view" data-status={run.status}>
      <h2>
        {run.strategyName} v{run.strategyVersion} on {run.datasetId}{' '}
        <span className={`status status-${run.status}`}>{run.status}</span>
      </h2>
      {run.errorMessage && run.status !== 'done' && (
        <ErrorMessage
          error={{ code: (run.errorCode ?? 'INTERNAL') as ErrorPayload['code'], message: run.errorMessage }}
        />
      )}
      {!run.resultsHere && (
        <p className="note" role="note">
          This run was made on another device. Only its summary and metrics sync; its equity curve, trades and
          log stay on that device. Run it again here to see them.
        </p>
      )}
      {run.metrics && (
        <>
          <MetricCards metrics={run.metrics} />
          <div className="toolbar">
            <button type="button" onClick={() => download(`metrics-${run.id}.csv`, metricsCsv(run.metrics!))}>
              Export metrics (CSV)
            </button>
            <button
              type="button"
              disabled={!trades}
              onClick={() => trades && download(`trades-${run.id}.csv`, tradesCsv(trades))}
            >
              Export trades (CSV)
            </button>
          </div>
        </>
      )}
      {bars && <PriceChart bars={bars} />}
      {curve && <EquityCharts curve={curve} />}
      {trades && (
        <>
          <h3>Trades ({trades.pnl.length.toLocaleString()})</h3>
          <TradesTable columns={trades} />
        </>
      )}
      {run.sweep && (
        <>
          <h3>Sweep ({run.sweep.length} parameter sets)</h3>
          <SweepTable rows={run.sweep} />
        </>
      )}
      {run.logs.length > 0 && (
        <details>
          <summary>Strategy log ({run.logs.length})</summary>
          <pre className="log">{run.logs.map((l) => `#${l.index} ${l.message}`).join('\n')}</pre>
        </details>
      )}
    </div>
  );
}
