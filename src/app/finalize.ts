import { buildComplianceRecord, complianceRecordDigest, complianceRecordJson } from '../core/compliance-record';
import { caseStateOf } from '../core/erasure';
import { type CaseRecord, type Claim, ConcurrentUpdate } from '../core/records';
import { caseClosedComment } from './comments';
import type { AppDeps } from './ports';

/**
 * Use case: every job of the case has settled. Attaches the compliance record, quotes its SHA-256 in a
 * summary comment and moves the ticket to "Done" or the blocked status. Each step is saved as it completes,
 * so an invocation that dies half way is resumed (by the next settled job or the daily sweep) from the
 * step it reached, and a round is never closed twice.
 */

export type FinalizeResult =
  { kind: 'not_ready' } | { kind: 'busy' } | { kind: 'closed'; outcome: 'done' | 'blocked'; digest: string };

export async function finalizeIfSettled(deps: AppDeps, ticketKey: string): Promise<FinalizeResult> {
  const record = await deps.store.cases.get(ticketKey);
  if (!record || record.phase !== 'open') return { kind: 'not_ready' };
  const jobs = await deps.store.jobs.listForCase(ticketKey);
  const state = caseStateOf(jobs);
  if (state !== 'done' && state !== 'blocked') return { kind: 'not_ready' };
  // A job whose outcome is not yet in the audit trail would be missing from the record; finishing it closes the round.
  if (jobs.some((j) => j.unrecorded)) return { kind: 'not_ready' };

  const claimKey: Claim = { kind: 'finalize', ticketKey, round: record.round };
  if (!(await deps.store.claims.take(claimKey, 'finalize', deps.now().toISOString(), 5 * 60))) return { kind: 'busy' };
  try {
    return await closeRound(deps, record, state);
  } catch (error) {
    if (error instanceof ConcurrentUpdate) return { kind: 'busy' };
    throw error;
  } finally {
    await deps.store.claims.release(claimKey);
  }
}

async function closeRound(deps: AppDeps, initial: CaseRecord, outcome: 'done' | 'blocked'): Promise<FinalizeResult> {
  const { statuses } = deps.settings;
  const status = outcome === 'done' ? statuses.done : statuses.blocked;
  const at = deps.now().toISOString();
  let record: CaseRecord =
    initial.finalization.round === initial.round
      ? initial
      : {
          ...initial,
          finalization: { round: initial.round, step: 'none', attachmentId: null, digest: null, chainHead: null },
        };

  if (record.finalization.step === 'none') {
    const events = await deps.store.audit.append(record.ticketKey, [
      { at, kind: 'case_closed', data: { outcome, status } },
    ]);
    const built = buildComplianceRecord(record.ticketKey, events, at);
    const json = complianceRecordJson(built);
    const attachment = await deps.jira.attachFile(
      record.ticketKey,
      `erasure-record-${record.ticketKey}-round-${record.round}.json`,
      new TextEncoder().encode(json),
      'application/json',
    );
    record = await deps.store.cases.update({
      ...record,
      finalization: {
        round: record.round,
        step: 'attached',
        attachmentId: attachment.id,
        digest: complianceRecordDigest(json),
        chainHead: built.chain.head,
      },
    });
  }
  const digest = record.finalization.digest as string;
  if (record.finalization.step === 'attached') {
    const jobs = await deps.store.jobs.listForCase(record.ticketKey);
    await deps.jira.addComment(record.ticketKey, caseClosedComment(outcome, jobs, digest, record));
    record = await deps.store.cases.update({ ...record, finalization: { ...record.finalization, step: 'commented' } });
  }
  if (record.finalization.step === 'commented') {
    await deps.jira.transitionTo(record.ticketKey, status);
    record = await deps.store.cases.update({
      ...record,
      phase: 'closed',
      finalization: { ...record.finalization, step: 'transitioned' },
    });
  }
  deps.log.info('case closed', { ticket: record.ticketKey, outcome, round: record.round });
  return { kind: 'closed', outcome, digest };
}
