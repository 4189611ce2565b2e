import { runScenarios } from '../../sandbox/demo/run';
import { DEMO_SCENARIOS } from '../../sandbox/demo/scenarios';
import { createDemoState, DEMO_USERS } from '../../sandbox/jira/demo-seed';
import { jiraOperation } from '../../sandbox/jira/scopes';
import { type JiraEmulator, startJiraEmulator } from '../../sandbox/jira/server';
import { ADMIN_ACCOUNT, startWorld, type World } from '../../sandbox/world';
import { OpenApiContract } from './openapi-contract';

/**
 * Every answer the Jira emulator gave while the app ran its workflows (all demo scenarios, the panel, the
 * admin page, intake) validates against Jira's own OpenAPI file, on success and error paths alike; and the
 * emulator authorises each call against the scopes the app was installed with, as Jira does.
 */

describe('the Jira emulator against jira-platform-openapi.json', () => {
  let world: World;
  let contract: OpenApiContract;

  beforeAll(async () => {
    contract = await OpenApiContract.load('jira-platform-openapi.json');
    world = await startWorld();
    await runScenarios(world, DEMO_SCENARIOS);
    const ticket = [...world.jira.state.issues.keys()][0] as string;
    for (const accountId of [
      DEMO_USERS.officer.accountId,
      DEMO_USERS.outsider.accountId,
      DEMO_USERS.requester.accountId,
    ]) {
      await world.platform.invokeResolver('erasure-desk-panel', 'getView', {}, { accountId, issueKey: ticket });
      await world.platform.invokeResolver('erasure-desk-panel', 'previewStatus', {}, { accountId, issueKey: ticket });
    }
    for (const accountId of [ADMIN_ACCOUNT, DEMO_USERS.officer.accountId])
      await world.platform.invokeResolver('erasure-desk-admin', 'getSecretStatus', {}, { accountId });
    // An approval whose event never arrives: the deadline watch reads the ticket's changelog to find it.
    const refused = [...world.jira.state.issues.values()].find((i) => i.status === 'Needs attention');
    if (!refused) throw new Error('the demo left no ticket needing attention');
    await world.move(refused.key, 'Approved', DEMO_USERS.officer.accountId);
    world.jira.state.pending.splice(0);
    // Intake (search, create, issue property) and the deadline watch's labels, a month on.
    world.amiqus.seedClient({
      id: 91001,
      firstName: 'Ira',
      lastName: 'Due',
      email: 'ira.due@example.org',
      deletionInDays: 0,
    });
    await world.runUntil(() => false, 32 * 86_400_000, 12 * 3_600_000);
  }, 300_000);
  afterAll(() => world.close());

  it('answers every call the app made with a status and body Jira’s spec declares', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const e of world.jira.exchanges) {
      const op = jiraOperation(e.method, e.path);
      if (!op) {
        problems.push(`${e.method} ${e.path}: no operation in the spec`);
        continue;
      }
      if (!contract.declares(e.method, op.template, e.status)) {
        problems.push(`${e.method} ${op.template} ${e.status}: status not declared`);
        continue;
      }
      // Many operations declare an error status without its body; Jira answers every error with its
      // ErrorCollection (https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes).
      const undeclaredErrorBody =
        e.status >= 400 && contract.responseSchema(e.method, op.template, e.status) === undefined;
      const result = undeclaredErrorBody
        ? contract.checkComponent('ErrorCollection', e.body)
        : contract.check({ method: e.method, pathTemplate: op.template, status: e.status, body: e.body });
      checked += 1;
      if (!result.ok) problems.push(`${e.method} ${op.template} ${e.status}: ${result.errors.slice(0, 3).join('; ')}`);
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(100);
    // The operations the app uses, each seen at least once.
    const seen = new Set(world.jira.exchanges.map((e) => jiraOperation(e.method, e.path)?.operationId));
    for (const op of [
      'getIssue',
      'createIssue',
      'addComment',
      'addAttachment',
      'doTransition',
      'getProjectRoles',
      'getProjectRole',
      'getMyPermissions',
      'getCurrentUser',
      'searchAndReconsileIssuesUsingJqlPost',
      'setIssueProperty',
      'getChangeLogs',
    ]) {
      expect(seen).toContain(op);
    }
  });
});

describe('the Jira emulator’s scope check', () => {
  let jira: JiraEmulator;
  afterEach(() => jira.close());

  it('refuses a call whose operation needs a scope the app was not installed with (401, as Jira does)', async () => {
    const state = createDemoState(() => new Date('2026-11-25T09:00:00Z'));
    jira = await startJiraEmulator(state, { scopes: ['read:jira-work'] });
    const issue = state.createIssue({
      projectKey: 'DSAR',
      issueType: 'DSAR request',
      summary: 'x',
      reporter: DEMO_USERS.requester.accountId,
      fields: {},
    });
    const headers = { 'x-sandbox-actor': 'app', 'content-type': 'application/json' };
    const read = await fetch(`${jira.url}/rest/api/3/issue/${issue.key}`, { headers });
    const write = await fetch(`${jira.url}/rest/api/3/issue/${issue.key}/comment`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ body: { type: 'doc', version: 1, content: [] } }),
    });
    const groups = await fetch(`${jira.url}/rest/api/3/user/groups?accountId=${DEMO_USERS.officer.accountId}`, {
      headers,
    });
    expect([read.status, write.status, groups.status]).toEqual([200, 401, 401]);
    expect(await write.json()).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
    expect(state.issues.get(issue.key)?.comments).toEqual([]);
  });

  it('shows a user only what their permissions allow: a project they cannot browse is a 404, another user’s rights a 403', async () => {
    const state = createDemoState(() => new Date('2026-11-25T09:00:00Z'));
    jira = await startJiraEmulator(state);
    const issue = state.createIssue({
      projectKey: 'DSAR',
      issueType: 'DSAR request',
      summary: 'x',
      reporter: DEMO_USERS.requester.accountId,
      fields: {},
    });
    const as = (actor: string) => ({ 'x-sandbox-actor': actor, 'content-type': 'application/json' });
    expect(
      (await fetch(`${jira.url}/rest/api/3/issue/${issue.key}`, { headers: as(DEMO_USERS.outsider.accountId) })).status,
    ).toBe(404);
    const check = await fetch(`${jira.url}/rest/api/3/permissions/check`, {
      method: 'POST',
      headers: as('app'),
      body: JSON.stringify({ accountId: DEMO_USERS.officer.accountId, globalPermissions: ['ADMINISTER'] }),
    });
    expect(check.status).toBe(403);
    state.appGrants.administerProjects = false;
    expect((await fetch(`${jira.url}/rest/api/3/project/DSAR/role`, { headers: as('app') })).status).toBe(403);
    const mine = await fetch(`${jira.url}/rest/api/3/mypermissions?permissions=ADMINISTER`, {
      headers: as(DEMO_USERS.officer.accountId),
    });
    expect(
      ((await mine.json()) as { permissions: { ADMINISTER: { havePermission: boolean } } }).permissions.ADMINISTER
        .havePermission,
    ).toBe(false);
  });
});
