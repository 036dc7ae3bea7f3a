/**
 * Merkle trie over message timestamps, as in Actual Budget: each timestamp is hashed and XORed
 * into the nodes along the path of its minute written in base 3. Two replicas holding the same
 * set of messages have the same root hash; when they differ, walking both tries finds the first
 * minute where they diverge, so only messages from then on need to be exchanged again.
 * Plain JSON objects so the trie can be stored and sent as is.
 */
export interface MerkleTrie {
  hash: number;
  '0'?: MerkleTrie;
  '1'?: MerkleTrie;
  '2'?: MerkleTrie;
}

type Digit = '0' | '1' | '2';
const DIGITS: Digit[] = ['0', '1', '2'];
/** 3^16 minutes reach beyond the year 2050; pad every key to 16 digits so paths align. */
const KEY_LENGTH = 16;

export const emptyTrie = (): MerkleTrie => ({ hash: 0 });

/** FNV-1a, 32 bits: fast and well spread; this is change detection, not security. */
export function hashTimestamp(ts: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ts.length; i++) {
    h ^= ts.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function keyOf(ts: string): string {
  const minutes = Math.floor(Date.parse(ts.slice(0, 24)) / 60_000);
  return minutes.toString(3).padStart(KEY_LENGTH, '0');
}

/** Adds a timestamp in place. Callers add each timestamp once: XOR would cancel a duplicate. */
export function insertTimestamp(trie: MerkleTrie, ts: string): MerkleTrie {
  const h = hashTimestamp(ts);
  const key = keyOf(ts);
  let node = trie;
  node.hash = (node.hash ^ h) >>> 0;
  for (const d of key) {
    const digit = d as Digit;
    node = node[digit] ??= emptyTrie();
    node.hash = (node.hash ^ h) >>> 0;
  }
  return trie;
}

/**
 * The start (ms) of the first minute where the two tries differ, or null when they hold the
 * same timestamps. Everything before the returned time is known to be identical.
 */
export function diffTries(a: MerkleTrie, b: MerkleTrie): number | null {
  if (a.hash === b.hash) return null;
  let na: MerkleTrie = a;
  let nb: MerkleTrie = b;
  let path = '';
  for (;;) {
    const diff = DIGITS.find((d) => (na[d]?.hash ?? 0) !== (nb[d]?.hash ?? 0));
    if (diff === undefined || path.length === KEY_LENGTH) {
      return parseInt(path.padEnd(KEY_LENGTH, '0'), 3) * 60_000;
    }
    path += diff;
    na = na[diff] ?? emptyTrie();
    nb = nb[diff] ?? emptyTrie();
  }
}

/** Validates a trie received over the wire (depth and shape), returning it typed. */
export function isTrie(x: unknown, depth = 0): x is MerkleTrie {
  if (typeof x !== 'object' || x === null || depth > KEY_LENGTH) return false;
  const o = x as Record<string, unknown>;
  if (typeof o.hash !== 'number') return false;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'hash') continue;
    if (!DIGITS.includes(k as Digit) || !isTrie(v, depth + 1)) return false;
  }
  return true;
}
