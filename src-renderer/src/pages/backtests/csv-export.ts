import {
  FILL_REASON_NAMES,
  type MetricsDto,
  type TRADE_COLUMNS,
} from '../../../../src-preload/contract/backtests';

/** Starts a download of text as a file (works in Electron and in the browser harness). */
export function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function tradesCsv(columns: Record<(typeof TRADE_COLUMNS)[number], Float64Array>): string {
  const n = columns.pnl.length;
  const head = 'side,qty,entry_time,entry_price,exit_time,exit_price,pnl,return_pct,commission,exit_reason';
  const lines = new Array<string>(n + 1);
  lines[0] = head;
  for (let i = 0; i < n; i++) {
    lines[i + 1] = [
      columns.side[i] === 1 ? 'long' : 'short',
      columns.qty[i],
      new Date(columns.entryTime[i]!).toISOString(),
      columns.entryPrice[i],
      new Date(columns.exitTime[i]!).toISOString(),
      columns.exitPrice[i],
      columns.pnl[i],
      columns.returnPct[i],
      columns.commission[i],
      FILL_REASON_NAMES[columns.exitReason[i]!] ?? '',
    ].join(',');
  }
  return lines.join('\n');
}

export function metricsCsv(m: MetricsDto): string {
  return ['metric,value', ...Object.entries(m).map(([k, v]) => `${k},${v === null ? '' : String(v)}`)].join(
    '\n',
  );
}
