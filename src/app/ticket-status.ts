import { statusUnavailableComment } from './comments';
import { type AppDeps, type IssueSnapshot, JiraTransitionUnavailable } from './ports';

/**
 * Moves the ticket to `status` where the workflow allows it. Where it has no transition there, the ticket
 * says what to add (and `meanwhile`, what happens instead) and the use case carries on: the case's state is
 * kept in storage, so nothing waits on the ticket's status and nothing is lost.
 */
export async function moveTicketOrExplain(
  deps: Pick<AppDeps, 'jira' | 'log'>,
  ticketKey: string,
  status: string,
  meanwhile: string,
  /** A read of the ticket made moments ago, with its transitions, to spare Jira another (JiraPort.transitionTo). */
  seen?: IssueSnapshot,
): Promise<'moved' | 'explained'> {
  try {
    await deps.jira.transitionTo(ticketKey, status, seen);
    return 'moved';
  } catch (error) {
    if (!(error instanceof JiraTransitionUnavailable)) throw error;
    deps.log.warn('status not reachable in the workflow', { ticket: ticketKey, status });
    await deps.jira.addComment(ticketKey, statusUnavailableComment(status, error.available, meanwhile));
    return 'explained';
  }
}

/**
 * Moves a settled ticket to its closing status. The pending-downstream status is one a site's workflow may
 * lack (the case then waits where the ticket is, and the ticket says so); the others are required settings.
 */
export async function moveToClosingStatus(
  deps: Pick<AppDeps, 'jira' | 'log'>,
  ticketKey: string,
  status: string,
  waitingOnDownstream: boolean,
  seen?: IssueSnapshot,
): Promise<void> {
  if (!waitingOnDownstream) {
    await deps.jira.transitionTo(ticketKey, status, seen);
    return;
  }
  await moveTicketOrExplain(
    deps,
    ticketKey,
    status,
    'Meanwhile the ticket stays where it is; confirm each downstream system on the Erasure Desk panel and it moves to Done after the last.',
    seen,
  );
}
