/** Decimal units, like the quota messages main sends ("99.2 MB"). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : Math.round(v * 10) / 10} ${units[u]}`;
}

export const formatDate = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toLocaleString());
export const formatDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const REASON_TEXT: Record<string, string> = {
  missing_fields: 'too few fields',
  bad_timestamp: 'date or time not readable',
  bad_number: 'a price or volume is not a number',
  negative_volume: 'negative volume',
  high_below_open_close: 'high below open or close',
  low_above_open_close: 'low above open or close',
  other_symbol: 'a different symbol',
};
