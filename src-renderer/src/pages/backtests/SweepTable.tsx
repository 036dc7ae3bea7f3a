import { useMemo, useState } from 'react';
import type { MetricsDto, SweepRowDto } from '../../../../src-preload/contract/backtests';
import { METRIC_VIEW } from './format';

type SortKey = { kind: 'param'; name: string } | { kind: 'metric'; name: keyof MetricsDto };

/** One row per parameter set; click any header to sort by it (again to flip the direction). */
export function SweepTable({ rows }: { rows: SweepRowDto[] }) {
  const paramNames = Object.keys(rows[0]?.params ?? {});
  const [sort, setSort] = useState<SortKey>({ kind: 'metric', name: 'sharpe' });
  const [desc, setDesc] = useState(true);
  const sorted = useMemo(() => {
    const val = (r: SweepRowDto): number => {
      const v = sort.kind === 'param' ? r.params[sort.name] : r.metrics?.[sort.name];
      return typeof v === 'number' && Number.isFinite(v) ? v : -Infinity;
    };
    return [...rows].sort((a, b) => (desc ? val(b) - val(a) : val(a) - val(b)));
  }, [rows, sort, desc]);
  const header = (key: SortKey, label: string) => {
    const active = key.kind === sort.kind && key.name === sort.name;
    return (
      <th key={`${key.kind}:${key.name}`} aria-sort={active ? (desc ? 'descending' : 'ascending') : 'none'}>
        <button
          type="button"
          onClick={() => {
            if (active) setDesc(!desc);
            else {
              setSort(key);
              setDesc(true);
            }
          }}
        >
          {label}
          {active ? (desc ? ' ▼' : ' ▲') : ''}
        </button>
      </th>
    );
  };
  return (
    <div className="sweep-table">
      <table className="table" aria-label="Sweep results">
        <thead>
          <tr>
            {paramNames.map((p) => header({ kind: 'param', name: p }, p))}
            {METRIC_VIEW.map((m) => header({ kind: 'metric', name: m.key }, m.label))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r, i) => (
            <tr key={i}>
              {paramNames.map((p) => (
                <td key={p}>{r.params[p]}</td>
              ))}
              {r.metrics
                ? METRIC_VIEW.map((m) => <td key={m.key}>{m.fmt(r.metrics![m.key] as number | null)}</td>)
                : [
                    <td key="err" colSpan={METRIC_VIEW.length} className="bad">
                      {r.error?.message}
                    </td>,
                  ]}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
