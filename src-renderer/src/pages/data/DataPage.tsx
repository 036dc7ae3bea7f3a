import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../../src-preload/contract';
import type { ErrorPayload } from '../../../../src-preload/errors';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FilesTable } from './FilesTable';
import { HistoryTable } from './HistoryTable';
import { ImportPanel } from './ImportPanel';
import { QuotaMeter } from './QuotaMeter';

/** The Data page: import, quota, stored files and datasets, import history. */
export function DataPage() {
  const [usage, setUsage] = useState<ChannelOutput<'storage.usage'> | null>(null);
  const [files, setFiles] = useState<ChannelOutput<'storage.files'>['items']>([]);
  const [datasets, setDatasets] = useState<ChannelOutput<'data.datasets'>['items']>([]);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);

  const load = () =>
    Promise.all([api.storage.usage(), api.storage.files(), api.data.datasets()]).then(([u, f, d]) => {
      const failed = [u, f, d].find((r) => !r.ok);
      setError(failed && !failed.ok ? failed.error : null);
      if (u.ok) setUsage(u.data);
      if (f.ok) setFiles(f.data.items);
      if (d.ok) setDatasets(d.data.items);
      setRefreshKey((k) => k + 1);
    });

  useEffect(() => {
    void load();
    // Imports and deletes (from this page or elsewhere) announce themselves.
    const offChanged = api.on('data.changed', () => void load());
    // Failed and cancelled imports change the history but no data.
    const offProgress = api.on('job.progress', (p) => {
      if (p.phase === 'failed' || p.phase === 'cancelled') void load();
    });
    return () => {
      offChanged();
      offProgress();
    };
  }, []);

  return (
    <section className="page data-page">
      <h1>Data</h1>
      {error && <ErrorMessage error={error} onRetry={() => void load()} />}
      <QuotaMeter usage={usage} />
      <ImportPanel />
      <FilesTable files={files} datasets={datasets} onChanged={() => void load()} />
      <HistoryTable refreshKey={refreshKey} />
    </section>
  );
}
