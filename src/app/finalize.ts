import { buildComplianceRecord, complianceRecordDigest, complianceRecordJson } from '../core/compliance-record';
import { type ClosingOutcome, closingOutcome, waitsOnNothing } from '../core/downstream';
import { caseStateOf } from '../core/erasure';
import { type CaseRecord, type Claim, ConcurrentUpdate, unstartedFinalization } from '../core/records';
import { caseClosedComment, type SettledReport } from './comments';
import type { AppDeps } from './ports';
import { moveToClosingStatus } from './ticket-status';

/**
 * Use case: every job of the case has settled. Attaches the compliance record, quotes its SHA-256 in a
 * summary comment and moves the ticket to "Done" or the blocked status, or, when every provider succeeded
 * but downstream systems are still to be confirmed, to the pending-downstream status (the last confirmation
 * opens the next round, which closes as done: src/app/downstream.ts). Each step is saved as it completes,
 * so an invocation that dies half way is resumed (by the next settled job or the daily sweep) from the
 * step it reached, and a round is never closed twice.
 */

export type FinalizeResult =
  /** `waitingForRecords`: every job has settled, but another one is still recording its outcome. */
  | { kind: 'not_ready'; waitingForRecords?: true }
  | { kind: 'busy' }
  | { kind: 'closed'; outcome: ClosingOutcome; digest: string };

/**
 * Jobs that have just settled, whose outcome the closing comment tells if this call posts it. Their audit
 * entries are in the trail already (only their comment is still owed), so they do not hold the round open.
 * `told` is set the moment that comment is posted, or when the round's closing comment already told them
 * (a repeat after a crash), so a caller whose closing stopped short (not ready, another invocation closing,
 * a failure before the comment) still posts the job's own comment, and never both.
 */
export interface SettledNow {
  reports: SettledReport[];
  told: boolean;
}

export async function finalizeIfSettled(
  deps: AppDeps,
  ticketKey: string,
  settledNow?: SettledNow,
): Promise<FinalizeResult> {
  const record = await deps.store.cases.get(ticketKey);
  if (record && settledNow && toldAlready(record, settledNow)) settledNow.told = true;
  // A case whose approval has not made all its jobs yet (its invocation died) is not settled, whatever those made say.
  if (!record || record.phase !== 'open' || record.opening) return { kind: 'not_ready' };
  const jobs = await deps.store.jobs.listForCase(ticketKey);
  const state = caseStateOf(jobs);
  if (state !== 'done' && state !== 'blocked') return { kind: 'not_ready' };
  // A job whose outcome is not yet in the audit trail would be missing from the record; finishing it closes the round.
  const telling = new Set(settledNow?.reports.map((r) => r.job.provider));
  if (jobs.some((j) => j.unrecorded && !telling.has(j.provider))) return { kind: 'not_ready', waitingForRecords: true };

  // A closing resumed after a crash finishes as its attached record says, whatever was confirmed since.
  const resumed = record.finalization.round === record.round ? record.finalization.outcome : null;
  const claimKey: Claim = { kind: 'finalize', ticketKey, round: record.round };
  if (!(await deps.store.claims.take(claimKey, 'finalize', deps.now().toISOString(), 5 * 60))) return { kind: 'busy' };
  let result: FinalizeResult;
  try {
    result = await closeRound(deps, record, resumed ?? closingOutcome(state, record.downstream), settledNow);
  } catch (error) {
    if (error instanceof ConcurrentUpdate) return { kind: 'busy' };
    throw error;
  } finally {
    await deps.store.claims.release(claimKey);
  }
  return result.kind === 'closed' && result.outcome === 'pending_downstream'
    ? ((await openNextRoundIfConfirmed(deps, ticketKey)) ?? result)
    : result;
}

/**
 * Finishes whatever closing a case is owed: a settled open round, or the next round of a case that waits on
 * downstream systems none of which is left to confirm. Safe to call any number of times.
 */
export async function resumeClosing(deps: AppDeps, ticketKey: string): Promise<FinalizeResult> {
  return (await openNextRoundIfConfirmed(deps, ticketKey)) ?? finalizeIfSettled(deps, ticketKey);
}

/**
 * A round that closed waiting on downstream systems whose last one was confirmed while it closed (the
 * confirmation itself opens the next round when the case is already waiting: src/app/downstream.ts).
 */
