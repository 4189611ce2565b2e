import type { ProviderId } from '../core/erasure';
import { isTransient, ProviderError, RateLimited } from '../providers/errors';
import { ConcurrentUpdate, type JobRecord } from '../core/records';
import { STALE_PENDING_MS } from './attempt';
import { applyOutcome, nextPollDelayMs } from './job-outcome';
import type { AppDeps } from './ports';
import { recordOutcome } from './record-outcome';

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

const PAGE = 50;

export async function pollProviderStatus(deps: AppDeps, budgetMs: number): Promise<PollReport> {
  const started = Date.now();
  const report: PollReport = { polled: 0, settled: 0, redispatched: 0, providerCalls: {}, stoppedForTime: false };
  let cursor: string | undefined;
  do {
    if (Date.now() - started > budgetMs) {
      report.stoppedForTime = true;
      break;
    }
    const page = await deps.store.jobs.dueForPoll(deps.now().getTime(), PAGE, cursor);
    cursor = page.cursor;
    const byProvider = new Map<ProviderId, JobRecord[]>();
    for (const job of page.jobs) {
      if (job.state === 'pending') {
        await redispatch(deps, job, report);
        continue;
      }
      if (!job.providerRef) continue;
      byProvider.set(job.provider, [...(byProvider.get(job.provider) ?? []), job]);
    }
    for (const [providerId, jobs] of byProvider) {
      await pollProvider(deps, providerId, jobs, report);
    }
  } while (cursor);
  return report;
}

async function pollProvider(deps: AppDeps, providerId: ProviderId, jobs: JobRecord[], report: PollReport): Promise<void> {
  const provider = await deps.provider(providerId);
  if (!provider) return;
  const at = deps.now().toISOString();
  let statuses;
  try {
    report.providerCalls[providerId] = (report.providerCalls[providerId] ?? 0) + 1;
    statuses = await provider.pollStatus(jobs.map((j) => j.providerRef as string));
  } catch (error) {
    if (!(isTransient(error) || error instanceof ProviderError)) throw error;
    // Try these jobs again later; a provider outage must not stop the other providers' polls.
    deps.log.warn('status poll failed', { provider: providerId, jobs: jobs.length, error: error.name });
    // Throttling says nothing about the jobs: poll them again as soon as the provider allows, without moving
    // them along the backoff schedule (which for Ada reaches an hour by the third poll). With consumers running
    // concurrently, a backlog's jobs fall due together and a batch is throttled far more often than it fails.
    const throttled = error instanceof RateLimited;
    for (const job of jobs) {
      const nextPollAt = Date.parse(at) + (throttled ? Math.max(60_000, error.retryAfterMs) : nextPollDelayMs(providerId, job.polls + 1));
      await saveQuietly(deps, { ...job, nextPollAt, polls: throttled ? job.polls : job.polls + 1 });
    }
    return;
  }
  for (const job of jobs) {
    const status = statuses.get(job.providerRef as string);
    report.polled += 1;
    if (!status) {
      await saveQuietly(deps, { ...job, nextPollAt: Date.parse(at) + nextPollDelayMs(providerId, job.polls + 1), polls: job.polls + 1 });
      continue;
    }
    try {
      const saved = await recordOutcome(deps, applyOutcome(job, status, at));
      if (saved.pollQueue === 'idle') report.settled += 1;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdate)) throw error;
    }
  }
}

async function redispatch(deps: AppDeps, job: JobRecord, report: PollReport): Promise<void> {
  const now = deps.now().getTime();
  if (now - Date.parse(job.updatedAt) < STALE_PENDING_MS) return;
  await saveQuietly(deps, { ...job, nextPollAt: now + STALE_PENDING_MS });
  await deps.queue.push([{ ticketKey: job.ticketKey, provider: job.provider, attempt: job.attempt }]);
  report.redispatched += 1;
}

async function saveQuietly(deps: AppDeps, job: JobRecord): Promise<void> {
  try {
    await deps.store.jobs.update(job);
  } catch (error) {
    if (!(error instanceof ConcurrentUpdate)) throw error;
  }
}
