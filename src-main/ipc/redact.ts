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
  if (typeof v === 'string') {
    const s = withoutUrlPassword(v);
    return s.length > 200 ? `${s.slice(0, 200)}… (${s.length} chars)` : s;
  }
  if (Array.isArray(v)) return v.length > 20 ? `[${v.length} items]` : v.map((x) => summarise(x, depth + 1));
  if (v && typeof v === 'object') return depth > 3 ? '[object]' : redactForAudit(v, depth);
  return v;
}

/** `redis://user:secret@host` → `redis://user:[redacted]@host`: a URL's password is a secret too. */
function withoutUrlPassword(s: string): string {
  return s.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^/?#\s]*@/i, '$1:[redacted]@');
}
