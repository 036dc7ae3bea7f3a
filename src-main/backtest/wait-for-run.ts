import type { Core } from '../core.js';
import type { RunDetail } from '../../src-preload/contract/backtests.js';

/**
 * Resolves with the run once it is no longer `running` (CLI, tests, benchmark). Listens to the
 * job's progress events and re-reads the run on each, so it cannot miss an end that happened
 * before it subscribed.
 */
export async function waitForRun(core: Core, runId: string): Promise<RunDetail> {
  const read = async (): Promise<RunDetail | null> => {
    const r = await core.invoke('backtests.get', { id: runId });
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    const run = r.data as RunDetail;
    return run.status === 'running' ? null : run;
  };
  return new Promise<RunDetail>((resolve, reject) => {
    let busy = false;
    const check = (): void => {
      if (busy) return;
      busy = true;
      read().then(
        (run) => {
          busy = false;
          if (run) {
            off();
            clearInterval(timer);
            resolve(run);
          }
        },
        (err: unknown) => {
          off();
          clearInterval(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    };
    const off = core.on('job.progress', (p) => {
      if (p.jobId === runId && ['done', 'failed', 'cancelled'].includes(p.phase)) check();
    });
    // Safety net for an end that raced the subscription.
    const timer = setInterval(check, 50);
    check();
  });
}
