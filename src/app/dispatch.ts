import type { ProviderId } from '../core/erasure';
import { PROVIDER_DESCRIPTIONS } from '../providers/descriptions';
import { type JobMessage, type JobRecord, MAX_JOBS_PER_EVENT } from '../core/records';
import { type AppDeps, QueueThrottled } from './ports';
import { saveJobQuietly } from './job-writes';

/**
 * Getting erasure jobs onto Forge's queue within its limits. An installation may push at most 500 events a
 * minute (https://developer.atlassian.com/platform/forge/limits-async-events/), and a backlog approved at once
 * would push thousands: what Forge refuses is not an error. The jobs stay pending and due, and the scheduled
 * poll dispatches every pending job without a live event in groups of one provider's jobs per event (the
 * worker runs them in turn, src/app/run-job.ts), so 4,000 jobs take 160 pushes instead of 4,000.
 */

/**
 * How long a dispatched job may wait before the poll takes its event for lost: a group waits for rate budget
 * up to Forge's longest delay (15 minutes) at a time, and each job for the ones before it.
 */
export const DISPATCH_GRACE_MS = 25 * 60_000;
/** Calls a job makes at most (Amiqus: lookup, delete, read-back), to space out the grace of a long backlog. */
const CALLS_PER_JOB = 3;

/**
 * How long after dispatch the poll takes a job's event for lost: the grace, plus the time the provider's
 * minute limit needs for the jobs dispatched before it, so a backlog longer than the grace is not dispatched twice.
 */
function lostAfterMs(provider: ProviderId, position: number): number {
  const minute = PROVIDER_DESCRIPTIONS[provider].limits.rate.find((w) => w.windowMs === 60_000);
  const perJobMs = minute ? (60_000 * CALLS_PER_JOB) / minute.limit : 0;
  return DISPATCH_GRACE_MS + Math.round(position * perJobMs);
}

/**
 * Pushes one ticket's job messages. Refused by Forge's rate, the jobs are left due now, for the next
 * poll to dispatch; returns whether they were pushed.
 */
export async function pushOrLeaveForPoll(deps: AppDeps, messages: JobMessage[]): Promise<boolean> {
  try {
    await deps.queue.push(messages);
    return true;
  } catch (error) {
    if (!(error instanceof QueueThrottled)) throw error;
  }
  const now = deps.now().getTime();
  for (const m of messages) {
    const job = await deps.store.jobs.get(m.ticketKey, m.provider);
    if (job?.state === 'pending' && job.attempt === m.attempt) await saveJobQuietly(deps, { ...job, nextPollAt: now });
  }
  deps.log.info('jobs left for the poll to dispatch', { jobs: messages.length, reason: 'queue push throttled' });
  return false;
}

/** Due jobs a worker looks through when its own are done. */
const TOP_UP_PAGE = 100;

/**
 * Run by a worker whose event has no jobs left: dispatches the pending jobs that are due (left for the poll by a
 * refused push), so a backlog Forge would not take at once goes out as soon as pushes are accepted again,
 * instead of at the next five-minute poll. One storage query; the poll remains the safety net.
 */
export async function dispatchDue(deps: AppDeps): Promise<number> {
  const { jobs } = await deps.store.jobs.dueForPoll(deps.now().getTime(), TOP_UP_PAGE);
  const pending = jobs.filter((j) => j.state === 'pending' && !j.batchEnrolled);
  return pending.length > 0 ? dispatchPending(deps, pending) : 0;
}

/**
 * Dispatches pending jobs (due: their event is missing) in groups per provider. Stops at the first refused
 * push: the rest stay due. Returns how many jobs were dispatched.
 */
export async function dispatchPending(deps: AppDeps, jobs: JobRecord[]): Promise<number> {
  const byProvider = new Map<ProviderId, JobRecord[]>();
  for (const job of jobs) byProvider.set(job.provider, [...(byProvider.get(job.provider) ?? []), job]);
  const now = deps.now().getTime();
  let dispatched = 0;
  for (const [provider, list] of byProvider) {
    for (let i = 0; i < list.length; i += MAX_JOBS_PER_EVENT) {
      const [head, ...rest] = list.slice(i, i + MAX_JOBS_PER_EVENT);
      if (!head) continue;
      const message: JobMessage = {
        ticketKey: head.ticketKey,
        provider,
        attempt: head.attempt,
        ...(rest.length > 0 ? { then: rest.map((j) => ({ ticketKey: j.ticketKey, attempt: j.attempt })) } : {}),
      };
      try {
        await deps.queue.push([message]);
      } catch (error) {
        if (error instanceof QueueThrottled) return dispatched;
        throw error;
      }
      // After the push: a crash in between only dispatches these again later (the worker runs a job once).
      // A job the worker has already moved on is left as the worker wrote it.
      for (const [j, job] of [head, ...rest].entries())
        await saveJobQuietly(deps, { ...job, nextPollAt: now + lostAfterMs(provider, i + j) });
      dispatched += rest.length + 1;
    }
  }
  return dispatched;
}