async function openNextRoundIfConfirmed(deps: AppDeps, ticketKey: string): Promise<FinalizeResult | null> {
  const record = await deps.store.cases.get(ticketKey);
  if (!record || !waitsOnNothing(record)) return null;
  try {
    await deps.store.cases.update({ ...record, phase: 'open', round: record.round + 1 });
  } catch (error) {
    if (error instanceof ConcurrentUpdate) return { kind: 'busy' };
    throw error;
  }
  return finalizeIfSettled(deps, ticketKey);
}

const STATUS_OF: Record<ClosingOutcome, 'done' | 'blocked' | 'pendingDownstream'> = {
  done: 'done',
  blocked: 'blocked',
  pending_downstream: 'pendingDownstream',
};

async function closeRound(
  deps: AppDeps,
  initial: CaseRecord,
  outcome: ClosingOutcome,
  settledNow: SettledNow | undefined,
): Promise<FinalizeResult> {
  const status = deps.settings.statuses[STATUS_OF[outcome]];
  const at = deps.now().toISOString();
  let record: CaseRecord =
    initial.finalization.round === initial.round
      ? initial
      : {
          ...initial,
          finalization: unstartedFinalization(initial.round),
        };

  // Entering past 'none' means an earlier invocation got that far and died: its record or comment may be out.
  const resuming = record.finalization.step !== 'none';
  if (record.finalization.step === 'none') {
    record = await deps.store.cases.update({
      ...record,
      finalization: { ...unstartedFinalization(record.round), step: 'closing', closedAt: at, outcome },
    });
  }
  if (record.finalization.step === 'closing') {
    const closedAt = record.finalization.closedAt ?? at;
    const chain = await deps.store.audit.appendMissing(record.ticketKey, [
      { at: closedAt, kind: 'case_closed', data: { outcome, status } },
    ]);
    // The record covers the trail up to this round's closing entry, so a rebuild after a crash is the same file.
    let end = chain.length;
    while (end > 0 && !(chain[end - 1]?.kind === 'case_closed' && chain[end - 1]?.at === closedAt)) end -= 1;
    const built = buildComplianceRecord(record.ticketKey, chain.slice(0, end), closedAt);
    const json = complianceRecordJson(built);
    const filename = `erasure-record-${record.ticketKey}-round-${record.round}.json`;
    const attachment =
      (resuming ? await deps.jira.findAttachment(record.ticketKey, filename) : null) ??
      (await deps.jira.attachFile(record.ticketKey, filename, new TextEncoder().encode(json), 'application/json'));
    record = await deps.store.cases.update({
      ...record,
      finalization: {
        ...record.finalization,
        step: 'attached',
        attachmentId: attachment.id,
        digest: complianceRecordDigest(json),
        chainHead: built.chain.head,
        told: [],
        outcome,
      },
    });
  }
  const digest = record.finalization.digest as string;
  if (record.finalization.step === 'attached') {
    const jobs = await deps.store.jobs.listForCase(record.ticketKey);
    // The summary quotes the record's digest: finding it on the ticket means the comment went out before a crash.
    if (!(resuming && (await deps.jira.hasComment(record.ticketKey, digest)))) {
      await deps.jira.addComment(
        record.ticketKey,
        caseClosedComment(outcome, jobs, digest, record, settledNow?.reports ?? []),
      );
    }
    if (settledNow) settledNow.told = true;
    const told = settledNow?.reports.map((r) => r.job.provider) ?? [];
    record = await deps.store.cases.update({
      ...record,
      finalization: { ...record.finalization, step: 'commented', told },
    });
  }
  if (record.finalization.step === 'commented') {
    await moveToClosingStatus(deps, record.ticketKey, status, outcome === 'pending_downstream');
    record = await deps.store.cases.update({
      ...record,
      phase: outcome === 'pending_downstream' ? 'pending_downstream' : 'closed',
      finalization: { ...record.finalization, step: 'transitioned' },
    });
  }
  deps.log.info('case closed', { ticket: record.ticketKey, outcome, round: record.round });
  return { kind: 'closed', outcome, digest };
}

/** This round's closing comment has gone out and told every one of these outcomes. */
function toldAlready(record: CaseRecord, settledNow: SettledNow): boolean {
  const { finalization } = record;
  const commented = finalization.step === 'commented' || finalization.step === 'transitioned';
  return (
    finalization.round === record.round &&
    commented &&
    settledNow.reports.every((r) => finalization.told.includes(r.job.provider))
  );
}
