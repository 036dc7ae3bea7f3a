import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every file under `dir` (recursively) whose raw bytes contain `needle` as UTF-8 or UTF-16LE. */
export function filesContaining(dir: string, needle: string): string[] {
  const patterns = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')];
  const hits: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = readFileSync(file);
    if (patterns.some((p) => bytes.includes(p))) hits.push(path.relative(dir, file));
  }
  return hits;
}
