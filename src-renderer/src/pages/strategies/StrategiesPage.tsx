import { useEffect, useState } from 'react';
import type {
  ParamSpecDto,
  StrategyDetail,
  StrategySummary,
} from '../../../../src-preload/contract/strategies';
import type { ErrorPayload } from '../../../../src-preload/errors';
import { api } from '../../api';
import { ErrorMessage, Loading } from '../../components/ErrorMessage';
import { CodeEditor } from '../../components/code/CodeEditor';
import { TemplatePicker } from './TemplatePicker';

/** Strategy library: list, editor, templates and versions. Saving new code adds a version. */
export function StrategiesPage() {
  const [items, setItems] = useState<StrategySummary[] | null>(null);
  const [selected, setSelected] = useState<StrategyDetail | null>(null);
  const [draft, setDraft] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [params, setParams] = useState<Record<string, ParamSpecDto> | null>(null);
  const [busy, setBusy] = useState(false);

  // Bumped to re-read the list after a change.
  const [tick, setTick] = useState(0);
  const refresh = async () => setTick((t) => t + 1);
  useEffect(() => {
    let live = true;
    void api.strategies.list().then((r) => {
      if (!live) return;
      if (r.ok) setItems(r.data.items);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [tick]);

  const open = async (id: string, versionId?: string) => {
    const r = await api.strategies.get(versionId ? { id, versionId } : { id });
    if (!r.ok) return setError(r.error);
    setError(null);
    setSelected(r.data);
    setDraft(r.data.source);
    setName(r.data.name);
    setParams(null);
  };

  const act = async <T,>(
    call: () => Promise<{ ok: true; data: T } | { ok: false; error: ErrorPayload }>,
  ): Promise<T | null> => {
    setBusy(true);
    try {
      const r = await call();
      if (!r.ok) {
        setError(r.error);
        return null;
      }
      setError(null);
      return r.data;
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    if (!selected) return;
    const patch: { id: string; name?: string; source?: string } = { id: selected.id };
    if (name !== selected.name) patch.name = name;
    if (draft !== selected.source || selected.versionId !== selected.latestVersionId) patch.source = draft;
    if (!patch.name && !patch.source) return;
    const d = await act(() => api.strategies.update(patch));
    if (d) {
      setSelected(d);
      void refresh();
    }
  };

  const createFrom = async (templateId: string, templateName: string) => {
    const d = await act(() => api.strategies.create({ name: templateName, fromTemplate: templateId }));
    if (d) {
      await refresh();
      await open(d.id);
    }
  };

  const remove = async () => {
    if (!selected || !window.confirm(`Delete "${selected.name}"? Runs keep the versions they used.`)) return;
    if (await act(() => api.strategies.delete({ id: selected.id }))) {
      setSelected(null);
      void refresh();
    }
  };

  const check = async () => {
    const d = await act(() => api.strategies.inspect({ source: draft }));
    if (d) setParams(d.params);
  };

  const dirty = selected !== null && (draft !== selected.source || name !== selected.name);

  return (
    <section className="page strategies">
      <h1>Strategies</h1>
      {error && <ErrorMessage error={error} />}
      <div className="split">
        <aside className="panel list-panel">
          <TemplatePicker onPick={(id, n) => void createFrom(id, n)} disabled={busy} />
          {!items && <Loading />}
          {items && items.length === 0 && <p className="hint">No strategies yet. Start from a template.</p>}
          <ul className="item-list" aria-label="Strategies">
            {items?.map((s) => (
              <li key={s.id}>
                <button
                  type="button"
                  className={selected?.id === s.id ? 'active' : ''}
                  onClick={() => void open(s.id)}
                >
                  {s.name} <span className="muted">v{s.latestVersion}</span>
                </button>
              </li>
            ))}
          </ul>
        </aside>
        {selected ? (
          <div className="panel editor-panel">
            <div className="toolbar">
              <input aria-label="Strategy name" value={name} onChange={(e) => setName(e.target.value)} />
              <select
                aria-label="Version"
                value={selected.versionId}
                onChange={(e) => void open(selected.id, e.target.value)}
              >
                {selected.versions.map((v) => (
                  <option key={v.id} value={v.id}>
                    v{v.version} · {new Date(v.createdAt).toLocaleString()}
                    {v.note ? ` · ${v.note}` : ''}
                  </option>
                ))}
              </select>
              <button type="button" onClick={() => void save()} disabled={busy || !dirty}>
                Save{selected.versionId !== selected.latestVersionId ? ' as new version' : ''}
              </button>
              <button type="button" onClick={() => void check()} disabled={busy}>
                Check
              </button>
              <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
                Delete
              </button>
            </div>
            <CodeEditor value={draft} onChange={setDraft} ariaLabel="Strategy source" />
            {params && (
              <div className="params" aria-label="Parameters">
                {Object.keys(params).length === 0
                  ? 'The code is valid and declares no parameters.'
                  : Object.entries(params).map(([k, p]) => (
                      <span key={k} className="chip">
                        {p.label ?? k}: {p.default}
                        {p.min !== undefined || p.max !== undefined
                          ? ` (${p.min ?? '…'}–${p.max ?? '…'})`
                          : ''}
                      </span>
                    ))}
              </div>
            )}
            <p className="hint">
              Saving new code creates version {selected.latestVersion + 1}; earlier versions stay as they
              were, and each backtest records the version it ran. See docs/strategy-api.md for the API.
            </p>
          </div>
        ) : (
          <div className="panel">
            <p className="hint">Pick a strategy, or start one from a template.</p>
          </div>
        )}
      </div>
    </section>
  );
}
