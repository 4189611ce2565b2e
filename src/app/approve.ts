import { formatISO } from 'date-fns';
import { type AuditEventInput, subjectFingerprint } from '../core/audit';
import { computeDeadline } from '../core/deadline';
import { unconfirmedSystems } from '../core/downstream';
import { applyJobEvent, caseStateOf, newJob, PROVIDERS, type ProviderId } from '../core/erasure';
import { type LegalHold, legalHoldsFor, withheldProviders } from '../core/legal-hold';
import { identifierKinds, type FieldProblem, type Subject } from '../core/subject';
import {
  type CaseRecord,
  ConcurrentUpdate,
  type JobMessage,
  type PendingApproval,
  unstartedFinalization,
} from '../core/records';
import { appliesTo, namesRecordAt, PROVIDER_DESCRIPTIONS } from '../providers/descriptions';
import { isPrivacyOfficer } from './access';
import { planAttempt } from './attempt';
import {
  APPROVAL_STARTED,
  approvalStartedComment,
  reapprovalNothingToDoComment,
  validationFailedComment,
} from './comments';
import { finalizeIfSettled } from './finalize';
import { pushOrLeaveForPoll } from './dispatch';
import { type AppDeps, type IssueSnapshot, JiraLookupForbidden } from './ports';
import { resumeJobs, retryNeedsSupportCase } from './retry';
import { readTicketSubject } from './ticket-subject';
import { moveTicketOrExplain, moveToClosingStatus } from './ticket-status';

/**
 * Use case: a DSAR ticket moved into the approval status. Checks everything that must be true before any
 * provider is called, then plans one job per provider and fans them out on the queue.
 */

export interface ApprovalEvent {
  issueKey: string;
  /** The changelog id: the same approval delivered twice carries the same id. */
  changelogId: string;
  toStatus: string;
  actorAccountId: string;
}

export type ApprovalResult =
  | { kind: 'ignored'; reason: string }
  | { kind: 'rejected'; problems: FieldProblem[] }
  | { kind: 'started'; providers: ProviderId[]; held: ProviderId[] }
  | { kind: 'resumed'; providers: ProviderId[] };

/** Longer than any invocation may run (Forge: 900 s at most), so a live handler's claim never lapses. */
export const APPROVAL_CLAIM_TTL_SECONDS = 15 * 60;

export async function handleApproval(
  deps: AppDeps,
  event: ApprovalEvent,
  /** `inboxed`: the poll's sweep is finishing this approval from the inbox (src/app/approval-inbox.ts). */
  options: { inboxed?: boolean } = {},
): Promise<ApprovalResult> {
  const { settings } = deps;
  if (event.toStatus !== settings.statuses.approved) {
    if (options.inboxed) await deps.store.approvals.remove(event.issueKey, event.changelogId);
    return { kind: 'ignored', reason: 'not a move into the approval status' };
  }

  const existing = await deps.store.cases.get(event.issueKey);
  if (existing?.approvalId === event.changelogId && !existing.opening) {
    // Also ends the inbox entry of an invocation that finished the approval and died before removing it.
    await deps.store.approvals.remove(event.issueKey, event.changelogId);
    return { kind: 'ignored', reason: 'approval already handled' };
  }
  const now = deps.now();
  const at = now.toISOString();
  // Forge does not redeliver a trigger whose invocation crashed or timed out: until this approval's handling
  // ends, the inbox holds it for the poll's sweep.
  if (!options.inboxed) await deps.store.approvals.put(pendingApproval(event, at));
  // Two deliveries of one event at the same moment: only one gets past this line. The TTL lets the sweep (or
  // a later redelivery) recover if this invocation dies before it has finished.
  const claim = { kind: 'approval', ticketKey: event.issueKey, changelogId: event.changelogId } as const;
  if (!(await deps.store.claims.take(claim, 'approval', at, APPROVAL_CLAIM_TTL_SECONDS))) {
    return { kind: 'ignored', reason: 'approval is being handled by another invocation' };
  }
  try {
    const result =
      existing?.approvalId === event.changelogId
        ? await finishOpening(deps, existing, null)
        : await approveClaimed(deps, event, existing, now);
    // Marked before the entry goes, so that neither the sweep nor the daily watch's look at Jira takes it up again.
    await deps.store.approvals.markHandled(event.issueKey, event.changelogId, at);
    await deps.store.approvals.remove(event.issueKey, event.changelogId);
    return result;
  } catch (error) {
    // Free the claim so Forge's retry of this event (the trigger answers InvocationError) can take it at once
    // instead of waiting for it to lapse. Once the case is recorded, the retry stops at the approvalId check.
    await deps.store.claims.release(claim).catch(() => undefined);
    throw error;
  }
}

