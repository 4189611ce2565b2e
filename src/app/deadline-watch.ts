import { formatISO } from 'date-fns';
import { deadlineStatus } from '../core/deadline';
import { ConcurrentUpdate, type CaseRecord } from '../core/records';
import { deadlineWarningComment } from './comments';
import { finalizeIfSettled } from './finalize';
import { caseDeadline } from './case-deadline';
import type { AppDeps } from './ports';

/**
 * Use case: the daily deadline watch (GDPR Art. 12(3)). Warns once per case when the deadline comes within
 * the at-risk window and once when it passes (comment + label), and sweeps cases whose jobs all settled but
 * whose closing was interrupted.
 */

export interface DeadlineReport {
  checked: number;
  warned: number;
  swept: number;
}

export const DEADLINE_LABELS = { at_risk: 'gdpr-deadline-at-risk', overdue: 'gdpr-deadline-overdue' } as const;

export async function watchDeadlines(deps: AppDeps): Promise<DeadlineReport> {
  const report: DeadlineReport = { checked: 0, warned: 0, swept: 0 };
  const today = formatISO(deps.now(), { representation: 'date' });
  let cursor: string | undefined;
  do {
    const page = await deps.store.cases.listOpen(50, cursor);
    cursor = page.cursor;
    for (const record of page.cases) {
      report.checked += 1;
      if (await warnIfDue(deps, record, today)) report.warned += 1;
      const closed = await finalizeIfSettled(deps, record.ticketKey);
      if (closed.kind === 'closed') report.swept += 1;
    }
  } while (cursor);
  return report;
}

async function warnIfDue(deps: AppDeps, record: CaseRecord, today: string): Promise<boolean> {
  const deadline = caseDeadline(record.receivedOn, deps.settings.deadline, record.extensions);
  const status = deadlineStatus(deadline, today, null, deps.settings.deadline.atRiskDays);
  const level = status.state === 'overdue' || status.state === 'missed' ? 'overdue' : status.state === 'at_risk' ? 'at_risk' : 'none';
  if (level === 'none' || level === record.deadlineWarning) return false;
  try {
    await deps.store.cases.update({ ...record, deadlineWarning: level });
  } catch (error) {
    if (error instanceof ConcurrentUpdate) return false;
    throw error;
  }
  await deps.jira.editLabels(record.ticketKey, [DEADLINE_LABELS[level]], level === 'overdue' ? [DEADLINE_LABELS.at_risk] : []);
  await deps.jira.addComment(record.ticketKey, deadlineWarningComment(level, deadline.due, status.daysRemaining));
  return true;
}
