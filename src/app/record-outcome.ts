import { isSettled } from '../core/erasure';
import { ConcurrentUpdate, type JobRecord } from '../core/records';
import { jobSettledComment } from './comments';
import { type FinalizeResult, finalizeIfSettled, type SettledNow } from './finalize';
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
 * appended again. When the outcome closes the round, the closing comment tells it (one comment, not two in
 * a row) and the case remembers that it did, so a repeat does not tell it again; otherwise the job gets its
 * own comment. A repeat after a crash between that comment and the clearing write comments twice, which a
 * person can ignore; losing the comment would leave them without the outcome.
 */
export async function finishRecording(deps: AppDeps, job: JobRecord): Promise<JobRecord> {
  const owed = job.unrecorded;
  if (!owed) return job;
  if (owed.audit.length > 0) await deps.store.audit.appendMissing(job.ticketKey, owed.audit);
  let closing: FinalizeResult | null = null;
  if (owed.settled) {
    const at = deps.now();
    const ownComment = jobSettledComment(job, owed.settled.dispositions, at);
    const settledNow: SettledNow = { reports: [{ job, dispositions: owed.settled.dispositions, at }], told: false };
    try {
      closing = await finalizeIfSettled(deps, job.ticketKey, settledNow);
    } catch (error) {
      // The closing stopped before its comment: the outcome is told on its own now, and the job owes only
      // the closing, which the next poll resumes (below) without telling the outcome again.
      if (!settledNow.told) {
        await deps.jira.addComment(job.ticketKey, ownComment);
        await deps.store.jobs.update({ ...job, unrecorded: { audit: [] } });
      }
      throw error;
    }
    if (!settledNow.told) await deps.jira.addComment(job.ticketKey, ownComment);
  }
  const { unrecorded: _done, ...rest } = job;
  const cleared = await deps.store.jobs.update({ ...rest, pollQueue: isSettled(rest.state) ? 'idle' : rest.pollQueue });
  // Close the round now if it waited on this job: another job of the case settled at the same moment and was
  // still recording (whichever of the two clears last closes it), or an earlier closing was interrupted.
  const resume = !owed.settled && isSettled(rest.state);
  if (resume || (closing?.kind === 'not_ready' && closing.waitingForRecords))
    await finalizeIfSettled(deps, cleared.ticketKey);
  deps.log.info('job updated', { ticket: cleared.ticketKey, provider: cleared.provider, state: cleared.state });
  return cleared;
}

/** finishRecording, by an invocation that found the job owing: another one finishing it first is no error. */
export async function finishRecordingQuietly(deps: AppDeps, job: JobRecord): Promise<void> {
  try {
    await finishRecording(deps, job);
  } catch (error) {
    if (!(error instanceof ConcurrentUpdate)) throw error;
  }
}
