import { type ErasureJob, isSettled } from '../core/erasure';
import type { JobRecord } from '../core/records';

/**
 * Jobs still pending this long after planning lost their queue event (or its retries): the poller
 * dispatches them again. Pending jobs sit in the poll index for exactly this reason.
 */
export const STALE_PENDING_MS = 10 * 60_000;

/**
 * Plans an attempt of a job: a first one at approval, or a new one on retry or when a hold ends. The
 * attempt's counters start afresh, and reconciliation never adopts a provider request from before `at`.
 * A job that is settled from the start (held) stays out of the poll index.
 */
export function planAttempt(job: ErasureJob & { version?: number }, at: string): JobRecord {
  return {
    ...job,
    attemptPlannedAt: at,
    pollQueue: isSettled(job.state) ? 'idle' : 'waiting',
    nextPollAt: Date.parse(at) + STALE_PENDING_MS,
    withheld: [],
    polls: 0,
    transientFailures: 0,
    submitStartedAt: null,
    // Every new attempt goes alone: a retry's identifiers were sent before (Ada's 7 days); only approval
    // enrols a first attempt in a shared job.
    batchEnrolled: false,
    batchRef: null,
    batchDigests: [],
    version: job.version ?? 0,
  };
}
