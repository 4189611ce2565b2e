import type { JobRecord } from '../core/records';
import { jobSettledComment } from './comments';
import { finalizeIfSettled } from './finalize';
import type { OutcomeApplied } from './job-outcome';
import type { AppDeps } from './ports';

/**
 * Persists what a provider said: the job first (optimistic write, so a duplicate worker loses here and
 * writes nothing), then the audit entries, then the person-facing comment, then the case's closing steps.
 */
export async function recordOutcome(deps: AppDeps, applied: OutcomeApplied): Promise<JobRecord> {
  const saved = await deps.store.jobs.update(applied.job);
  if (applied.audit.length > 0) await deps.store.audit.append(saved.ticketKey, applied.audit);
  if (applied.settled) {
    await deps.jira.addComment(saved.ticketKey, jobSettledComment(saved, applied.settled.dispositions, deps.now()));
    await finalizeIfSettled(deps, saved.ticketKey);
  }
  deps.log.info('job updated', { ticket: saved.ticketKey, provider: saved.provider, state: saved.state });
  return saved;
}
