import { useState } from 'react';
import type { ChannelOutput } from '../../../../src-preload/contract';
import type { ErrorPayload } from '../../../../src-preload/errors';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatBytes, formatDate, formatDay } from './format';

type Files = ChannelOutput<'storage.files'>['items'];
type Datasets = ChannelOutput<'data.datasets'>['items'];

/** Stored files with the datasets they feed; delete asks for confirmation first. */
export function FilesTable({
  files,
  datasets,
  onChanged,
}: {
  files: Files;
  datasets: Datasets;
  onChanged: () => void;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);

  const del = async (fileId: string) => {
    setBusy(true);
    const r = await api.storage.deleteFile({ fileId });
    setBusy(false);
    setConfirming(null);
    setError(r.ok ? null : r.error);
    onChanged();
  };

  return (
    <div className="panel">
      <h2>Files and datasets</h2>
      {error && <ErrorMessage error={error} />}
      {files.length === 0 ? (
        <p className="hint">No files yet.</p>
      ) : (
        <table className="table" aria-label="Stored files">
          <thead>
            <tr>
              <th>File</th>
              <th>Size</th>
              <th>Imported</th>
              <th>Dataset</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {files.map((f) => {
              const fed = datasets.filter((d) => d.sourceFileIds.includes(f.id));
              return (
                <tr key={f.id}>
                  <td>{f.filename}</td>
                  <td>{formatBytes(f.fileSizeBytes)}</td>
                  <td>{formatDate(f.createdAt)}</td>
                  <td>
                    {fed.map((d) => (
                      <div key={d.id}>
                        {d.symbol} {d.timeframe}: {d.rowCount.toLocaleString()} bars, {formatDay(d.firstTs)} –{' '}
                        {formatDay(d.lastTs)}
                      </div>
                    ))}
                  </td>
                  <td>
                    {confirming === f.id ? (
                      <span className="confirm" role="group" aria-label="Confirm delete">
                        Delete {f.filename} and its bars?{' '}
                        <button
                          type="button"
                          className="danger"
                          disabled={busy}
                          onClick={() => void del(f.id)}
                        >
                          Delete
                        </button>{' '}
                        <button type="button" disabled={busy} onClick={() => setConfirming(null)}>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <button
                        type="button"
                        onClick={() => setConfirming(f.id)}
                        aria-label={`Delete ${f.filename}`}
                      >
                        Delete…
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