function pendingApproval(event: ApprovalEvent, receivedAt: string): PendingApproval {
  return {
    ticketKey: event.issueKey,
    changelogId: event.changelogId,
    toStatus: event.toStatus,
    receivedAt,
    sweepFailures: 0,
  };
}

async function approveClaimed(
  deps: AppDeps,
  event: ApprovalEvent,
  existing: CaseRecord | undefined,
  now: Date,
): Promise<ApprovalResult> {
  const { settings } = deps;
  const at = now.toISOString();

  const today = formatISO(now, { representation: 'date' });
  // The transitions come with this read: whatever this approval ends in moves the ticket on from the status
  // read here, so the move needs no second read of the ticket (src/jira/app-jira.ts reads again if it moved).
  const { issue, read } = await readTicketSubject(deps, event.issueKey, {
    alsoFields: ['status', 'reporter', 'project', 'issuetype'],
    withTransitions: true,
    today,
  });
  const projectKey = readPath(issue.fields, ['project', 'key']);
  const issueType = readPath(issue.fields, ['issuetype', 'name']);
  if (
    !projectKey ||
    !settings.projectKeys.includes(projectKey) ||
    !issueType ||
    !settings.issueTypes.includes(issueType)
  ) {
    return { kind: 'ignored', reason: 'not a configured DSAR project or issue type' };
  }
  // Events may arrive out of order: act only if the ticket is still approved now.
  if (readPath(issue.fields, ['status', 'name']) !== settings.statuses.approved) {
    return { kind: 'ignored', reason: 'the ticket has left the approval status since this event' };
  }
  if (existing && existing.phase === 'open')
    return { kind: 'ignored', reason: 'erasure already running for this ticket' };

  const problems = [
    ...read.problems,
    ...(await approverProblems(
      deps,
      projectKey,
      event.actorAccountId,
      readPath(issue.fields, ['reporter', 'accountId']),
    )),
  ];
  const subject = read.subject;
  const applicable = subject ? await applicableProviders(deps, subject, problems) : [];

  if (problems.length > 0 || !subject || !read.receivedOn) {
    await deps.store.audit.append(event.issueKey, [{ at, kind: 'validation_failed', data: { problems } }]);
    await deps.jira.addComment(event.issueKey, validationFailedComment(problems));
    // A workflow without the status: the ticket says what to add instead of the approval failing over and over.
    await moveTicketOrExplain(
      deps,
      event.issueKey,
      settings.statuses.needsAttention,
      'the ticket stays where it is; nothing was sent to any provider',
      issue,
    );
    return { kind: 'rejected', problems };
  }

  if (existing) {
    // A re-approval of a settled case resumes only what did not succeed; nothing already erased is redone.
    // Identifiers a person corrected since (a mistyped Amiqus client id, say) are what this approval covers.
    const fingerprint = subjectFingerprint(event.issueKey, subject);
    const resumed = await resumeJobs(deps, existing, event.actorAccountId, {
      approvalId: event.changelogId,
      ...(fingerprint === existing.subjectFingerprint
        ? {}
        : { subject: { fingerprint, identifierKinds: identifierKinds(subject) } }),
    });
    if (resumed.length === 0) {
      // Say why instead of leaving the ticket in the approval status with nothing happening.
      const jobs = await deps.store.jobs.listForCase(event.issueKey);
      const waiting = existing.phase === 'pending_downstream';
      const status = waiting
        ? settings.statuses.pendingDownstream
        : caseStateOf(jobs) === 'done'
          ? settings.statuses.done
          : settings.statuses.blocked;
      await deps.jira.addComment(
        event.issueKey,
        reapprovalNothingToDoComment(
          status,
          retryNeedsSupportCase(jobs),
          waiting ? unconfirmedSystems(existing.downstream) : [],
        ),
      );
      await moveToClosingStatus(deps, event.issueKey, status, waiting, issue);
    }
    return { kind: 'resumed', providers: resumed };
  }
  return startCase(deps, { event, issue, projectKey, subject, receivedOn: read.receivedOn, applicable, at, today });
}

