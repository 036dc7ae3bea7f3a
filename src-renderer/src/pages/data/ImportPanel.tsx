import { useEffect, useRef, useState } from 'react';
import type { ChannelOutput } from '../../../../src-preload/contract';
import { TIMEFRAMES } from '../../../../src-preload/contract/user';
import type { ErrorPayload, Result } from '../../../../src-preload/errors';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ImportResultView } from './ImportResultView';

type ImportResult = NonNullable<ChannelOutput<'data.importBytes'>>;
type Progress = { done: number; total: number; phase: string };

/**
 * Drop a file or pick one, follow the progress, cancel, see what was accepted and why rows were
 * rejected. Dropped files travel as bytes; "Choose file…" opens main's own dialog.
 */
export function ImportPanel() {
  const [symbol, setSymbol] = useState('');
  const [timeframe, setTimeframe] = useState('');
  const [timezone, setTimezone] = useState('');
  const [progress, setProgress] = useState<Progress | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [dragging, setDragging] = useState(false);
  const jobRef = useRef<string | null>(null);

  useEffect(
    () =>
      api.on('job.progress', (p) => {
        if (p.jobId === jobRef.current) setProgress({ done: p.done, total: p.total, phase: p.phase });
      }),
    [],
  );

  const options = () => ({
    ...(symbol.trim() ? { symbol: symbol.trim() } : {}),
    ...(timeframe ? { timeframe: timeframe as (typeof TIMEFRAMES)[number] } : {}),
    ...(timezone.trim() ? { timezone: timezone.trim() } : {}),
  });

  async function run(start: (importId: string) => Promise<Result<ImportResult | null>>) {
    const importId = crypto.randomUUID();
    jobRef.current = importId;
    setRunning(importId);
    setResult(null);
    setError(null);
    setProgress({ done: 0, total: 0, phase: 'checking' });
    const r = await start(importId);
    setRunning(null);
    jobRef.current = null;
    if (r.ok) {
      setResult(r.data);
      if (!r.data) setProgress(null);
    } else setError(r.error);
  }

  const importFile = async (file: File) => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    await run((importId) => api.data.importBytes({ filename: file.name, bytes, importId, ...options() }));
  };

  const pct = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <div className="panel import-panel">
      <h2>Import market data</h2>
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const file = e.dataTransfer.files[0];
          if (file && !running) void importFile(file);
        }}
      >
        <p>Drop an OHLCV CSV file here (date, open, high, low, close, volume), or</p>
        <label className="file-button">
          <input
            type="file"
            accept=".csv,.tsv,.txt,text/csv"
            aria-label="Upload a CSV file"
            disabled={running !== null}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void importFile(file);
            }}
          />
        </label>
        <button
          type="button"
          disabled={running !== null}
          onClick={() => void run((importId) => api.data.importFromDialog({ importId, ...options() }))}
        >
          Choose file…
        </button>
      </div>
      <div className="import-options">
        <label>
          Symbol (optional)
          <input value={symbol} onChange={(e) => setSymbol(e.target.value)} placeholder="from the file" />
        </label>
        <label>
          Timeframe
          <select aria-label="Timeframe" value={timeframe} onChange={(e) => setTimeframe(e.target.value)}>
            <option value="">detect</option>
            {TIMEFRAMES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Time zone (optional)
          <input value={timezone} onChange={(e) => setTimezone(e.target.value)} placeholder="UTC" />
        </label>
      </div>
      {progress && running && (
        <div className="import-progress">
          <progress max={100} value={pct} aria-label="Import progress" />
          <span>
            {progress.phase} {pct}%
          </span>
          <button type="button" onClick={() => void api.data.cancelImport({ importId: running })}>
            Cancel
          </button>
        </div>
      )}
      {error && <ErrorMessage error={error} />}
      {error?.details && Array.isArray(error.details.samples) && (
        <ImportResultView.Samples samples={error.details.samples as ImportResult['rejectSamples']} />
      )}
      {result && <ImportResultView result={result} />}
    </div>
  );
}
