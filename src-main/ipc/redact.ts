/** Keys whose values never reach the audit log or the log file. */
const SECRET_KEY = /pass(word|phrase)?|secret|token|value|api_?key|credential/i;

/**
 * A copy of a call's input fit for the audit log: secret-looking fields replaced, byte arrays
 * and long strings summarised (an import's bytes do not belong in an audit row).
 */
export function redactForAudit(input: unknown, depth = 0): Record<string, unknown> {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) return { input: summarise(input, depth) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : summarise(v, depth + 1);
  }
  return out;
}

function summarise(v: unknown, depth: number): unknown {
  if (v instanceof Uint8Array) return `[${v.byteLength} bytes]`;
  if (typeof v === 'string') return v.length > 200 ? `${v.slice(0, 200)}… (${v.length} chars)` : v;
  if (Array.isArray(v)) return v.length > 20 ? `[${v.length} items]` : v.map((x) => summarise(x, depth + 1));
  if (v && typeof v === 'object') return depth > 3 ? '[object]' : redactForAudit(v, depth);
  return v;
}