async function startCase(
  deps: AppDeps,
  input: {
    event: ApprovalEvent;
    issue: IssueSnapshot;
    projectKey: string;
    subject: Subject;
    receivedOn: string;
    applicable: ProviderId[];
    at: string;
    today: string;
  },
): Promise<ApprovalResult> {
  const { event, subject, at, settings } = { ...input, settings: deps.settings };
  const deadline = computeDeadline(input.receivedOn, settings.deadline, []);
  const fingerprint = subjectFingerprint(event.issueKey, subject);
  const holds = legalHoldsFor(subject, await deps.store.holds.list(), input.today);
  const held = withheldProviders(holds.active, input.applicable);

  const record: CaseRecord = {
    ticketKey: event.issueKey,
    projectKey: input.projectKey,
    phase: 'open',
    round: 1,
    approvedBy: event.actorAccountId,
    approvedAt: at,
    approvalId: event.changelogId,
    subjectFingerprint: fingerprint,
    identifierKinds: identifierKinds(subject),
    receivedOn: input.receivedOn,
    dueOn: deadline.due,
    extensions: [],
    downstream: settings.downstreamSystems.map((system) => ({
      system,
      confirmedBy: null,
      confirmedAt: null,
      note: null,
    })),
    finalization: unstartedFinalization(0),
    deadlineWarning: 'none',
    opening: {
      providers: input.applicable,
      holds: holds.active.map((h) => h.id),
      held: [...held].map(([provider, hold]) => ({ provider, holdId: hold.id })),
    },
    version: 0,
  };
  if (!(await deps.store.cases.create(record)))
    return { kind: 'ignored', reason: 'case already recorded by another invocation' };
  return finishOpening(deps, record, { issue: input.issue, holds: holds.active, held });
}

/**
 * Everything the approval owes once its case is recorded: the audit entries, one job per provider, the
 * fan-out, the status move and the start comment, then the case's `opening` is cleared. Run again after a
 * crash (`known` null: from the case record and the hold register) it redoes only what is missing: audit
 * entries are appended if absent (they carry the approval's time), a job that exists is kept, a repeated
 * queue event finds its job already under way, and the start comment is posted unless the ticket has it.
 */
async function finishOpening(
  deps: AppDeps,
  record: CaseRecord,
  known: { issue: IssueSnapshot; holds: LegalHold[]; held: Map<ProviderId, LegalHold> } | null,
): Promise<ApprovalResult> {
  const { opening } = record;
  if (!opening) return { kind: 'ignored', reason: 'approval already handled' };
  const { settings } = deps;
  const at = record.approvedAt;
  const key = record.ticketKey;
  // A hold released since the crash is gone from the register: the provider is no longer withheld.
  const holds = known?.holds ?? (opening.holds.length > 0 ? await deps.store.holds.list() : []);
  const byId = (id: string) => holds.find((h) => h.id === id);
  const activeHolds = opening.holds.map(byId).filter((h): h is LegalHold => h !== undefined);
  const held =
    known?.held ??
    new Map(
      opening.held.flatMap(({ provider, holdId }) => {
        const hold = byId(holdId);
        return hold ? [[provider, hold] as const] : [];
      }),
    );
  const appendAudit = (inputs: AuditEventInput[]) =>
    known ? deps.store.audit.append(key, inputs) : deps.store.audit.appendMissing(key, inputs);

  await appendAudit([
    { at, kind: 'case_opened', data: { source: 'jira', receivedOn: record.receivedOn } },
    {
      at,
      kind: 'subject_recorded',
      data: { fingerprint: record.subjectFingerprint, identifierKinds: record.identifierKinds },
    },
    { at, kind: 'approved', data: { by: record.approvedBy, fourEyes: settings.approval.forbidReporter } },
    {
      at,
      kind: 'deadline_set',
      data: { rule: settings.deadline.rule, receivedOn: record.receivedOn, due: record.dueOn },
    },
    ...activeHolds.map((h) => ({
      at,
      kind: 'legal_hold_applied' as const,
      data: {
        holdId: h.id,
        reason: h.reason,
        expiresOn: h.expiresOn,
        providers: h.providers === 'all' ? [...PROVIDERS] : h.providers,
      },
    })),
    ...(record.downstream.length > 0
      ? [{ at, kind: 'downstream_listed' as const, data: { systems: record.downstream.map((d) => d.system) } }]
      : []),
    ...opening.providers.map((provider) => ({ at, kind: 'job_planned' as const, data: { provider, attempt: 1 } })),
  ]);

  const messages: JobMessage[] = [];
  const started: ProviderId[] = [];
  for (const provider of opening.providers) {
    const hold = held.get(provider);
    // A provider that takes many subjects per job gets this one in its next shared job (made by the poll).
    const shared = !hold && (await deps.provider(provider))?.batching !== undefined;
    const planned = newJob(key, provider, at);
    const withheld = hold
      ? applyJobEvent(
          planned,
          { type: 'legal_hold', holdId: hold.id, reason: hold.reason, expiresOn: hold.expiresOn },
          at,
        )
      : null;
    const job = planAttempt(withheld?.job ?? planned, at);
    await deps.store.jobs.create(shared ? { ...job, batchEnrolled: true, nextPollAt: Date.parse(at) } : job);
    if (withheld) {
      await appendAudit([withheld.audit]);
    } else {
      started.push(provider);
      if (!shared) messages.push({ ticketKey: key, provider, attempt: 1 });
    }
  }
  if (messages.length > 0) await pushOrLeaveForPoll(deps, messages);
  if (settings.statuses.inProgress) await deps.jira.transitionTo(key, settings.statuses.inProgress, known?.issue);
  // Finishing after a crash: the start comment may have gone out just before it (posted since the approval).
  if (known || !(await deps.jira.hasComment(key, APPROVAL_STARTED, at))) {
    await deps.jira.addComment(
      key,
      approvalStartedComment(
        opening.providers,
        [...held.keys()],
        record.dueOn,
        record.downstream.map((d) => d.system),
      ),
    );
  }
  await clearOpening(deps, key);
  deps.log.info('erasure started', { ticket: key, jobs: started.length, held: held.size, resumed: !known });
  if (started.length === 0) await finalizeIfSettled(deps, key);
  return { kind: 'started', providers: started, held: [...held.keys()] };
}

