// `npm run bench`: runs every bench/*.ts in turn (each prints its own JSON figures).
// Pass names to run a subset: npm run bench -- startup sandbox
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .filter((f) => wanted.length === 0 || wanted.includes(path.basename(f, '.ts')));
let failed = 0;
for (const f of files) {
  console.error(`# bench/${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, f)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
