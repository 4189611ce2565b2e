import { subjectFingerprint } from '../core/audit';
import { ProviderError, isTransient, OutcomeUnknown, RateLimited } from '../providers/errors';
import type { BudgetSlot } from '../providers/call-budget';
import type { ErasureOutcome, ErasureProvider, ErasureRef, SubmitResult } from '../providers/port';
import type { Subject } from '../core/subject';
import { type CaseRecord, type Claim, ConcurrentUpdate, type JobMessage, type JobRecord } from '../core/records';
import { PROVIDER_DESCRIPTIONS } from '../providers/descriptions';
import { firstReadDelayMs, readWhenLikelyDone } from './completion-estimate';
import { dispatchDue } from './dispatch';
import { applyOutcome } from './job-outcome';
import { type AppDeps, QueueThrottled } from './ports';
import { finishRecordingQuietly, recordOutcome } from './record-outcome';
import { readTicketSubject } from './ticket-subject';

/**
 * Use case: the queue delivered one erasure job. Submits it at the provider exactly once, however often
 * the event is delivered, and records the provider's reference before anything else can fail.
 */

export type RunJobResult =
  | { kind: 'ignored'; reason: string }
  | { kind: 'recorded'; state: JobRecord['state'] }
  /** Re-queued to run later; `withGroup` when the jobs after it in its event went along. */
  | { kind: 'deferred'; delaySeconds: number; withGroup?: true }
  /**
   * Forge refused the re-queue push (QueueThrottled): the worker asks Forge to deliver this event again then,
   * handing it the slot reserved for it (the redelivered event carries its original body).
   */
  | { kind: 'redeliver'; delaySeconds: number; slot?: BudgetSlot };

/** Forge delays queue events by at most 15 minutes. */
const MAX_DELAY_SECONDS = 900;
const MAX_TRANSIENT_FAILURES = 8;
const SUBMIT_CLAIM_TTL_SECONDS = 5 * 60;
/**
 * A job of a group books for the jobs after it too, up to this many in all: granted, they run on it without a
 * storage round-trip each; refused, the group waits for one slot for all of them, not one slot per job.
 * (With one slot per job a group makes one job per turn, and a backlog needs more groups than the provider
 * takes jobs a minute to keep it busy.)
 */
const BOOK_AHEAD_JOBS = 5;

/**
 * One delivery's jobs: the first, then each job its event carries after it (a backlog is dispatched in
 * groups, src/app/dispatch.ts), in turn, while the invocation has time. A job that must wait for its rate
 * budget takes the rest of the group along; what time does not allow goes back to the queue as one event.
 */
export async function runJobGroup(deps: AppDeps, message: JobMessage, budgetMs: number): Promise<RunJobResult> {
  const started = Date.now();
  let step = message;
  for (;;) {
    const result = await runErasureJob(deps, step);
    if (result.kind === 'redeliver' || (result.kind === 'deferred' && result.withGroup)) return result;
    const [next, ...after] = step.then ?? [];
    if (!next) {
      await dispatchDue(deps);
      return result;
    }
    const following: JobMessage = {
      ticketKey: next.ticketKey,
      provider: step.provider,
      attempt: next.attempt,
      // A slot reserved for a job that turned out to need no call (already done) is the next one's.
      ...(result.kind === 'ignored' && step.slot ? { slot: step.slot } : {}),
      ...(after.length > 0 ? { then: after } : {}),
    };
    if (Date.now() - started > budgetMs) return requeue(deps, following, 1);
    step = following;
  }
}

