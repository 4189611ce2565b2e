import { isSettled } from '../core/erasure';
import type { JobRecord } from '../core/records';
import { jobSettledComment } from './comments';
import { finalizeIfSettled } from './finalize';
import type { OutcomeApplied } from './job-outcome';
import type { AppDeps } from './ports';

/** A job that still owes its record is polled again this soon, in case the invocation recording it died. */
const RECOVERY_DELAY_MS = 10 * 60_000;

/**
 * Persists what a provider said: the job together with the audit entries and comment it owes, in one
 * optimistic write (so a duplicate worker loses here and writes nothing), then those entries, the comment
 * and the case's closing steps. A crash after the first write leaves the job carrying what is still owed.
 */
export async function recordOutcome(deps: AppDeps, applied: OutcomeApplied): Promise<JobRecord> {
  if (applied.audit.length === 0 && !applied.settled) return deps.store.jobs.update(applied.job);
  const saved = await deps.store.jobs.update({
    ...applied.job,
    unrecorded: { audit: applied.audit, ...(applied.settled ? { settled: applied.settled } : {}) },
    // Settled jobs leave the poll index; until the record is complete the poller must still find this one.
    ...(applied.settled ? { pollQueue: 'waiting' as const, nextPollAt: deps.now().getTime() + RECOVERY_DELAY_MS } : {}),
  });
  return finishRecording(deps, saved);
}

/**
 * Writes what a job still owes and clears it. Safe to repeat: audit entries already in the trail are not
 * appended again. A repeat after a crash between the comment and the clearing write comments twice, which
 * a person can ignore; losing the comment would leave them without the outcome.
 */
export async function finishRecording(deps: AppDeps, job: JobRecord): Promise<JobRecord> {
  const owed = job.unrecorded;
  if (!owed) return job;
  if (owed.audit.length > 0) await deps.store.audit.appendMissing(job.ticketKey, owed.audit);
  if (owed.settled)
    await deps.jira.addComment(job.ticketKey, jobSettledComment(job, owed.settled.dispositions, deps.now()));
  const { unrecorded: _done, ...rest } = job;
  const cleared = await deps.store.jobs.update({ ...rest, pollQueue: isSettled(rest.state) ? 'idle' : rest.pollQueue });
  if (owed.settled) await finalizeIfSettled(deps, cleared.ticketKey);
  deps.log.info('job updated', { ticket: cleared.ticketKey, provider: cleared.provider, state: cleared.state });
  return cleared;
}
