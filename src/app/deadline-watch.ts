import { formatISO } from 'date-fns';
import { deadlineStatus } from '../core/deadline';
import { ConcurrentUpdate, type CaseRecord } from '../core/records';
import { deadlineWarningComment } from './comments';
import { finalizeIfSettled } from './finalize';
import { caseDeadline } from './case-deadline';
import { fieldText } from './dsar-fields';
import { recoverLostApproval } from './approval-inbox';
import type { AppDeps, TicketSweep } from './ports';

/**
 * Use case: the daily deadline watch (GDPR Art. 12(3)). Warns once per case when the deadline comes within
 * the at-risk window and once when it passes (comment + label), and sweeps cases whose jobs all settled but
 * whose closing was interrupted. The clock runs from verified receipt whatever the ticket's state, so DSAR
 * tickets with no running erasure (not yet approved, needing attention, blocked) are warned on too; for them
 * the ticket's own deadline label records that the warning was given. A ticket it finds in the approval status
 * with no erasure running had its approval lost on the way: it is handed to the approval inbox.
 */

export interface DeadlineReport {
  checked: number;
  warned: number;
  swept: number;
  /** Approvals found on tickets that nothing had handled (src/app/approval-inbox.ts). */
  recovered: number;
}

export const DEADLINE_LABELS = { at_risk: 'gdpr-deadline-at-risk', overdue: 'gdpr-deadline-overdue' } as const;

/** Tickets read per project per run: the watch stays well inside one invocation. */
const MAX_TICKETS_PER_PROJECT = 500;

export async function watchDeadlines(deps: AppDeps, tickets?: TicketSweep): Promise<DeadlineReport> {
  const report: DeadlineReport = { checked: 0, warned: 0, swept: 0, recovered: 0 };
  const today = formatISO(deps.now(), { representation: 'date' });
  let cursor: string | undefined;
  const running = new Set<string>();
  do {
    const page = await deps.store.cases.listOpen(50, cursor);
    cursor = page.cursor;
    for (const record of page.cases) {
      running.add(record.ticketKey);
      report.checked += 1;
      if (await warnIfDue(deps, record, today)) report.warned += 1;
      const closed = await finalizeIfSettled(deps, record.ticketKey);
      if (closed.kind === 'closed') report.swept += 1;
    }
  } while (cursor);
  if (tickets) await watchTicketsWithoutRunningErasure(deps, tickets, today, running, report);
  return report;
}

async function watchTicketsWithoutRunningErasure(
  deps: AppDeps,
  tickets: TicketSweep,
  today: string,
  running: Set<string>,
  report: DeadlineReport,
): Promise<void> {
  const receivedField = deps.settings.fields.receivedOn;
  if (!receivedField) return;
  for (const project of deps.settings.projectKeys) {
    const keys = (await tickets.searchIssueKeys(`project = ${project}`))
      .filter((k) => !running.has(k))
      .slice(0, MAX_TICKETS_PER_PROJECT);
    for (const key of keys) {
      const issue = await deps.jira.getIssue(key, ['status', 'labels', receivedField]);
      const status = (issue.fields.status as { name?: string } | undefined)?.name;
      if (status === deps.settings.statuses.done) continue;
      // Approved with no erasure running: an approval whose event never reached the app, found again.
      if (status === deps.settings.statuses.approved && (await recoverLostApproval(deps, tickets, key)))
        report.recovered += 1;
      const receivedOn = fieldText(issue.fields[receivedField]);
      if (!receivedOn || !/^\d{4}-\d{2}-\d{2}$/.test(receivedOn)) continue;
      report.checked += 1;
      const record = await deps.store.cases.get(key);
      const deadline = caseDeadline(receivedOn, deps.settings.deadline, record?.extensions ?? []);
      const standing = deadlineStatus(deadline, today, null, deps.settings.deadline.atRiskDays);
      const level = warningLevel(standing.state);
      const labels = Array.isArray(issue.fields.labels) ? (issue.fields.labels as string[]) : [];
      if (level === 'none' || labels.includes(DEADLINE_LABELS[level])) continue;
      await deps.jira.editLabels(key, [DEADLINE_LABELS[level]], level === 'overdue' ? [DEADLINE_LABELS.at_risk] : []);
      await deps.jira.addComment(key, deadlineWarningComment(level, deadline.due, standing.daysRemaining));
      report.warned += 1;
    }
  }
}

/** The warning a deadline state calls for: at risk, overdue (missed counts as overdue), or none. */
function warningLevel(state: string): 'at_risk' | 'overdue' | 'none' {
  return state === 'overdue' || state === 'missed' ? 'overdue' : state === 'at_risk' ? 'at_risk' : 'none';
}

async function warnIfDue(deps: AppDeps, record: CaseRecord, today: string): Promise<boolean> {
  const deadline = caseDeadline(record.receivedOn, deps.settings.deadline, record.extensions);
  const status = deadlineStatus(deadline, today, null, deps.settings.deadline.atRiskDays);
  const level = warningLevel(status.state);
  if (level === 'none' || level === record.deadlineWarning) return false;
  try {
    await deps.store.cases.update({ ...record, deadlineWarning: level });
  } catch (error) {
    if (error instanceof ConcurrentUpdate) return false;
    throw error;
  }
  await deps.jira.editLabels(
    record.ticketKey,
    [DEADLINE_LABELS[level]],
    level === 'overdue' ? [DEADLINE_LABELS.at_risk] : [],
  );
  await deps.jira.addComment(record.ticketKey, deadlineWarningComment(level, deadline.due, status.daysRemaining));
  return true;
}
