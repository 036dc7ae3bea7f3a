/**
 * A private, throwaway Secret Service for tests: its own dbus-daemon and gnome-keyring-daemon
 * with keyrings under a temp dir, so tests never touch the developer's real keychain.
 *
 * Found on these machines:
 * - gnome-keyring-daemon --unlock creates the "login" collection only from a NON-empty
 *   password on stdin; with an empty one no default collection exists and every write fails
 *   with "Secret Service: no result found".
 * - @napi-rs/keyring entries talk D-Bus through a vendored libdbus, which reads
 *   DBUS_SESSION_BUS_ADDRESS at the first connection and keeps it (and a failure) for the life
 *   of the process. So set `process.env.DBUS_SESSION_BUS_ADDRESS = address` BEFORE the first
 *   keyring call in a process; changing it later has no effect. (findCredentials uses zbus and
 *   reads it per call, but entries do not.)
 * - A stock session bus D-Bus-activates the system's gnome-keyring-daemon on the first call to
 *   org.freedesktop.secrets. Polling the service before ours had registered started a second,
 *   locked daemon that won the name ("another secret service is running"). So the bus runs from
 *   our own config with no service directories (nothing is ever activated), and we wait for the
 *   name with NameHasOwner, which activates nothing.
 * - Both daemons run in the foreground as our children (no --fork/--daemonize), so stop()
 *   kills exactly these processes and nothing else.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SecretService {
  address: string;
  stop(): Promise<void>;
}

export type StartResult = { ok: true; service: SecretService } | { ok: false; reason: string };

const KEYRING_PASSWORD = 'quantdesk-test-keyring';

function missing(cmd: string): boolean {
  const r = spawnSync(cmd, ['--version'], { stdio: 'ignore' });
  return (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('dbus-daemon printed no address')), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buf.slice(0, nl).trim());
      }
    });
    child.once('exit', (code) => reject(new Error(`dbus-daemon exited early (${code})`)));
  });
}

/**
 * A session bus that only listens in `dir` and activates nothing. `unresponsive`: the bus
 * accepts connections but delivers no replies (not even to Hello), so every keychain call
 * blocks — a stand-in for a Secret Service that never answers.
 */
export function busConfig(dir: string, unresponsive = false): string {
  const receive = unresponsive ? '' : '<allow eavesdrop="true"/>';
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    ${receive}
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

function dbusSend(address: string, args: string[]): string | undefined {
  const r = spawnSync('dbus-send', ['--session', '--print-reply', ...args], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address },
    encoding: 'utf8',
    timeout: 2000,
  });
  return r.error ? undefined : r.stdout;
}

/** Waits until our daemon owns the Secret Service name and has a default ("login") collection. */
async function waitForLoginCollection(address: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const owned = dbusSend(address, [
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      'string:org.freedesktop.secrets',
    ]);
    if (owned === undefined) {
      // No dbus-send on this machine: give the daemon a moment instead.
      await new Promise((res) => setTimeout(res, 1500));
      return true;
    }
    if (/boolean true/.test(owned)) {
      const alias = dbusSend(address, [
        '--dest=org.freedesktop.secrets',
        '/org/freedesktop/secrets',
        'org.freedesktop.Secret.Service.ReadAlias',
        'string:default',
      ]);
      if (alias !== undefined && /collection\/login/.test(alias)) return true;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  return false;
}

/** A bare session bus (no Secret Service on it), for "keychain unavailable" tests. */
export async function startBareBus(
  root: string,
  unresponsive = false,
): Promise<{ address: string; stop(): Promise<void> }> {
  const config = path.join(root, 'bus.conf');
  writeFileSync(config, busConfig(root, unresponsive));
  const bus = spawn(
    'dbus-daemon',
    [`--config-file=${config}`, '--print-address=1', '--nofork', '--nopidfile'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  try {
    return { address: await firstLine(bus, 5000), stop: () => stopChild(bus) };
  } catch (err) {
    await stopChild(bus);
    throw err;
  }
}

export async function startSecretService(): Promise<StartResult> {
  if (process.platform !== 'linux')
    return { ok: false, reason: `no Secret Service test setup on ${process.platform}` };
  for (const cmd of ['dbus-daemon', 'gnome-keyring-daemon']) {
    if (missing(cmd))
      return { ok: false, reason: `${cmd} is not installed (apt install dbus gnome-keyring)` };
  }
  const root = mkdtempSync(path.join(tmpdir(), 'qd-keyring-'));
  const runtime = path.join(root, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  // Stopped in reverse order: the keyring daemon before its bus.
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const bus = await startBareBus(root);
    stops.push(bus.stop);
    const address = bus.address;
    const env = {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: address,
      XDG_RUNTIME_DIR: runtime,
      XDG_DATA_HOME: path.join(root, 'data'),
      XDG_CONFIG_HOME: path.join(root, 'config'),
      HOME: root,
    };
    const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env,
      stdio: [
        'pipe',
        process.env.QD_KEYRING_DEBUG ? 'inherit' : 'ignore',
        process.env.QD_KEYRING_DEBUG ? 'inherit' : 'ignore',
      ],
    });
    stops.push(() => stopChild(keyring));
    keyring.stdin?.end(KEYRING_PASSWORD);
    if (!(await waitForLoginCollection(address, 10_000))) {
      await stop();
      return {
        ok: false,
        reason: 'gnome-keyring-daemon started but created no login collection within 10 s',
      };
    }
    return { ok: true, service: { address, stop } };
  } catch (err) {
    await stop();
    return { ok: false, reason: `could not start a test Secret Service: ${(err as Error).message}` };
  }
}
