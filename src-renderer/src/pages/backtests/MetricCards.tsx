import type { MetricsDto } from '../../../../src-preload/contract/backtests';
import { METRIC_VIEW } from './format';

export function MetricCards({ metrics }: { metrics: MetricsDto }) {
  return (
    <div className="metric-cards" aria-label="Metrics">
      {METRIC_VIEW.map((m) => (
        <div key={m.key} className="metric-card" data-metric={m.key}>
          <span className="label">{m.label}</span>
          <strong>{m.fmt(metrics[m.key] as number | null)}</strong>
        </div>
      ))}
    </div>
  );
}
