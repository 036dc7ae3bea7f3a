import { useEffect, useState } from 'react';
import type { CostsInput } from '../../../../src-preload/contract/backtests';
import type { ParamSpecDto, StrategySummary } from '../../../../src-preload/contract/strategies';
import type { ErrorPayload } from '../../../../src-preload/errors';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { usePreferences } from '../../stores/preferences-store';

/** "5:20:5" → a range, "5,10,20" → values, "" → not swept. */
function parseAxis(text: string): number[] | { from: number; to: number; step: number } | null {
  const t = text.trim();
  if (!t) return null;
  const r = t.split(':').map(Number);
  if (r.length === 3 && r.every(Number.isFinite)) return { from: r[0]!, to: r[1]!, step: r[2]! };
  const vals = t.split(',').map(Number);
  return vals.every(Number.isFinite) ? vals : null;
}

const toMs = (d: string, end: boolean): number | null =>
  d ? Date.parse(`${d}T${end ? '23:59:59.999' : '00:00:00'}Z`) : null;

/** Configure and start a run or a sweep. */
export function RunForm({ onStarted }: { onStarted: (runId: string) => void }) {
  const prefs = usePreferences((s) => s.prefs);
  const [strategies, setStrategies] = useState<StrategySummary[]>([]);
  const [datasets, setDatasets] = useState<{ id: string; name: string }[]>([]);
  const [strategyId, setStrategyId] = useState('');
  const [datasetId, setDatasetId] = useState('');
  const [specs, setSpecs] = useState<Record<string, ParamSpecDto>>({});
  const [values, setValues] = useState<Record<string, string>>({});
  const [sweep, setSweep] = useState<Record<string, string>>({});
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [cash, setCash] = useState('100000');
  const [commissionPct, setCommissionPct] = useState(String(prefs?.defaultCommissionPct ?? 0.1));
  const [commission, setCommission] = useState(String(prefs?.defaultCommissionPerTrade ?? 0));
  const [slippagePct, setSlippagePct] = useState(String(prefs?.defaultSlippagePct ?? 0.05));
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api.strategies.list().then((r) => {
      if (!r.ok) return;
      setStrategies(r.data.items);
      if (r.data.items[0]) setStrategyId((cur) => cur || r.data.items[0]!.id);
    });
    void api.backtests.datasets().then((r) => {
      if (!r.ok) return;
      setDatasets(r.data.items);
      if (r.data.items[0]) setDatasetId((cur) => cur || r.data.items[0]!.id);
    });
  }, []);

  useEffect(() => {
    if (!strategyId) return;
    void (async () => {
      const s = await api.strategies.get({ id: strategyId });
      if (!s.ok) return setError(s.error);
      const p = await api.strategies.inspect({ source: s.data.source });
      if (!p.ok) {
        setSpecs({});
        return setError(p.error);
      }
      setError(null);
      setSpecs(p.data.params);
      setValues(Object.fromEntries(Object.entries(p.data.params).map(([k, v]) => [k, String(v.default)])));
      setSweep({});
    })();
  }, [strategyId]);

  const run = async () => {
    const params = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v)]));
    const grid = Object.fromEntries(
      Object.entries(sweep)
        .map(([k, v]) => [k, parseAxis(v)] as const)
        .filter((e): e is [string, NonNullable<ReturnType<typeof parseAxis>>] => e[1] !== null),
    );
    const costs: CostsInput = {
      initialCash: Number(cash),
      commissionPct: Number(commissionPct),
      commissionPerTrade: Number(commission),
      slippagePct: Number(slippagePct),
    };
    setBusy(true);
    const r = await api.backtests.run({
      strategyId,
      datasetId,
      from: toMs(from, false),
      to: toMs(to, true),
      params,
      costs,
      ...(Object.keys(grid).length > 0 ? { sweep: { grid } } : {}),
    });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError(null);
    onStarted(r.data.runId);
  };

  return (
    <form
      className="panel run-form"
      aria-label="Run a backtest"
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      {error && <ErrorMessage error={error} />}
      <label>
        Strategy
        <select aria-label="Strategy" value={strategyId} onChange={(e) => setStrategyId(e.target.value)}>
          {strategies.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} (v{s.latestVersion})
            </option>
          ))}
        </select>
      </label>
      <label>
        Dataset
        <select aria-label="Dataset" value={datasetId} onChange={(e) => setDatasetId(e.target.value)}>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <div className="row">
        <label>
          From
          <input type="date" aria-label="From" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To
          <input type="date" aria-label="To" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      {Object.entries(specs).map(([k, p]) => (
        <div className="row" key={k}>
          <label>
            {p.label ?? k}
            <input
              type="number"
              aria-label={`Parameter ${k}`}
              value={values[k] ?? ''}
              min={p.min}
              max={p.max}
              step={p.step ?? 'any'}
              onChange={(e) => setValues({ ...values, [k]: e.target.value })}
            />
          </label>
          <label>
            Sweep
            <input
              aria-label={`Sweep ${k}`}
              placeholder="from:to:step or a,b,c"
              value={sweep[k] ?? ''}
              onChange={(e) => setSweep({ ...sweep, [k]: e.target.value })}
            />
          </label>
        </div>
      ))}
      <div className="row">
        <label>
          Cash
          <input
            type="number"
            aria-label="Initial cash"
            value={cash}
            onChange={(e) => setCash(e.target.value)}
          />
        </label>
        <label>
          Commission %
          <input
            type="number"
            step="any"
            aria-label="Commission percent"
            value={commissionPct}
            onChange={(e) => setCommissionPct(e.target.value)}
          />
        </label>
      </div>
      <div className="row">
        <label>
          Per trade
          <input
            type="number"
            step="any"
            aria-label="Commission per trade"
            value={commission}
            onChange={(e) => setCommission(e.target.value)}
          />
        </label>
        <label>
          Slippage %
          <input
            type="number"
            step="any"
            aria-label="Slippage percent"
            value={slippagePct}
            onChange={(e) => setSlippagePct(e.target.value)}
          />
        </label>
      </div>
      <button type="submit" disabled={busy || !strategyId || !datasetId}>
        Run backtest
      </button>
      {datasets.length === 0 && <p className="hint">No datasets yet: import bars on the Data page first.</p>}
    </form>
  );
}
