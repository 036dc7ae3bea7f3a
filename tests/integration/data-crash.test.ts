import { spawn } from 'node:child_process';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src-main/core.js';
import { tempDir } from '../helpers/temp-core.js';

const repo = path.resolve(import.meta.dirname, '../..');
const child = path.join(repo, 'tests/fixtures/import-child.ts');
let work: string;
let bigCsv: string;

beforeAll(() => {
  work = tempDir('qd-crash-');
  bigCsv = path.join(work, 'big.csv');
  const lines = ['timestamp,open,high,low,close,volume'];
  const t0 = Date.UTC(2018, 0, 1);
  for (let i = 0; i < 300_000; i++)
    lines.push(`${new Date(t0 + i * 60_000).toISOString()},10.5,11.25,9.75,10.125,${i}`);
  writeFileSync(bigCsv, lines.join('\n') + '\n'); // ~19 MB
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the child until it dies; in `external` mode SIGKILLs it once it has read a few MB. */
function runChild(
  dataDir: string,
  mode: string,
): Promise<{ signal: NodeJS.Signals | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dataDir, bigCsv, mode], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: p.stdout }).on('line', (line) => {
      lines.push(line);
      if (mode !== 'external' || !line.startsWith('{')) return;
      const e = JSON.parse(line) as { phase: string; done: number };
      if (e.phase === 'reading' && e.done >= 3 * 1024 * 1024) p.kill('SIGKILL');
    });
    p.on('error', reject);
    p.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL')
        reject(new Error(`child was not killed (signal ${signal}); stderr: ${stderr}`));
      else resolve({ signal, lines });
    });
  });
}

describe('crash safety: a child SIGKILLed mid-import', () => {
  it.each(['external', 'before-rename', 'after-rename', 'mid-commit'])(
    '%s → reopen is clean and consistent',
    async (mode) => {
      const dataDir = tempDir('qd-crash-data-');
      try {
        const { lines } = await runChild(dataDir, mode);
        expect(lines).not.toContain('finished');

        // The crash really left debris behind: a temp file, or a renamed file without a committed record.
        const filesDir = path.join(dataDir, 'files');
        const temps = readdirSync(path.join(filesDir, '.tmp'));
        const stored = readdirSync(filesDir).filter((f) => f !== '.tmp');
        if (mode === 'external' || mode === 'before-rename') expect(temps).toHaveLength(1);
        else expect(stored).toHaveLength(2);

        const raw = new Database(path.join(dataDir, 'quantdesk.db'));
        expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
        raw.close();

        const core = await createCore({ dataDir });
        try {
          const db = core.db.$client;
          const statuses = db.prepare('select filename, status from data_imports order by queued_at').all();
          expect(statuses).toEqual([
            { filename: 'small.csv', status: 'done' },
            { filename: 'big.csv', status: 'interrupted' },
          ]);
          // No temp files, no orphans: the store holds exactly the live records' files.
          expect(readdirSync(core.data.files.tempDir)).toEqual([]);
          const live = db
            .prepare('select file_path, file_size_bytes from user_files where deleted_at is null')
            .all() as {
            file_path: string;
            file_size_bytes: number;
          }[];
          expect(core.data.files.listStored().sort()).toEqual(live.map((f) => f.file_path).sort());
          expect(live).toHaveLength(1);
          // Usage equals the files on disk.
          const onDisk = core.data.files
            .listStored()
            .reduce((s, f) => s + statSync(path.join(core.data.files.root, f)).size, 0);
          expect(core.data.quota.usage(core.localUserId)).toMatchObject({ usedBytes: onDisk, fileCount: 1 });
          // The BIG import left no bars; SMALL is intact.
          const ds = await core.invoke('data.datasets');
          expect(ds.ok && (ds.data as { items: { symbol: string }[] }).items.map((d) => d.symbol)).toEqual([
            'SMALL',
          ]);
          expect(await core.invoke('bars.query', { symbol: 'SMALL', timeframe: '1d' })).toMatchObject({
            ok: true,
            data: { count: 2 },
          });
          const chunks = db.prepare('select count(*) as n from bar_chunks').get() as { n: number };
          expect(chunks.n).toBe(1);
        } finally {
          await core.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
