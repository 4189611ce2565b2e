import { formatISO } from 'date-fns';
import type { AuditEventInput } from '../core/audit';
import { applyJobEvent, canApply, type JobEvent, type ProviderId } from '../core/erasure';
import { holdInForce } from '../core/legal-hold';
import type { CaseRecord, JobRecord } from '../core/records';
import { planAttempt } from './attempt';
import { retryStartedComment } from './comments';
import type { AppDeps } from './ports';

/**
 * Use case: a privacy officer resumes a settled case (Retry on the panel, or a new approval). Only jobs that
 * did not succeed restart, each as a new attempt with its own idempotency key; jobs whose legal hold has
 * ended restart too. Completed and not-found jobs are never redone.
 */
export async function resumeJobs(deps: AppDeps, record: CaseRecord, by: string, approvalId?: string): Promise<ProviderId[]> {
  const at = deps.now().toISOString();
  const today = formatISO(deps.now(), { representation: 'date' });
  const activeHoldIds = new Set((await deps.store.holds.list()).filter((h) => holdInForce(h, today)).map((h) => h.id));
  const jobs = await deps.store.jobs.listForCase(record.ticketKey);

  const restarted: JobRecord[] = [];
  const audit: AuditEventInput[] = [];
  for (const job of jobs) {
    const event: JobEvent | null = canApply(job.state, 'retry_requested')
      ? { type: 'retry_requested', by }
      : job.state === 'blocked_legal_hold' && job.holdId !== null && !activeHoldIds.has(job.holdId)
        ? { type: 'hold_released', holdId: job.holdId }
        : null;
    if (!event) continue;
    const next = applyJobEvent(job, event, at);
    audit.push(next.audit);
    restarted.push(await deps.store.jobs.update(planAttempt(next.job, at)));
  }
  if (restarted.length === 0) return [];

  const providers = restarted.map((j) => j.provider);
  await deps.store.cases.update({ ...record, phase: 'open', round: record.round + 1, ...(approvalId ? { approvalId } : {}) });
  await deps.store.audit.append(record.ticketKey, [{ at, kind: 'retry_requested', data: { providers, by } }, ...audit]);
  await deps.queue.push(restarted.map((j) => ({ ticketKey: j.ticketKey, provider: j.provider, attempt: j.attempt })));
  if (deps.settings.statuses.inProgress) await deps.jira.transitionTo(record.ticketKey, deps.settings.statuses.inProgress);
  await deps.jira.addComment(record.ticketKey, retryStartedComment(providers));
  return providers;
}

/** Panel action: the case must be settled (closed) before a person can resume it. */
export async function requestRetry(deps: AppDeps, ticketKey: string, by: string): Promise<{ ok: true; providers: ProviderId[] } | { ok: false; message: string }> {
  const record = await deps.store.cases.get(ticketKey);
  if (!record) return { ok: false, message: 'No erasure has been started for this ticket.' };
  if (record.phase === 'open') return { ok: false, message: 'Erasure is still running; retry is possible once every provider has settled.' };
  const providers = await resumeJobs(deps, record, by);
  return providers.length > 0 ? { ok: true, providers } : { ok: false, message: 'Nothing to retry: every provider completed or is still under legal hold.' };
}
