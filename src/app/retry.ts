import { formatISO } from 'date-fns';
import type { AuditEventInput } from '../core/audit';
import { applyJobEvent, canApply, type JobEvent, type ProviderId } from '../core/erasure';
import { holdInForce } from '../core/legal-hold';
import type { CaseRecord, JobRecord } from '../core/records';
import { planAttempt } from './attempt';
import { retryStartedComment } from './comments';
import type { AppDeps } from './ports';

/**
 * A Genesys GDPR request that ended in ERROR may have deleted part of the subject's data before failing
 * (Genesys documents no rollback). Resubmitting is a person's decision: it needs the Genesys support case that
 * looked into the error and an explicit confirmation, both kept in the record. A re-approval, which has
 * neither, never resubmits it.
 */
export const needsGenesysConfirmation = (job: Pick<JobRecord, 'provider' | 'state'>) =>
  job.provider === 'genesys' && job.state === 'failed';
export const retryNeedsSupportCase = (jobs: ReadonlyArray<Pick<JobRecord, 'provider' | 'state'>>) =>
  jobs.some(needsGenesysConfirmation);

export interface GenesysConfirmation {
  supportCase: string;
}

/**
 * Use case: a privacy officer resumes a settled case (Retry on the panel, or a new approval). Only jobs that
 * did not succeed restart, each as a new attempt with its own idempotency key; jobs whose legal hold has
 * ended restart too. Completed and not-found jobs are never redone; a Genesys ERROR only with its confirmation.
 */
export async function resumeJobs(
  deps: AppDeps,
  record: CaseRecord,
  by: string,
  options: {
    approvalId?: string;
    genesys?: GenesysConfirmation;
    /** A re-approval of identifiers changed since the case's approval: the jobs resumed run on these. */
    subject?: { fingerprint: string; identifierKinds: string[] };
  } = {},
): Promise<ProviderId[]> {
  const approvalId = options.approvalId;
  const at = deps.now().toISOString();
  const today = formatISO(deps.now(), { representation: 'date' });
  const activeHoldIds = new Set((await deps.store.holds.list()).filter((h) => holdInForce(h, today)).map((h) => h.id));
  const jobs = await deps.store.jobs.listForCase(record.ticketKey);

  const restarted: JobRecord[] = [];
  const audit: AuditEventInput[] = [];
  for (const job of jobs) {
    const event: JobEvent | null = canApply(job.state, 'retry_requested')
      ? needsGenesysConfirmation(job) && !options.genesys
        ? null
        : { type: 'retry_requested', by }
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
  await deps.store.cases.update({
    ...record,
    phase: 'open',
    round: record.round + 1,
    ...(approvalId ? { approvalId } : {}),
    ...(options.subject
      ? { subjectFingerprint: options.subject.fingerprint, identifierKinds: options.subject.identifierKinds }
      : {}),
  });
  const confirmation =
    options.genesys && providers.includes('genesys')
      ? { genesysSupportCase: options.genesys.supportCase, genesysPartialConfirmed: true }
      : {};
  await deps.store.audit.append(record.ticketKey, [
    ...(options.subject ? [{ at, kind: 'subject_recorded' as const, data: options.subject }] : []),
    { at, kind: 'retry_requested', data: { providers, by, ...confirmation } },
    ...audit,
  ]);
  await deps.queue.push(restarted.map((j) => ({ ticketKey: j.ticketKey, provider: j.provider, attempt: j.attempt })));
  if (deps.settings.statuses.inProgress)
    await deps.jira.transitionTo(record.ticketKey, deps.settings.statuses.inProgress);
  await deps.jira.addComment(
    record.ticketKey,
    retryStartedComment(
      providers,
      options.genesys && providers.includes('genesys') ? options.genesys.supportCase : null,
    ),
  );
  return providers;
}

/** Panel action: the case must be settled (closed) before a person can resume it. */
export async function requestRetry(
  deps: AppDeps,
  ticketKey: string,
  by: string,
  genesys: { supportCase?: string; confirmed?: boolean } = {},
): Promise<{ ok: true; providers: ProviderId[] } | { ok: false; message: string }> {
  const record = await deps.store.cases.get(ticketKey);
  if (!record) return { ok: false, message: 'No erasure has been started for this ticket.' };
  if (record.phase === 'open')
    return { ok: false, message: 'Erasure is still running; retry is possible once every provider has settled.' };
  const supportCase = genesys.supportCase?.trim() ?? '';
  if (
    retryNeedsSupportCase(await deps.store.jobs.listForCase(ticketKey)) &&
    (supportCase.length < 3 || genesys.confirmed !== true)
  ) {
    return {
      ok: false,
      message:
        'Genesys Cloud ended in ERROR and may have deleted part of the data. Give the Genesys support case that reviewed the error and confirm that a new deletion request is wanted; both go into the compliance record.',
    };
  }
  const providers = await resumeJobs(deps, record, by, supportCase ? { genesys: { supportCase } } : {});
  return providers.length > 0
    ? { ok: true, providers }
    : { ok: false, message: 'Nothing to retry: every provider completed or is still under legal hold.' };
}
