import { useEffect, useState } from 'react';
import type { RunSummary } from '../../../../src-preload/contract/backtests';
import { api } from '../../api';
import { RunForm } from './RunForm';
import { RunView } from './RunView';
import { pct } from './format';

interface Progress {
  done: number;
  total: number;
  phase: string;
}

const PAGE_SIZE = 20;

/** Configure and run backtests, follow their progress, browse and open past runs. */
export function BacktestsPage() {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string | null>(null);
  const [progress, setProgress] = useState<Record<string, Progress>>({});
  const [version, setVersion] = useState(0);

  // Bumped whenever the list should be re-read (a run started or ended).
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((t) => t + 1);

  useEffect(() => {
    let live = true;
    void api.backtests.list({ page, pageSize: PAGE_SIZE }).then((r) => {
      if (!live || !r.ok) return;
      setRuns(r.data.items);
      setTotal(r.data.total);
    });
    return () => {
      live = false;
    };
  }, [page, tick]);

  useEffect(
    () =>
      api.on('job.progress', (p) => {
        setProgress((cur) => ({ ...cur, [p.jobId]: p }));
        if (['done', 'failed', 'cancelled'].includes(p.phase)) {
          setTick((t) => t + 1);
          setVersion((v) => v + 1);
        }
      }),
    [],
  );

  const running = runs.filter((r) => r.status === 'running');
  return (
    <section className="page backtests">
      <h1>Backtests</h1>
      <div className="split">
        <aside>
          <RunForm
            onStarted={(id) => {
              setSelected(id);
              refresh();
            }}
          />
          {running.map((r) => {
            const p = progress[r.id];
            return (
              <div key={r.id} className="panel progress-panel">
                <span>
                  {r.strategyName}: {p?.phase ?? 'starting'}
                </span>
                <progress aria-label="Backtest progress" max={p?.total || 1} value={p?.done ?? 0} />
                <button type="button" onClick={() => void api.backtests.cancel({ id: r.id })}>
                  Cancel
                </button>
              </div>
            );
          })}
          <div className="panel">
            <h2>Runs</h2>
            <ul className="item-list" aria-label="Runs">
              {runs.map((r) => (
                <li key={r.id}>
                  <button
                    type="button"
                    className={selected === r.id ? 'active' : ''}
                    onClick={() => setSelected(r.id)}
                  >
                    {r.strategyName} v{r.strategyVersion} · {r.datasetId} ·{' '}
                    {r.kind === 'sweep' ? 'sweep' : pct(r.metrics?.totalReturn)}{' '}
                    <span className={`status status-${r.status}`}>{r.status}</span>
                  </button>
                </li>
              ))}
            </ul>
            <div className="pager">
              <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                Previous
              </button>
              <span>
                {page} / {Math.max(1, Math.ceil(total / PAGE_SIZE))}
              </span>
              <button type="button" disabled={page * PAGE_SIZE >= total} onClick={() => setPage(page + 1)}>
                Next
              </button>
            </div>
          </div>
        </aside>
        <div className="panel">
          {selected ? (
            <RunView key={`${selected}:${version}`} runId={selected} />
          ) : (
            <p className="hint">Run a backtest or pick one.</p>
          )}
        </div>
      </div>
    </section>
  );
}