export async function runErasureJob(deps: AppDeps, message: JobMessage): Promise<RunJobResult> {
  // The claim below would be wasted on a delivery that arrived before the slot it was given.
  if (message.slot && message.slot.at > deps.now().getTime()) return requeueForSlot(deps, message, message.slot);
  const job = await deps.store.jobs.get(message.ticketKey, message.provider);
  if (!job) return { kind: 'ignored', reason: 'no such job' };
  if (job.attempt !== message.attempt) return { kind: 'ignored', reason: 'event for an earlier attempt' };
  if (job.state !== 'pending') {
    // A redelivery after the invocation that recorded the provider's answer died part-way.
    if (job.unrecorded) await finishRecordingQuietly(deps, job);
    return { kind: 'ignored', reason: `job already ${job.state}` };
  }
  if (job.batchEnrolled) return { kind: 'ignored', reason: 'waiting for the next shared provider job' };

  const at = deps.now().toISOString();
  const claimKey: Claim = { kind: 'submit', ticketKey: job.ticketKey, provider: job.provider, attempt: job.attempt };
  if (!(await deps.store.claims.take(claimKey, 'consumer', at, SUBMIT_CLAIM_TTL_SECONDS))) {
    return { kind: 'ignored', reason: 'another invocation is submitting this job' };
  }
  try {
    return await submit(deps, job, at, message);
  } catch (error) {
    if (error instanceof ConcurrentUpdate) return { kind: 'ignored', reason: 'job recorded by another invocation' };
    throw error;
  } finally {
    await deps.store.claims.release(claimKey);
  }
}

/** What the approval covers, read again from the ticket: the subject, or why the job cannot go ahead. */
export type ApprovedSubject =
  | { kind: 'subject'; subject: Subject; provider: ErasureProvider }
  | { kind: 'problem'; outcome: ErasureOutcome }
  | { kind: 'case_closed' };

export async function approvedSubject(
  deps: AppDeps,
  job: JobRecord,
  /** The case record, when the caller has just read it. */
  known?: CaseRecord,
): Promise<ApprovedSubject> {
  const record = known ?? (await deps.store.cases.get(job.ticketKey));
  if (!record || record.phase !== 'open') return { kind: 'case_closed' };
  const { read } = await readTicketSubject(deps, job.ticketKey);
  if (!read.subject || subjectFingerprint(job.ticketKey, read.subject) !== record.subjectFingerprint) {
    return {
      kind: 'problem',
      outcome: {
        kind: 'needs_attention',
        providerRef: null,
        reason: 'the identifiers on the ticket changed after approval, so the approval no longer covers them',
        nextStep: 'Check the identifiers, then move the ticket to the approval status again',
      },
    };
  }
  const provider = await deps.provider(job.provider);
  if (!provider) {
    return {
      kind: 'problem',
      outcome: {
        kind: 'needs_attention',
        providerRef: null,
        reason: `${job.provider} is disabled or has no credentials`,
        nextStep: 'Configure the provider on the admin page, then use Retry on the panel',
      },
    };
  }
  return { kind: 'subject', subject: read.subject, provider };
}

async function submit(deps: AppDeps, job: JobRecord, at: string, message: JobMessage): Promise<RunJobResult> {
  const record = await deps.store.cases.get(job.ticketKey);
  if (!record || record.phase !== 'open') return { kind: 'ignored', reason: 'case is not open' };
  const ref: ErasureRef = {
    ticketKey: job.ticketKey,
    attempt: job.attempt,
    plannedAt: job.attemptPlannedAt,
    mayHaveSubmitted: job.submitStartedAt !== null,
  };
  // Book every call this submit makes before making any, so a refusal never leaves a submit half done. The
  // count needs only the identifier kinds the case recorded at approval, so the ticket is read once the calls
  // can be made: a worker the budget sends away comes back later and reads the ticket then, not twice.
  const bookable = await deps.provider(job.provider);
  const budget = bookable && (await deps.budget?.(job.provider));
  const calls = bookable?.callsToSubmit?.(record.identifierKinds, ref) ?? 1;
  if (bookable && budget && !(message.slot && budget.adopt(message.slot)) && !budget.holds(calls)) {
    const ahead = Math.max(
      1,
      Math.min(BOOK_AHEAD_JOBS, 1 + (message.then?.length ?? 0), Math.floor(budget.largestBooking() / calls)),
    );
    const booked = await budget.book(calls * ahead);
    if (!booked.ok) return waitForBudget(deps, job, message, booked);
  }
  // Read right before the provider call: the identifiers a person may have edited since approval.
  const approved = await approvedSubject(deps, job, record);
  if (approved.kind === 'case_closed') return { kind: 'ignored', reason: 'case is not open' };
  if (approved.kind === 'problem') return settle(deps, job, at, approved.outcome);
  const { provider } = approved;
  const read = { subject: approved.subject };

  let current = job;
  if (!PROVIDER_DESCRIPTIONS[job.provider].idempotentSubmit && job.submitStartedAt === null) {
    current = await deps.store.jobs.update({ ...job, submitStartedAt: at });
  }

  let result: SubmitResult;
  try {
    result = await provider.submitErasure(read.subject, ref);
  } catch (error) {
    if (error instanceof RateLimited && error.slot) return requeueForSlot(deps, message, error.slot);
    if (isTransient(error) || error instanceof OutcomeUnknown) return defer(deps, current, error);
    if (error instanceof ProviderError) {
      return settle(deps, job, at, {
        kind: 'needs_attention',
        providerRef: null,
        reason: error.message,
        nextStep:
          'Fix the cause named here (credentials, configuration or a provider-side problem), then use Retry on the panel',
      });
    }
    throw error;
  }
  const applied = applyOutcome(current, result.outcome, at, { requests: result.requests, withheld: result.withheld });
  const readAfterMs = result.outcome.kind === 'submitted' ? await firstReadDelayMs(deps, job.provider) : null;
  const saved = await recordOutcome(deps, readWhenLikelyDone(applied, at, readAfterMs));
  return { kind: 'recorded', state: saved.state };
}

