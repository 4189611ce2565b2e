import { APPROVAL_CLAIM_TTL_SECONDS, handleApproval } from './approve';
import type { AppDeps, TicketSweep } from './ports';

/**
 * Use case, run by the scheduled status poll: approvals whose handling never finished. Forge delivers a
 * product event again only when its trigger answers with an InvocationError; an invocation that was killed or
 * timed out is not retried, so without this an approval could die half way and leave the ticket in the
 * approval status with no erasure running, or a case recorded with some of its jobs never made.
 */

/**
 * The daily deadline watch's part, for a ticket it finds in the approval status with no erasure running: an
 * approval whose trigger left no trace (it died before its inbox write, or Forge never delivered the event) is
 * read back from the ticket's changelog and put in the inbox, where the next sweep handles it as if it had
 * just arrived. Its own delivery may still be on its way: only a move older than a lapsed claim is taken.
 */
export async function recoverLostApproval(
  deps: AppDeps,
  tickets: Pick<TicketSweep, 'statusMoves'>,
  ticketKey: string,
): Promise<boolean> {
  if ((await deps.store.approvals.forTicket(ticketKey)).length > 0) return false;
  const approved = deps.settings.statuses.approved;
  const move = (await tickets.statusMoves(ticketKey)).filter((m) => m.to === approved).at(-1);
  if (!move || deps.now().getTime() - Date.parse(move.at) < STALE_AFTER_MS) return false;
  if ((await deps.store.cases.get(ticketKey))?.approvalId === move.changelogId) return false;
  if ((await deps.store.approvals.lastHandled(ticketKey)) === move.changelogId) return false;
  await deps.store.approvals.put({
    ticketKey,
    changelogId: move.changelogId,
    toStatus: approved,
    receivedAt: move.at,
    sweepFailures: 0,
  });
  deps.log.warn('approval found on the ticket that was never handled; the next status poll handles it', {
    ticket: ticketKey,
  });
  return true;
}

/** An entry is stale once the claim of the invocation that wrote it has lapsed: that invocation is gone. */
const STALE_AFTER_MS = (APPROVAL_CLAIM_TTL_SECONDS + 60) * 1000;
/**
 * An approval that a day's sweeps (one every five minutes) have failed to finish will not succeed by retrying:
 * it is dropped with an error in the log, and the ticket stays in the approval status, where the deadline
 * watch keeps warning on it and a person can move it again. Counted in attempts, not by the entry's age: a
 * poll that did not run for a day (or a clock that jumped) must not drop an approval it never tried.
 */
export const MAX_SWEEP_FAILURES = 288;
const MAX_PER_SWEEP = 10;

export interface InboxSweep {
  handled: number;
  failed: number;
  abandoned: number;
}

export async function sweepApprovalInbox(
  deps: AppDeps,
  tickets: Pick<TicketSweep, 'statusMoves'>,
  outOfTime: () => boolean,
): Promise<InboxSweep> {
  const report: InboxSweep = { handled: 0, failed: 0, abandoned: 0 };
  const now = deps.now().getTime();
  const stale = await deps.store.approvals.receivedBefore(new Date(now - STALE_AFTER_MS).toISOString(), MAX_PER_SWEEP);
  for (const approval of stale) {
    if (outOfTime()) break;
    if (approval.sweepFailures >= MAX_SWEEP_FAILURES) {
      await deps.store.approvals.remove(approval.ticketKey, approval.changelogId);
      deps.log.error(
        'approval abandoned after a day of failed attempts; move the ticket to the approval status again',
        {
          ticket: approval.ticketKey,
        },
      );
      report.abandoned += 1;
      continue;
    }
    try {
      // Who made the move: the ticket's changelog says (the inbox names no one).
      const move = (await tickets.statusMoves(approval.ticketKey)).find((m) => m.changelogId === approval.changelogId);
      if (!move) {
        await deps.store.approvals.remove(approval.ticketKey, approval.changelogId);
        deps.log.warn('approval dropped: the ticket has no such move in its changelog', { ticket: approval.ticketKey });
        report.abandoned += 1;
        continue;
      }
      const result = await handleApproval(
        deps,
        {
          issueKey: approval.ticketKey,
          changelogId: approval.changelogId,
          toStatus: approval.toStatus,
          actorAccountId: move.accountId,
        },
        { inboxed: true },
      );
      deps.log.info('approval finished from the inbox', { ticket: approval.ticketKey, result: result.kind });
      report.handled += 1;
    } catch (error) {
      // The entry stays, one failure more; the next sweep tries again.
      await deps.store.approvals.put({ ...approval, sweepFailures: approval.sweepFailures + 1 });
      deps.log.warn('approval from the inbox failed; the next poll retries it', {
        ticket: approval.ticketKey,
        error: error instanceof Error ? error.name : 'unknown',
      });
      report.failed += 1;
    }
  }
  return report;
}
