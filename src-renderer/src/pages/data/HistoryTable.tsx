import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../../src-preload/contract';
import { IMPORT_STATUSES } from '../../../../src-preload/contract/data';
import type { ErrorPayload } from '../../../../src-preload/errors';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatBytes, formatDate } from './format';

type History = ChannelOutput<'data.history'>;
const PAGE_SIZE = 10;

/** Import history with paging and filters (status, file name, date range). */
export function HistoryTable({ refreshKey }: { refreshKey: number }) {
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState('');
  const [filename, setFilename] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [data, setData] = useState<History | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);

  useEffect(() => {
    let live = true;
    void api.data
      .history({
        page,
        pageSize: PAGE_SIZE,
        ...(status ? { status: status as (typeof IMPORT_STATUSES)[number] } : {}),
        ...(filename.trim() ? { filename: filename.trim() } : {}),
        ...(from ? { from: new Date(`${from}T00:00:00`).getTime() } : {}),
        ...(to ? { to: new Date(`${to}T23:59:59.999`).getTime() } : {}),
      })
      .then((r) => {
        if (!live) return;
        setError(r.ok ? null : r.error);
        if (r.ok) setData(r.data);
      });
    return () => {
      live = false;
    };
  }, [page, status, filename, from, to, refreshKey]);

  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(1);
    };
  return (
    <div className="panel">
      <h2>Import history</h2>
      <div className="filters">
        <select aria-label="Status filter" value={status} onChange={(e) => filter(setStatus)(e.target.value)}>
          <option value="">all statuses</option>
          {IMPORT_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <input
          aria-label="File name filter"
          placeholder="file name"
          value={filename}
          onChange={(e) => filter(setFilename)(e.target.value)}
        />
        <input
          aria-label="From date"
          type="date"
          value={from}
          onChange={(e) => filter(setFrom)(e.target.value)}
        />
        <input aria-label="To date" type="date" value={to} onChange={(e) => filter(setTo)(e.target.value)} />
      </div>
      {error && <ErrorMessage error={error} />}
      {data && data.items.length === 0 && <p className="hint">No imports match.</p>}
      {data && data.items.length > 0 && (
        <table className="table" aria-label="Import history">
          <thead>
            <tr>
              <th>When</th>
              <th>File</th>
              <th>Status</th>
              <th>Symbol</th>
              <th>Accepted</th>
              <th>Rejected</th>
              <th>Size</th>
              <th>Note</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((i) => (
              <tr key={i.id} data-status={i.status}>
                <td>{formatDate(i.queuedAt)}</td>
                <td>{i.filename}</td>
                <td>{i.status}</td>
                <td>{i.symbol ? `${i.symbol} ${i.timeframe ?? ''}` : '—'}</td>
                <td>{i.rowsAccepted.toLocaleString()}</td>
                <td>{i.rowsRejected.toLocaleString()}</td>
                <td>{i.fileSizeBytes === null ? '—' : formatBytes(i.fileSizeBytes)}</td>
                <td>{i.errorMessage ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="pager">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          Previous
        </button>
        <span>
          Page {page} of {pages}
          {data ? ` · ${data.total} imports` : ''}
        </span>
        <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          Next
        </button>
      </div>
    </div>
  );
}
