import { useEffect, useState } from 'react';
import type { AuditRecord } from '../../../src-preload/contract/audit';
import type { ErrorPayload } from '../../../src-preload/errors';
import { api } from '../api';
import { ErrorMessage, Loading } from '../components/ErrorMessage';

/** The landing page: recent activity from the audit log for now. */
export function DashboardPage() {
  const [items, setItems] = useState<AuditRecord[] | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const fetchItems = () =>
    api.audit.list({ page: 1, pageSize: 10 }).then((r) => {
      setError(r.ok ? null : r.error);
      if (r.ok) setItems(r.data.items);
    });
  useEffect(() => {
    void fetchItems();
  }, []);
  const load = () => void fetchItems();
  return (
    <section className="page">
      <h1>Dashboard</h1>
      <h2>Recent activity</h2>
      {error && <ErrorMessage error={error} onRetry={load} />}
      {!items && !error && <Loading />}
      {items && items.length === 0 && (
        <p className="hint">Nothing yet. Import data or write a strategy to begin.</p>
      )}
      {items && items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>When</th>
              <th>Action</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.id}>
                <td>{new Date(i.ts).toLocaleString()}</td>
                <td>{i.action}</td>
                <td>{i.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
