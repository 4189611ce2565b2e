import { subjectFingerprint } from '../core/audit';
import { ProviderError, isTransient, OutcomeUnknown } from '../providers/errors';
import type { ErasureOutcome, SubmitResult } from '../providers/port';
import { type Claim, ConcurrentUpdate, type JobMessage, type JobRecord } from '../core/records';
import { applyOutcome } from './job-outcome';
import type { AppDeps } from './ports';
import { recordOutcome } from './record-outcome';
import { readTicketSubject } from './ticket-subject';

/**
 * Use case: the queue delivered one erasure job. Submits it at the provider exactly once, however often
 * the event is delivered, and records the provider's reference before anything else can fail.
 */

export type RunJobResult =
  | { kind: 'ignored'; reason: string }
  | { kind: 'recorded'; state: JobRecord['state'] }
  | { kind: 'deferred'; delaySeconds: number };

/** Forge delays queue events by at most 15 minutes. */
const MAX_DELAY_SECONDS = 900;
const MAX_TRANSIENT_FAILURES = 8;
const SUBMIT_CLAIM_TTL_SECONDS = 5 * 60;

export async function runErasureJob(deps: AppDeps, message: JobMessage): Promise<RunJobResult> {
  const job = await deps.store.jobs.get(message.ticketKey, message.provider);
  if (!job) return { kind: 'ignored', reason: 'no such job' };
  if (job.attempt !== message.attempt) return { kind: 'ignored', reason: 'event for an earlier attempt' };
  if (job.state !== 'pending') return { kind: 'ignored', reason: `job already ${job.state}` };

  const at = deps.now().toISOString();
  const claimKey: Claim = { kind: 'submit', ticketKey: job.ticketKey, provider: job.provider, attempt: job.attempt };
  if (!(await deps.store.claims.take(claimKey, 'consumer', at, SUBMIT_CLAIM_TTL_SECONDS))) {
    return { kind: 'ignored', reason: 'another invocation is submitting this job' };
  }
  try {
    return await submit(deps, job, at);
  } catch (error) {
    if (error instanceof ConcurrentUpdate) return { kind: 'ignored', reason: 'job recorded by another invocation' };
    throw error;
  } finally {
    await deps.store.claims.release(claimKey);
  }
}

async function submit(deps: AppDeps, job: JobRecord, at: string): Promise<RunJobResult> {
  const record = await deps.store.cases.get(job.ticketKey);
  if (!record || record.phase !== 'open') return { kind: 'ignored', reason: 'case is not open' };

  const { read } = await readTicketSubject(deps, job.ticketKey);
  if (!read.subject || subjectFingerprint(job.ticketKey, read.subject) !== record.subjectFingerprint) {
    return settle(deps, job, at, {
      kind: 'needs_attention',
      providerRef: null,
      reason: 'the identifiers on the ticket changed after approval, so the approval no longer covers them',
      nextStep: 'Check the identifiers, then move the ticket to the approval status again',
    });
  }
  const provider = await deps.provider(job.provider);
  if (!provider) {
    return settle(deps, job, at, {
      kind: 'needs_attention',
      providerRef: null,
      reason: `${job.provider} is disabled or has no credentials`,
      nextStep: 'Configure the provider on the admin page, then use Retry on the panel',
    });
  }

  let result: SubmitResult;
  try {
    result = await provider.submitErasure(read.subject, { ticketKey: job.ticketKey, attempt: job.attempt, plannedAt: job.attemptPlannedAt });
  } catch (error) {
    if (isTransient(error) || error instanceof OutcomeUnknown) return defer(deps, job, error);
    if (error instanceof ProviderError) {
      return settle(deps, job, at, {
        kind: 'needs_attention',
        providerRef: null,
        reason: error.message,
        nextStep: 'Fix the cause named here (credentials, configuration or a provider-side problem), then use Retry on the panel',
      });
    }
    throw error;
  }
  const applied = applyOutcome(job, result.outcome, at, { requests: result.requests, withheld: result.withheld });
  const saved = await recordOutcome(deps, applied);
  return { kind: 'recorded', state: saved.state };
}

async function settle(deps: AppDeps, job: JobRecord, at: string, outcome: ErasureOutcome): Promise<RunJobResult> {
  const saved = await recordOutcome(deps, applyOutcome(job, outcome, at));
  return { kind: 'recorded', state: saved.state };
}

/**
 * A throttled, unavailable or ambiguous provider: come back later rather than sleep inside the invocation.
 * An ambiguous submit (OutcomeUnknown) is safe to repeat because every adapter reconciles before submitting.
 */
async function defer(deps: AppDeps, job: JobRecord, error: Error): Promise<RunJobResult> {
  const failures = job.transientFailures + 1;
  const at = deps.now().toISOString();
  if (failures > MAX_TRANSIENT_FAILURES) {
    return settle(deps, job, at, {
      kind: 'needs_attention',
      providerRef: null,
      reason: `${job.provider} kept failing (${error.message})`,
      nextStep: 'Check the provider status page, then use Retry on the panel',
    });
  }
  const hinted = 'retryAfterMs' in error && typeof error.retryAfterMs === 'number' ? error.retryAfterMs / 1000 : 0;
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(30, Math.ceil(hinted), 30 * 2 ** (failures - 1)));
  await deps.store.jobs.update({ ...job, transientFailures: failures, nextPollAt: Date.parse(at) + (delaySeconds + 600) * 1000 });
  await deps.queue.push([{ ticketKey: job.ticketKey, provider: job.provider, attempt: job.attempt }], delaySeconds);
  deps.log.warn('provider call deferred', { ticket: job.ticketKey, provider: job.provider, delaySeconds, failures });
  return { kind: 'deferred', delaySeconds };
}
