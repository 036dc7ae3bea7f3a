const MB = 1024 * 1024;

/**
 * How far the host's resident memory may grow during one job. The isolate's heap limit is the
 * main line; this catches what it does not count ('x'.repeat(2 ** 28) measured 544 MB resident
 * in a 32 MB isolate). Headroom: half the limit again for V8's own overhead plus 128 MB.
 */
export function rssBudgetBytes(rssAtStart: number, memoryMb: number): number {
  return rssAtStart + memoryMb * 1.5 * MB + 128 * MB;
}
