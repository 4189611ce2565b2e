import { formatISO } from 'date-fns';
import { MET_STATES } from '../core/compliance-record';
import { deadlineStatus } from '../core/deadline';
import { answeredOn, unconfirmedSystems } from '../core/downstream';
import { caseStateOf, PROVIDER_LABELS, retryableJobs, type ProviderId } from '../core/erasure';
import type { CaseRecord } from '../core/records';
import { deadlineExtendedComment } from './comments';
import { caseDeadline, extensionRule } from './case-deadline';
import { retryNeedsSupportCase } from './retry';
import type { AppDeps } from './ports';

/**
 * Use cases behind the issue panel: what a privacy officer sees about a case and the actions they may take.
 * Each returns a result the panel can show as it is; bad input is a message, never an exception.
 */

export interface PanelJobView {
  provider: ProviderId;
  label: string;
  state: string;
  attempt: number;
  providerRef: string | null;
  detail: string | null;
  nextStep: string | null;
  updatedAt: string;
}

export interface PanelView {
  ticketKey: string;
  started: boolean;
  /** `pending_downstream`: every provider succeeded; the ticket waits for the downstream systems below. */
  caseState: 'not_started' | 'in_progress' | 'done' | 'blocked' | 'pending_downstream';
  round: number;
  jobs: PanelJobView[];
  deadline: {
    receivedOn: string;
    dueOn: string;
    daysRemaining: number;
    state: string;
    extendedMonths: number;
    extensions: CaseRecord['extensions'];
  } | null;
  downstream: CaseRecord['downstream'];
  record: { attachmentId: string | null; digest: string | null };
  actions: { retry: boolean; extendDeadline: boolean; confirmDownstream: boolean; retryNeedsSupportCase: boolean };
}

export type ActionResult = { ok: true; message: string } | { ok: false; message: string };

export async function getPanelView(deps: AppDeps, ticketKey: string): Promise<PanelView> {
  const record = await deps.store.cases.get(ticketKey);
  if (!record) {
    return {
      ticketKey,
      started: false,
      caseState: 'not_started',
      round: 0,
      jobs: [],
      deadline: null,
      downstream: [],
      record: { attachmentId: null, digest: null },
      actions: { retry: false, extendDeadline: false, confirmDownstream: false, retryNeedsSupportCase: false },
    };
  }
  const jobs = await deps.store.jobs.listForCase(ticketKey);
  const today = formatISO(deps.now(), { representation: 'date' });
  const deadline = caseDeadline(record.receivedOn, deps.settings.deadline, record.extensions);
  // A closed case is judged on the day it was answered, not on the day someone opens the panel; a blocked one,
  // or one still waiting on downstream systems, has not answered it: its clock keeps running, as the record says.
  const completedOn = answeredOn(record, jobs, MET_STATES);
  const status = deadlineStatus(deadline, today, completedOn, deps.settings.deadline.atRiskDays);
  const extendedMonths = record.extensions.reduce((n, e) => n + e.months, 0);
  return {
    ticketKey,
    started: true,
    caseState: record.phase === 'pending_downstream' ? 'pending_downstream' : caseStateOf(jobs),
    round: record.round,
    jobs: jobs.map((j) => ({
      provider: j.provider,
      label: PROVIDER_LABELS[j.provider],
      state: j.state,
      attempt: j.attempt,
      providerRef: j.providerRef,
      detail: j.detail,
      nextStep: j.nextStep,
      updatedAt: j.updatedAt,
    })),
    deadline: {
      receivedOn: record.receivedOn,
      dueOn: deadline.due,
      daysRemaining: status.daysRemaining,
      state: status.state,
      extendedMonths,
      extensions: record.extensions,
    },
    downstream: record.downstream,
    record: { attachmentId: record.finalization.attachmentId, digest: record.finalization.digest },
    actions: {
      retry: record.phase === 'closed' && retryableJobs(jobs).length > 0,
      extendDeadline: extensionRule(record, today).allowed,
      retryNeedsSupportCase: retryNeedsSupportCase(jobs),
      confirmDownstream: unconfirmedSystems(record.downstream).length > 0,
    },
  };
}

/** GDPR Art. 12(3): up to two further months, with reasons, decided within the first month. */
export async function extendDeadline(
  deps: AppDeps,
  ticketKey: string,
  months: number,
  reason: string,
  by: string,
): Promise<ActionResult> {
  const record = await deps.store.cases.get(ticketKey);
  if (!record) return { ok: false, message: 'No erasure has been started for this ticket.' };
  if (!Number.isInteger(months) || months < 1 || months > 2)
    return { ok: false, message: 'An extension is one or two months.' };
  if (reason.trim().length < 10)
    return {
      ok: false,
      message: 'Give the reason for the extension (at least a sentence): it goes to the data subject and the record.',
    };
  const rule = extensionRule(record, formatISO(deps.now(), { representation: 'date' }));
  if (!rule.allowed) return { ok: false, message: rule.reason };
  if (months > rule.monthsLeft)
    return { ok: false, message: `Only ${rule.monthsLeft} more month(s) can be added (two in all, GDPR Art. 12(3)).` };
  const at = deps.now().toISOString();
  const extension = { months, reason: reason.trim(), by, at };
  let due: string;
  try {
    due = caseDeadline(record.receivedOn, deps.settings.deadline, [...record.extensions, extension]).due;
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : 'The extension is not allowed.' };
  }
  await deps.store.cases.update({
    ...record,
    extensions: [...record.extensions, extension],
    dueOn: due,
    deadlineWarning: 'none',
  });
  await deps.store.audit.append(ticketKey, [
    { at, kind: 'deadline_extended', data: { months, reason: extension.reason, by, due } },
  ]);
  await deps.jira.addComment(ticketKey, deadlineExtendedComment(months, due, extension.reason));
  return { ok: true, message: `Deadline extended to ${due}.` };
}
