import { formatISO } from 'date-fns';
import type { AmiqusDirectory, DueClient } from '../providers/port';
import { amiqusReminderComment, amiqusTicketOpenedComment } from './comments';
import type { AppDeps, IntakeJira } from './ports';

/**
 * Use case: Amiqus says a client is due for deletion (scheduled poll of `today` + `overdue`, or the
 * `client.deletion_reminder_due` webhook). Opens one DSAR ticket per Amiqus client, or notes the reminder on
 * the ticket that already exists, however many times and by whichever route the news arrives.
 */

export type IntakeResult =
  | { kind: 'created'; ticketKey: string }
  | { kind: 'updated'; ticketKey: string }
  | { kind: 'unchanged'; ticketKey: string | null };

export const INTAKE_PROPERTY = 'erasureDesk';

export async function intakeDueClient(
  deps: AppDeps,
  jira: IntakeJira,
  client: DueClient,
  source: 'poll' | 'webhook',
): Promise<IntakeResult> {
  const today = formatISO(deps.now(), { representation: 'date' });
  const existing = await findTicket(deps, jira, client.id);
  if (existing) {
    // One note per client per day, whichever route (poll or webhook) brings the reminder first.
    if (
      !(await deps.store.claims.take(
        { kind: 'amiqus-reminder', clientId: client.id, day: today },
        source,
        deps.now().toISOString(),
        2 * 86_400,
      ))
    ) {
      return { kind: 'unchanged', ticketKey: existing };
    }
    await deps.jira.addComment(existing, amiqusReminderComment(client, source));
    return { kind: 'updated', ticketKey: existing };
  }
  if (
    !(await deps.store.claims.take(
      { kind: 'amiqus-intake', clientId: client.id },
      source,
      deps.now().toISOString(),
      10 * 60,
    ))
  ) {
    return { kind: 'unchanged', ticketKey: null };
  }
  const { intake, fields } = deps.settings;
  const issueFields: Record<string, unknown> = {};
  if (fields.amiqusClientId) issueFields[fields.amiqusClientId] = client.id;
  if (fields.email && client.email) issueFields[fields.email] = client.email;
  if (fields.fullName && client.fullName) issueFields[fields.fullName] = client.fullName;
  const created = await jira.createIssue({
    projectKey: intake.projectKey,
    issueType: intake.issueType,
    // The summary is widely visible: it names the Amiqus client id, not the person.
    summary: `Erasure due at Amiqus: client ${client.id}`,
    fields: issueFields,
  });
  await jira.setIssueProperty(created.key, INTAKE_PROPERTY, { amiqusClientId: client.id });
  await deps.store.amiqusTickets.set(client.id, created.key);
  await deps.jira.addComment(created.key, amiqusTicketOpenedComment(client, source));
  return { kind: 'created', ticketKey: created.key };
}

/** The DSAR ticket opened for an Amiqus client, by the app's mapping or, failing that, Jira's issue property. */
export async function findTicket(deps: AppDeps, jira: IntakeJira, clientId: number): Promise<string | null> {
  const mapped = await deps.store.amiqusTickets.get(clientId);
  if (mapped) return mapped;
  // The mapping may be missing (ticket opened by hand, storage reset): Jira's own index is the fallback.
  const keys = await jira.searchIssueKeys(
    `project = ${deps.settings.intake.projectKey} AND issue.property[${INTAKE_PROPERTY}].amiqusClientId = ${clientId}`,
  );
  const found = keys[0] ?? null;
  if (found) await deps.store.amiqusTickets.set(clientId, found);
  return found;
}

export interface DuePollReport {
  seen: number;
  created: number;
  updated: number;
  /** The time budget ran out; clients not reached are overdue by the next run, which reads overdue first. */
  stoppedForTime: boolean;
}

/** The scheduled poll: `today` and `overdue`, so a day the poll did not run never loses a client. */
/** `budgetMs`: stop taking new clients after this long (the trigger passes what fits its Forge time limit). */
export async function pollAmiqusDue(
  deps: AppDeps,
  jira: IntakeJira,
  directory: AmiqusDirectory,
  budgetMs = Number.POSITIVE_INFINITY,
): Promise<DuePollReport> {
  const started = Date.now();
  const report: DuePollReport = { seen: 0, created: 0, updated: 0, stoppedForTime: false };
  const seen = new Set<number>();
  for (const which of ['overdue', 'today'] as const) {
    if (report.stoppedForTime) break;
    for (const client of await directory.listDue(which)) {
      if (Date.now() - started > budgetMs) {
        report.stoppedForTime = true;
        break;
      }
      if (seen.has(client.id)) continue;
      seen.add(client.id);
      const result = await intakeDueClient(deps, jira, client, 'poll');
      if (result.kind === 'created') report.created += 1;
      if (result.kind === 'updated') report.updated += 1;
    }
  }
  report.seen = seen.size;
  return report;
}
