import {
  checkConfirmation,
  DOWNSTREAM_NOTE_MAX,
  reopensForNewRound,
  unconfirmedSystems,
  withConfirmation,
} from '../core/downstream';
import { caseStateOf } from '../core/erasure';
import { type CaseRecord, type Claim, ConcurrentUpdate } from '../core/records';
import type { ActionResult } from './case-actions';
import { downstreamConfirmedComment, downstreamConfirmedHeadline } from './comments';
import { resumeClosing } from './finalize';
import type { AppDeps } from './ports';

/**
 * Use case: a privacy officer confirms on the panel that a downstream system (CRM, warehouse, …) has been
 * erased by hand, with an optional reference. The confirmation goes to the audit trail, a comment and the
 * case; the last one of a settled case opens a new round, which re-issues the compliance record and, when
 * every provider succeeded, moves the ticket to Done (src/app/finalize.ts).
 *
 * Safe to repeat (a double click, a retried call): a claim per system lets one invocation at a time record
 * it; the trail is written first and looked up before writing, so it holds the confirmation once; the
 * comment comes next (posted again only if the ticket lacks it) and the case last, so a call that died half
 * way is finished by the next one (the panel still offers the button until the case is written). Its claim
 * lapses after an invocation's limit.
 */

/** Longer than a resolver may run (25 s), so a lapsed claim's owner has certainly stopped. */
const CLAIM_TTL_SECONDS = 2 * 60;
const WRITE_ATTEMPTS = 5;

export async function confirmDownstream(
  deps: AppDeps,
  ticketKey: string,
  system: string,
  by: string,
  note?: string,
): Promise<ActionResult> {
  const record = await deps.store.cases.get(ticketKey);
  if (!record) return { ok: false, message: 'No erasure has been started for this ticket.' };
  const check = checkConfirmation(record.downstream, system, note);
  switch (check.kind) {
    case 'unknown_system':
      return { ok: false, message: `"${system}" is not on this case's downstream checklist.` };
    case 'note_too_long':
      return { ok: false, message: `Keep the reference to ${DOWNSTREAM_NOTE_MAX} characters.` };
    case 'already_confirmed':
      // A repeat finishes what an earlier call may have left: the case's closing, when nothing else is.
      await resumeClosing(deps, ticketKey);
      return { ok: true, message: `${system} was already confirmed.` };
    case 'confirmable':
      break;
  }

  const claim: Claim = { kind: 'downstream', ticketKey, system };
  const now = deps.now().toISOString();
  if (!(await deps.store.claims.take(claim, by, now, CLAIM_TTL_SECONDS)))
    return { ok: false, message: `${system} is being confirmed by another request; reload the panel in a minute.` };
  try {
    const { at, earlier } = await recordOnce(deps, ticketKey, { system, by, at: now, note: check.note });
    const remaining = unconfirmedSystems(record.downstream).filter((s) => s !== system);
    // A call that died after the trail may have posted the comment too: the ticket says whether it did.
    if (!earlier || !(await deps.jira.hasComment(ticketKey, downstreamConfirmedHeadline(system), at)))
      await deps.jira.addComment(ticketKey, downstreamConfirmedComment(system, check.note, remaining));
    const saved = await writeConfirmation(deps, ticketKey, { system, by, at, note: check.note });
    deps.log.info('downstream confirmed', { ticket: ticketKey, remaining: remaining.length, round: saved.round });
  } finally {
    await deps.store.claims.release(claim);
  }
  const closed = await resumeClosing(deps, ticketKey);
  return {
    ok: true,
    message:
      closed.kind !== 'closed'
        ? `${system} confirmed.`
        : closed.outcome === 'done'
          ? `${system} confirmed. Every downstream system is confirmed: the compliance record was re-issued and the ticket moved to Done.`
          : `${system} confirmed. Every downstream system is confirmed: the compliance record was re-issued.`,
  };
}

/**
 * Appends the confirmation unless the trail has it already; answers the time it was recorded at, and whether
 * an earlier call recorded it.
 */
async function recordOnce(
  deps: AppDeps,
  ticketKey: string,
  c: { system: string; by: string; at: string; note: string | null },
): Promise<{ at: string; earlier: boolean }> {
  const trail = await deps.store.audit.list(ticketKey);
  const earlier = trail.find((e) => e.kind === 'downstream_confirmed' && e.data.system === c.system);
  if (earlier) return { at: earlier.at, earlier: true };
  await deps.store.audit.append(ticketKey, [
    {
      at: c.at,
      kind: 'downstream_confirmed',
      data: { system: c.system, by: c.by, ...(c.note ? { note: c.note } : {}) },
    },
  ]);
  return { at: c.at, earlier: false };
}

/**
 * Marks the system confirmed on the case, re-reading on a concurrent write (another system confirmed at the
 * same moment). The write that confirms the last system of a settled case also opens its next round, so a
 * crash after it leaves an open, settled case, which the daily sweep closes.
 */
async function writeConfirmation(
  deps: AppDeps,
  ticketKey: string,
  c: { system: string; by: string; at: string; note: string | null },
): Promise<CaseRecord> {
  for (let attempt = 1; ; attempt += 1) {
    const current = (await deps.store.cases.get(ticketKey)) as CaseRecord;
    const downstream = withConfirmation(current.downstream, c);
    const jobs = await deps.store.jobs.listForCase(ticketKey);
    const reopen = reopensForNewRound(current.phase, caseStateOf(jobs), current.downstream, downstream);
    try {
      return await deps.store.cases.update({
        ...current,
        downstream,
        ...(reopen ? { phase: 'open' as const, round: current.round + 1 } : {}),
      });
    } catch (error) {
      if (!(error instanceof ConcurrentUpdate) || attempt >= WRITE_ATTEMPTS) throw error;
    }
  }
}