/** The opening is done: the case may close once its jobs settle (src/app/finalize.ts waits for this). */
async function clearOpening(deps: AppDeps, ticketKey: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const current = await deps.store.cases.get(ticketKey);
    if (!current?.opening) return;
    try {
      await deps.store.cases.update({ ...current, opening: undefined });
      return;
    } catch (error) {
      // A job's first step may write the case meanwhile; read it again.
      if (!(error instanceof ConcurrentUpdate) || attempt >= 5) throw error;
    }
  }
}

async function approverProblems(
  deps: AppDeps,
  projectKey: string,
  actor: string,
  reporter: string | null,
): Promise<FieldProblem[]> {
  const { approval } = deps.settings;
  const problems: FieldProblem[] = [];
  if (approval.forbidReporter && reporter !== null && reporter === actor) {
    problems.push({
      field: 'approver',
      message:
        'the person who raised the request cannot approve it (four-eyes rule); another privacy officer must approve',
    });
  }
  let officer: boolean;
  try {
    officer = await isPrivacyOfficer(deps, projectKey, actor);
  } catch (error) {
    // The site's permission scheme decides what the app may look up: say what to change, do not fail the trigger.
    if (!(error instanceof JiraLookupForbidden)) throw error;
    problems.push({ field: 'approver', message: `the approver's rights could not be checked: ${error.message}` });
    return problems;
  }
  if (!officer) {
    const who = [
      approval.projectRole ? `the "${approval.projectRole}" project role` : null,
      approval.groups.length ? `the group(s) ${approval.groups.join(', ')}` : null,
    ]
      .filter(Boolean)
      .join(' or ');
    problems.push({
      field: 'approver',
      message: `the approver is not allowed to approve erasures: only members of ${who}`,
    });
  }
  return problems;
}

async function applicableProviders(deps: AppDeps, subject: Subject, problems: FieldProblem[]): Promise<ProviderId[]> {
  const applicable: ProviderId[] = [];
  for (const id of PROVIDERS) {
    if (!deps.settings.providers[id].enabled) continue;
    const provider = await deps.provider(id);
    const description = PROVIDER_DESCRIPTIONS[id];
    if (provider === undefined) {
      if ((await deps.store.secrets.get(id)) === undefined && namesRecordAt(description, subject)) {
        problems.push({
          field: id,
          message: `the ${id} credentials are not configured (admin page), so this subject cannot be erased there`,
        });
      }
      continue;
    }
    if (appliesTo(description, subject)) applicable.push(id);
  }
  if (applicable.length === 0 && problems.length === 0) {
    problems.push({ field: 'subject', message: 'no enabled provider can erase by the identifiers given' });
  }
  return applicable;
}

function readPath(value: unknown, path: string[]): string | null {
  let cur: unknown = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === 'string' ? cur : null;
}
