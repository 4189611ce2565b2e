import { formatISO } from 'date-fns';
import { subjectFromFields, type TicketSubject } from './dsar-fields';
import type { AppDeps, IssueSnapshot } from './ports';

/**
 * Reads a DSAR ticket's data subject through the configured field mapping: the one way approval, the job
 * worker and the preview see the ticket. `alsoFields` are fetched in the same call (approval needs status,
 * reporter, project and issue type, and the transitions out of the status it moves the ticket from);
 * `today` judges the dates, defaulting to the injected clock.
 */
export async function readTicketSubject(
  deps: Pick<AppDeps, 'jira' | 'settings' | 'now'>,
  ticketKey: string,
  options: { alsoFields?: string[]; withTransitions?: boolean; today?: string } = {},
): Promise<{ issue: IssueSnapshot; read: TicketSubject }> {
  const mapping = deps.settings.fields;
  const mapped = Object.values(mapping).filter((v): v is string => !!v);
  const issue = await deps.jira.getIssue(ticketKey, [...(options.alsoFields ?? []), ...mapped], {
    withTransitions: options.withTransitions ?? false,
  });
  const today = options.today ?? formatISO(deps.now(), { representation: 'date' });
  return { issue, read: subjectFromFields(issue.fields, mapping, today) };
}