/**
 * The shared budget had no room now. Not a failure: the worker comes back at the slot the budget reserved
 * for it (or, with none that soon, after Forge's longest delay), and the job's poll time moves past
 * then only if the poller would otherwise take it for lost.
 */
async function waitForBudget(
  deps: AppDeps,
  job: JobRecord,
  message: JobMessage,
  refusal: { retryAtMs: number; slot: BudgetSlot | null },
): Promise<RunJobResult> {
  const now = deps.now().getTime();
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((refusal.retryAtMs - now) / 1000)));
  if (job.nextPollAt < now + (delaySeconds + 60) * 1000)
    await deps.store.jobs.update({ ...job, nextPollAt: now + (delaySeconds + 600) * 1000 });
  const { slot: _previous, ...rest } = message;
  deps.log.info('waiting for rate budget', {
    ticket: job.ticketKey,
    provider: job.provider,
    delaySeconds,
    reserved: refusal.slot !== null,
  });
  // The jobs after this one in its event wait with it, in order.
  return requeue(deps, { ...rest, ...(refusal.slot ? { slot: refusal.slot } : {}) }, delaySeconds);
}

async function requeueForSlot(deps: AppDeps, message: JobMessage, slot: BudgetSlot): Promise<RunJobResult> {
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((slot.at - deps.now().getTime()) / 1000)));
  return requeue(deps, { ...message, slot }, delaySeconds);
}

async function settle(deps: AppDeps, job: JobRecord, at: string, outcome: ErasureOutcome): Promise<RunJobResult> {
  const saved = await recordOutcome(deps, applyOutcome(job, outcome, at));
  return { kind: 'recorded', state: saved.state };
}

/**
 * Pushes a re-queued message; when Forge refuses the push (its 500 events a minute), the same event is asked
 * back instead (the worker answers InvocationError), which costs no push.
 */
async function requeue(deps: AppDeps, message: JobMessage, delaySeconds: number): Promise<RunJobResult> {
  try {
    await deps.queue.push([message], delaySeconds);
  } catch (error) {
    if (error instanceof QueueThrottled)
      return { kind: 'redeliver', delaySeconds, ...(message.slot ? { slot: message.slot } : {}) };
    throw error;
  }
  return { kind: 'deferred', delaySeconds, ...((message.then?.length ?? 0) > 0 ? { withGroup: true as const } : {}) };
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
  await deps.store.jobs.update({
    ...job,
    transientFailures: failures,
    nextPollAt: Date.parse(at) + (delaySeconds + 600) * 1000,
  });
  deps.log.warn('provider call deferred', { ticket: job.ticketKey, provider: job.provider, delaySeconds, failures });
  // Alone: one failing subject does not hold back the jobs after it in its event.
  return requeue(deps, { ticketKey: job.ticketKey, provider: job.provider, attempt: job.attempt }, delaySeconds);
}
