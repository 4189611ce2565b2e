import type { ProviderId } from '../core/erasure';
import type { PollResult } from '../providers/port';
import type { OutcomeApplied } from './job-outcome';
import type { AppDeps } from './ports';

/**
 * When to read an asynchronous provider's job for the first time. Ada has no completion webhook and documents
 * only that a job "can take up to 30 days" (PROVIDERS.md), so every read before a job finishes is a call spent
 * for nothing, and no client can avoid them all: it cannot know when a job will be done. What it can know is how
 * long Ada's jobs have been taking, from Ada's own timestamps (created_at → completed_at of each finished job).
 * A new job is first read when the recent ones had finished (their median, plus a minute for clocks); a job
 * that takes longer than that is read again on the provider's back-off schedule (job-outcome.ts), so the reads
 * after completion stay bounded by one step of it. With nothing learned yet, the schedule alone applies.
 */

/** Finished jobs remembered: enough for a median that one odd job does not move. */
const KEEP = 5;
const MARGIN_MS = 60_000;
/**
 * However slow the recent jobs were, a new job is looked at within a day: a slow spell must not leave a quick
 * job unread (and its ticket open) for days.
 */
const MAX_FIRST_READ_MS = 86_400_000;

/** Notes the durations of the jobs a poll found finished. One read and one write, only when there are any. */
export async function learnCompletions(
  deps: AppDeps,
  provider: ProviderId,
  results: Iterable<PollResult>,
): Promise<void> {
  const log = deps.store.jobDurations;
  const took = [...results].flatMap((r) => (r.tookMs !== undefined ? [r.tookMs] : []));
  if (!log || took.length === 0) return;
  await log.save(provider, [...(await log.recent(provider)), ...took].slice(-KEEP));
}

/** How long after submitting to read a job first, or null when nothing has been learned. */
export async function firstReadDelayMs(deps: AppDeps, provider: ProviderId): Promise<number | null> {
  const recent = (await deps.store.jobDurations?.recent(provider)) ?? [];
  if (recent.length === 0) return null;
  const sorted = [...recent].sort((a, b) => a - b);
  // The upper median: with an even count, the later of the two middle jobs.
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  return Math.min(MAX_FIRST_READ_MS, median + MARGIN_MS);
}

/** A just-submitted job's first read, moved to when jobs like it have been finishing (never earlier than planned). */
export function readWhenLikelyDone(
  applied: OutcomeApplied,
  submittedAt: string,
  delayMs: number | null,
): OutcomeApplied {
  if (delayMs === null || applied.job.state !== 'submitted') return applied;
  const nextPollAt = Math.max(applied.job.nextPollAt, Date.parse(submittedAt) + delayMs);
  return { ...applied, job: { ...applied.job, nextPollAt } };
}
