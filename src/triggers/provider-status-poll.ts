import { sweepApprovalInbox } from '../app/approval-inbox';
import { pollProviderStatus } from '../app/poll';
import { buildDeps, buildTicketSearch } from '../deps';
import { SCHEDULED_OK, type ScheduledResult } from './scheduled-result';

/** Manifest timeoutSeconds is 120; stop at well under half of it and leave the rest to the next run. */
const BUDGET_MS = 45_000;
/** The inbox sweep goes first and gets a small share: it holds only approvals whose invocation died. */
const INBOX_BUDGET_MS = 10_000;

export async function providerStatusPoll(): Promise<ScheduledResult> {
  const deps = await buildDeps();
  const started = Date.now();
  const inbox = await sweepApprovalInbox(deps, buildTicketSearch(), () => Date.now() - started > INBOX_BUDGET_MS);
  const report = await pollProviderStatus(deps, BUDGET_MS - (Date.now() - started));
  deps.log.info('status poll', {
    polled: report.polled,
    settled: report.settled,
    redispatched: report.redispatched,
    stoppedForTime: report.stoppedForTime,
    approvalsFinished: inbox.handled,
    approvalsFailed: inbox.failed,
  });
  return SCHEDULED_OK;
}
