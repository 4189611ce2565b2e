import { pollProviderStatus } from '../app/poll';
import { buildDeps } from '../deps';
import { SCHEDULED_OK, type ScheduledResult } from './scheduled-result';

/** Manifest timeoutSeconds is 120; stop at well under half of it and leave the rest to the next run. */
const BUDGET_MS = 45_000;

export async function providerStatusPoll(): Promise<ScheduledResult> {
  const deps = await buildDeps();
  const report = await pollProviderStatus(deps, BUDGET_MS);
  deps.log.info('status poll', {
    polled: report.polled,
    settled: report.settled,
    redispatched: report.redispatched,
    stoppedForTime: report.stoppedForTime,
  });
  return SCHEDULED_OK;
}
