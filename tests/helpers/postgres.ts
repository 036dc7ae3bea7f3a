/**
 * A throwaway PostgreSQL cluster: initdb into a temp dir, postgres on a free loopback port, trust
 * auth for a `qd` superuser. PostgreSQL refuses to run as root, so under root it runs as the
 * `postgres` (or `nobody`) user via runuser, in a dir chowned to that user. Returns a reason
 * instead when the binaries are missing, so tests can skip saying why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

export interface PgCluster {
  url: string;
  stop(): Promise<void>;
}

const BIN_DIRS = [
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
  '/usr/local/bin',
  '/usr/bin',
];

function findBin(name: string): string | null {
  for (const d of BIN_DIRS) if (existsSync(path.join(d, name))) return path.join(d, name);
  return null;
}

function runAsUser(): { name: string; uid: number; gid: number } | null {
  if (userInfo().uid !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (r.status === 0 && g.status === 0)
      return { name, uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
  }
  throw new Error('Running as root and neither a postgres nor a nobody user exists to run PostgreSQL.');
}

export async function startPostgres(): Promise<PgCluster | { skip: string }> {
  const initdb = findBin('initdb');
  const postgres = findBin('postgres');
  if (!initdb || !postgres)
    return { skip: 'PostgreSQL binaries (initdb, postgres) not found; install postgresql to run this test' };
  const as = runAsUser();
  const dir = mkdtempSync(path.join(tmpdir(), 'qd-pg-'));
  if (as) chownSync(dir, as.uid, as.gid);
  const wrap = (cmd: string, args: string[]): [string, string[]] =>
    as ? ['runuser', ['-u', as.name, '--', cmd, ...args]] : [cmd, args];
  const data = path.join(dir, 'data');
  const [c1, a1] = wrap(initdb, ['-D', data, '-A', 'trust', '-U', 'qd', '--no-sync', '-E', 'UTF8']);
  const init = spawnSync(c1, a1, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const [c2, a2] = wrap(postgres, [
    '-D',
    data,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    dir,
    '-c',
    'fsync=off',
    '-c',
    'max_connections=200',
  ]);
  const child: ChildProcess = spawn(c2, a2, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const url = `postgres://qd@127.0.0.1:${port}/postgres`;
  for (let i = 0; ; i++) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch {
      await client.end().catch(() => undefined);
      if (i > 100 || child.exitCode !== null) throw new Error(`postgres did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      // SIGINT = fast shutdown. runuser does not forward signals, so signal the postmaster itself.
      if (child.exitCode === null) {
        const pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
        process.kill(pid, 'SIGINT');
      }
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
