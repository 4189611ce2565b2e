import type { ProviderId } from '../core/erasure';
import { isTransient, PollCutShort, ProviderError, type ProviderUnavailable, RateLimited } from '../providers/errors';
import type { PollResult } from '../providers/port';
import { ConcurrentUpdate, type JobRecord } from '../core/records';
import { learnCompletions } from './completion-estimate';
import { dispatchPending } from './dispatch';
import { applyOutcome, nextPollDelayMs } from './job-outcome';
import type { AppDeps } from './ports';
import { finishRecordingQuietly, recordOutcome } from './record-outcome';
import { submitSharedJobs } from './shared-jobs';
import { saveJobQuietly } from './job-writes';

/**
 * Use case: the scheduled poll. Reads the jobs whose next poll time has come (oldest first), asks each
 * provider for many statuses at once, and records what changed. It stops before its time budget runs out;
 * what it did not reach is still due and is read first by the next run, so nothing is skipped.
 */

export interface PollReport {
  polled: number;
  settled: number;
  redispatched: number;
  providerCalls: Partial<Record<ProviderId, number>>;
  stoppedForTime: boolean;
}

const PAGE = 100;
/** Enough for a large backlog in one run; more stay due and come first in the next. */
const MAX_JOBS_PER_POLL = 5_000;

export async function pollProviderStatus(deps: AppDeps, budgetMs: number): Promise<PollReport> {
  const started = Date.now();
  const outOfTime = () => Date.now() - started > budgetMs;
  const report: PollReport = { polled: 0, settled: 0, redispatched: 0, providerCalls: {}, stoppedForTime: false };
  // Every due job first, then one status round per provider for all of them: Genesys's listing is
  // org-wide and paged, so one scan answers for every pending request, not one scan per page of jobs.
  const byProvider = new Map<ProviderId, JobRecord[]>();
  const enrolled = new Map<ProviderId, JobRecord[]>();
  // Pending jobs that are due have no live queue event: lost, or never pushed (Forge refused the push).
  const undispatched: JobRecord[] = [];
  let cursor: string | undefined;
  do {
    if (outOfTime()) {
      report.stoppedForTime = true;
      break;
    }
    const page = await deps.store.jobs.dueForPoll(deps.now().getTime(), PAGE, cursor);
    cursor = page.cursor;
    for (const job of page.jobs) {
      // The invocation that recorded this job's last change died before finishing: finish it first.
      if (job.unrecorded) {
        await finishRecordingQuietly(deps, job);
        continue;
      }
      if (job.state === 'pending' && job.batchEnrolled) {
        enrolled.set(job.provider, [...(enrolled.get(job.provider) ?? []), job]);
        continue;
      }
      if (job.state === 'pending') {
        undispatched.push(job);
        continue;
      }
      if (!job.providerRef) continue;
      byProvider.set(job.provider, [...(byProvider.get(job.provider) ?? []), job]);
    }
  } while (cursor && [...byProvider.values()].reduce((n, j) => n + j.length, 0) < MAX_JOBS_PER_POLL);
  if (undispatched.length > 0 && !outOfTime()) report.redispatched += await dispatchPending(deps, undispatched);
  for (const [providerId, jobs] of enrolled) {
    if (outOfTime()) break;
    const sent = await submitSharedJobs(deps, providerId, jobs, outOfTime);
    report.providerCalls[providerId] = (report.providerCalls[providerId] ?? 0) + sent;
  }
  for (const [providerId, jobs] of byProvider) {
    if (outOfTime()) {
      report.stoppedForTime = true;
      break;
    }
    await pollProvider(deps, providerId, jobs, report, outOfTime);
  }
  return report;
}

async function pollProvider(
  deps: AppDeps,
  providerId: ProviderId,
  jobs: JobRecord[],
  report: PollReport,
  outOfTime: () => boolean,
): Promise<void> {
  const provider = await deps.provider(providerId);
  if (!provider) return;
  const at = deps.now().toISOString();
  // Jobs of one shared provider job (an Ada batch) are asked about once.
  const refs = [...new Set(jobs.map((j) => j.providerRef as string))];
  const budget = await deps.budget?.(providerId);
  if (budget) {
    const booked = await budget.book(provider.callsToPoll?.(refs) ?? refs.length);
    // No room now: these jobs stay due and the next run asks again; submits are not starved by polls.
    if (!booked.ok) {
      deps.log.info('waiting for rate budget', { provider: providerId, jobs: jobs.length, reserved: false });
      return;
    }
  }
  let statuses: ReadonlyMap<string, PollResult>;
  // A poll stopped part way: the statuses it read are recorded, the jobs it did not reach wait for the provider.
  let stoppedBy: RateLimited | ProviderUnavailable | null = null;
  try {
    report.providerCalls[providerId] = (report.providerCalls[providerId] ?? 0) + 1;
    statuses = await provider.pollStatus(refs);
  } catch (error) {
    if (error instanceof PollCutShort) {
      deps.log.warn('status poll stopped part way', {
        provider: providerId,
        read: error.read.size,
        asked: refs.length,
        error: error.stoppedBy.name,
      });
      statuses = error.read;
      stoppedBy = error.stoppedBy;
    } else {
      if (!(isTransient(error) || error instanceof ProviderError)) throw error;
      // Try these jobs again later; a provider outage must not stop the other providers' polls.
      deps.log.warn('status poll failed', { provider: providerId, jobs: jobs.length, error: error.name });
      for (const job of jobs) await saveJobQuietly(deps, unreadAfter(job, error, at));
      return;
    }
  }
  await learnCompletions(deps, providerId, statuses.values());
  for (const job of jobs) {
    // What is left is still due, and the next run starts with it.
    if (outOfTime()) {
      report.stoppedForTime = true;
      return;
    }
    const status = statuses.get(job.providerRef as string);
    if (!status && stoppedBy) {
      await saveJobQuietly(deps, unreadAfter(job, stoppedBy, at));
      continue;
    }
    report.polled += 1;
    if (!status) {
      await saveJobQuietly(deps, {
        ...job,
        nextPollAt: Date.parse(at) + nextPollDelayMs(providerId, job.polls + 1),
        polls: job.polls + 1,
      });
      continue;
    }
    const own =
      job.batchDigests.length > 0 && provider.batching
        ? provider.batching.memberOutcome(status, job.batchDigests)
        : status;
    try {
      const saved = await recordOutcome(deps, applyOutcome(job, own, at));
      if (saved.pollQueue === 'idle') report.settled += 1;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdate)) throw error;
    }
  }
}

/**
 * A job whose status a failed poll did not read. Throttling says nothing about the job: it is read again as soon
 * as the provider allows, without moving along the backoff schedule (which for Ada reaches an hour by the third
 * poll); with consumers running concurrently, a backlog's jobs fall due together and a batch is throttled far
 * more often than it fails. Any other failure moves it one step along the schedule.
 */
function unreadAfter(job: JobRecord, error: ProviderError, at: string): JobRecord {
  const throttled = error instanceof RateLimited;
  const nextPollAt =
    Date.parse(at) + (throttled ? Math.max(60_000, error.retryAfterMs) : nextPollDelayMs(job.provider, job.polls + 1));
  return { ...job, nextPollAt, polls: throttled ? job.polls : job.polls + 1 };
}
