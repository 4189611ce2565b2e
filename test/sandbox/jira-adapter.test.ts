import { join } from 'node:path';
import { createAppJira } from '../../src/jira/app-jira';
import { DEMO_USERS, createDemoState } from '../../sandbox/jira/demo-seed';
import { type JiraEmulator, startJiraEmulator } from '../../sandbox/jira/server';
import { ForgePlatform } from '../../sandbox/forge/runtime';
import { createVirtualClock } from '../../sandbox/virtual-date';

/**
 * The app's Jira adapter (src/jira/app-jira.ts) on the real `@forge/api`, behind the Forge runtime emulator,
 * against the Jira emulator: how many requests a transition costs, and that a transition planned from an
 * earlier read never moves a ticket a person has moved since.
 */

const REPO_ROOT = join(__dirname, '..', '..');
const START = Date.parse('2026-11-25T09:00:00Z');

let jira: JiraEmulator;
let platform: ForgePlatform;

beforeEach(async () => {
  jira = await startJiraEmulator(createDemoState(() => new Date(START)));
  platform = new ForgePlatform({
    repoRoot: REPO_ROOT,
    jiraBaseUrl: jira.url,
    clock: createVirtualClock(START),
  }).install();
});

afterEach(async () => {
  platform.uninstall();
  await jira.close();
});

function ticketIn(status: string): string {
  const issue = jira.state.createIssue({
    projectKey: 'DSAR',
    issueType: 'DSAR request',
    summary: 'Transition me',
    reporter: DEMO_USERS.requester.accountId,
    fields: {},
  });
  if (status !== issue.status) jira.state.transition(issue, status, DEMO_USERS.officer.accountId);
  return issue.key;
}

/** What the app asked Jira since `from`, as "METHOD path?query-less" lines. */
const requestsSince = (from: number) =>
  jira.exchanges.slice(from).map((e) => `${e.method} ${e.path.replace(/DSAR-\d+/, '{key}')} ${e.status}`);

describe('the Jira adapter: transitions', () => {
  it('reads the status and its transitions in one request, then makes the transition', async () => {
    const key = ticketIn('Erasure in progress');
    const from = jira.exchanges.length;

    expect(await createAppJira().transitionTo(key, 'Done')).toBe('transitioned');

    expect(requestsSince(from)).toEqual([
      'GET /rest/api/3/issue/{key} 200',
      'POST /rest/api/3/issue/{key}/transitions 204',
    ]);
    expect(jira.state.issues.get(key)?.status).toBe('Done');
  });

  it('leaves a ticket that is already in the status alone, after one read', async () => {
    const key = ticketIn('Done');
    const from = jira.exchanges.length;

    expect(await createAppJira().transitionTo(key, 'Done')).toBe('already_in_status');

    expect(requestsSince(from)).toEqual(['GET /rest/api/3/issue/{key} 200']);
  });

  it('moves a ticket from a read made moments before with one request', async () => {
    const key = ticketIn('Approved');
    const appJira = createAppJira();
    const seen = await appJira.getIssue(key, ['status'], { withTransitions: true });
    const from = jira.exchanges.length;

    expect(await appJira.transitionTo(key, 'Erasure in progress', seen)).toBe('transitioned');

    expect(requestsSince(from)).toEqual(['POST /rest/api/3/issue/{key}/transitions 204']);
    expect(jira.state.issues.get(key)?.status).toBe('Erasure in progress');
  });

  it('reads the ticket again when a person moved it after that read, and does not move it twice', async () => {
    const key = ticketIn('Approved');
    const appJira = createAppJira();
    const seen = await appJira.getIssue(key, ['status'], { withTransitions: true });
    const issue = jira.state.issues.get(key);
    if (!issue) throw new Error('no ticket');
    jira.state.transition(issue, 'Erasure in progress', DEMO_USERS.officer.accountId);
    const from = jira.exchanges.length;

    expect(await appJira.transitionTo(key, 'Erasure in progress', seen)).toBe('already_in_status');

    // Jira refuses the transition the earlier read offered; the fresh read shows the ticket is there already.
    expect(requestsSince(from)).toEqual([
      'POST /rest/api/3/issue/{key}/transitions 400',
      'GET /rest/api/3/issue/{key} 200',
    ]);
    expect(issue.status).toBe('Erasure in progress');
  });
});
