/** Sizes for messages people read: "99.2 MB", "100 MB" (decimal units, like the quota). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  const rounded = u === 0 ? String(v) : String(Math.round(v * 10) / 10);
  return `${rounded} ${units[u]}`;
}
