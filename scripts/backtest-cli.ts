/**
 * Headless backtest: the same core as the app (strategy saved as a version, run as a job,
 * result persisted), driven from the command line.
 *
 *   node --import tsx scripts/backtest-cli.ts --strategy <file.js> --data <bars.csv>
 *        [--param k=v]... [--sweep k=from:to:step | k=v1,v2,...]... [--from YYYY-MM-DD] [--to YYYY-MM-DD]
 *        [--cash N] [--commission N] [--commission-pct P] [--slippage-pct P] [--no-short]
 *        [--json] [--data-dir <dir>]
 *
 * Without --data-dir the run happens in a temporary data dir that is removed afterwards.
 * Strategy code runs in the sandbox (isolated-vm in sandbox host processes), as in the app.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CsvBarSource } from '../src-main/backtest/bar-source.js';
import { waitForRun } from '../src-main/backtest/wait-for-run.js';
import { createCore } from '../src-main/core.js';
import { silentLogger } from '../src-main/logger.js';
import type { CostsInput, MetricsDto } from '../src-preload/contract/backtests.js';
import { formatMetricsTable, formatSweepTable } from './backtest-cli-format.js';

const USAGE =
  'Usage: backtest --strategy <file.js> --data <bars.csv> [--param k=v]... [--sweep k=from:to:step]... ' +
  '[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--cash N] [--commission N] [--commission-pct P] [--slippage-pct P] ' +
  '[--no-short] [--json] [--data-dir <dir>]';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    strategy: { type: 'string' },
    data: { type: 'string' },
    param: { type: 'string', multiple: true },
    sweep: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    cash: { type: 'string' },
    commission: { type: 'string' },
    'commission-pct': { type: 'string' },
    'slippage-pct': { type: 'string' },
    'no-short': { type: 'boolean' },
    json: { type: 'boolean' },
    'data-dir': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.strategy || !values.data) fail(USAGE);

const num = (s: string, what: string): number => {
  const x = Number(s);
  if (!Number.isFinite(x)) fail(`${what}: "${s}" is not a number`);
  return x;
};
const date = (s: string | undefined, endOfDay: boolean): number | undefined => {
  if (s === undefined) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T${endOfDay ? '23:59:59.999' : '00:00:00'}Z` : s);
  if (!Number.isFinite(t)) fail(`Not a date: ${s}`);
  return t;
};
const params: Record<string, number> = {};
for (const p of values.param ?? []) {
  const [k, v] = p.split('=');
  if (!k || v === undefined) fail(`--param wants k=v, got "${p}"`);
  params[k] = num(v, `--param ${k}`);
}
const grid: Record<string, number[] | { from: number; to: number; step: number }> = {};
for (const s of values.sweep ?? []) {
  const [k, v] = s.split('=');
  if (!k || v === undefined) fail(`--sweep wants k=from:to:step or k=v1,v2, got "${s}"`);
  const range = v.split(':');
  grid[k] =
    range.length === 3
      ? { from: num(range[0]!, k), to: num(range[1]!, k), step: num(range[2]!, k) }
      : v.split(',').map((x) => num(x, k));
}
const costs: CostsInput = {};
if (values.cash) costs.initialCash = num(values.cash, '--cash');
if (values.commission) costs.commissionPerTrade = num(values.commission, '--commission');
if (values['commission-pct']) costs.commissionPct = num(values['commission-pct'], '--commission-pct');
if (values['slippage-pct']) costs.slippagePct = num(values['slippage-pct'], '--slippage-pct');
if (values['no-short']) costs.allowShort = false;

const tempDir = values['data-dir'] ? null : mkdtempSync(path.join(tmpdir(), 'qd-backtest-'));
const dataDir = values['data-dir'] ?? (tempDir as string);
const csvPath = path.resolve(values.data);
const datasetId = 'cli';
const core = await createCore({
  dataDir,
  logger: silentLogger(),
  barSource: new CsvBarSource({ [datasetId]: csvPath }, path.join(dataDir, 'datasets')),
  // Strategy code runs in the sandbox, as in the app; sweeps spread over one host per core.
  sandbox: { size: Math.max(2, availableParallelism()) },
});

let exitCode = 0;
try {
  const source = readFileSync(values.strategy, 'utf8');
  const created = await core.invoke('strategies.create', { name: path.basename(values.strategy), source });
  if (!created.ok) throw new Error(`${created.error.code}: ${created.error.message}`);
  const strategy = created.data as { id: string; versionId: string };
  const started = await core.invoke('backtests.run', {
    strategyVersionId: strategy.versionId,
    datasetId,
    from: date(values.from, false) ?? null,
    to: date(values.to, true) ?? null,
    params,
    costs,
    ...(Object.keys(grid).length > 0 ? { sweep: { grid } } : {}),
  });
  if (!started.ok) throw new Error(`${started.error.code}: ${started.error.message}`);
  const run = await waitForRun(core, (started.data as { runId: string }).runId);
  if (run.status !== 'done') {
    console.error(`Backtest ${run.status}: ${run.errorCode ?? ''} ${run.errorMessage ?? ''}`.trim());
    exitCode = 1;
  } else if (values.json) {
    console.log(
      JSON.stringify(
        run.sweep
          ? { runId: run.id, sweep: run.sweep }
          : { runId: run.id, params: run.params, metrics: run.metrics },
        null,
        2,
      ),
    );
  } else if (run.sweep) {
    console.log(formatSweepTable(run.sweep));
  } else {
    console.log(formatMetricsTable(run.metrics as MetricsDto, run.params));
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  exitCode = 1;
} finally {
  await core.close();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}
process.exit(exitCode);
