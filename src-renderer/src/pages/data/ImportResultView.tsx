import type { ChannelOutput } from '../../../../src-preload/contract';
import { formatDay, REASON_TEXT } from './format';

type ImportResult = ChannelOutput<'data.importBytes'>;

/** What an import did: accepted rows, rejected rows by reason with samples, duplicates, sorting. */
export function ImportResultView({ result }: { result: ImportResult }) {
  const reasons = Object.entries(result.rejectReasons);
  return (
    <div className="import-result" role="status">
      <p>
        <strong>
          Imported {result.rowsAccepted.toLocaleString()} bars of {result.symbol} {result.timeframe}
        </strong>{' '}
        ({formatDay(result.firstTs)} – {formatDay(result.lastTs)}); the dataset now has{' '}
        {result.datasetRows.toLocaleString()} bars.
      </p>
      {result.rowsRejected > 0 && (
        <>
          <p>{result.rowsRejected.toLocaleString()} rows were rejected:</p>
          <ul>
            {reasons.map(([k, n]) => (
              <li key={k}>
                {n.toLocaleString()} × {REASON_TEXT[k] ?? k}
              </li>
            ))}
          </ul>
          <Samples samples={result.rejectSamples} />
        </>
      )}
      {result.duplicates > 0 && (
        <p>{result.duplicates} rows repeated an earlier timestamp; the last of each was kept.</p>
      )}
      {result.wasUnsorted && <p className="hint">The rows were not in time order and have been sorted.</p>}
    </div>
  );
}

function Samples({ samples }: { samples: ImportResult['rejectSamples'] }) {
  if (samples.length === 0) return null;
  return (
    <table className="table samples">
      <thead>
        <tr>
          <th>Line</th>
          <th>Why</th>
          <th>Text</th>
        </tr>
      </thead>
      <tbody>
        {samples.map((s) => (
          <tr key={`${s.line}-${s.reason}`}>
            <td>{s.line}</td>
            <td>{REASON_TEXT[s.reason] ?? s.reason}</td>
            <td>
              <code>{s.text}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

ImportResultView.Samples = Samples;
