import type { Settings } from '../../src/core/settings';
import { runScenarios } from '../../sandbox/demo/run';
import { DEMO_SCENARIOS, type Scenario } from '../../sandbox/demo/scenarios';
import { DEMO_USERS } from '../../sandbox/jira/demo-seed';
import { APP_ACCOUNT_ID } from '../../sandbox/jira/state';
import { TERMINAL_STATUSES, startWorld, type World } from '../../sandbox/world';

/**
 * What one erasure costs in Jira requests, counted where the Forge runtime emulator hands the app's
 * `requestJira` calls to the Jira emulator, for the production handlers end to end (approval, the queue
 * workers, the status poll, the closing). The bound is the figure the README quotes for one all-three
 * erasure; a change that reads or comments more than it must fails here. The same bound holds when Forge
 * delivers every event twice, and then nothing is said or moved twice either.
 *
 * Per erasure: the approval reads the ticket (with its transitions), looks up the approver's groups, moves
 * the ticket and comments; the Amiqus and Genesys workers and the Ada shared job read the ticket right before
 * their provider call; Amiqus and Genesys each comment when they settle; the closing attaches the record,
 * comments with Ada's outcome, reads the status and moves the ticket.
 */

const MAX_JIRA_CALLS_PER_ERASURE = 13;

/** One erasure, no officer's work: without downstream systems its ticket goes straight to Done, as the bench's. */
const erasureOnly = { settings: (base: Partial<Settings>) => ({ ...base, downstreamSystems: [] }) };

const allThree = DEMO_SCENARIOS.find((s) => s.id === 'all-three') as Scenario;

type Counts = Record<string, number>;
const callsSince = (world: World, before: Map<string, number>): Counts =>
  Object.fromEntries(
    [...world.platform.jiraCalls]
      .map(([endpoint, n]) => [endpoint, n - (before.get(endpoint) ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
const total = (counts: Counts) => Object.values(counts).reduce((a, b) => a + b, 0);

function expectWithinBound(calls: Counts): void {
  expect(total(calls)).toBeLessThanOrEqual(MAX_JIRA_CALLS_PER_ERASURE);
  // The approval, the three reads before a provider call, and the status read before the closing transition.
  expect(calls['GET /rest/api/3/issue/{id}']).toBeLessThanOrEqual(5);
  // Erasure started, Amiqus, Genesys Cloud, and Ada's outcome with the closing.
  expect(calls['POST /rest/api/3/issue/{id}/comment']).toBeLessThanOrEqual(4);
  expect(calls['POST /rest/api/3/issue/{id}/transitions']).toBe(2);
  expect(calls['POST /rest/api/3/issue/{id}/attachments']).toBe(1);
  // Transitions come with the issue read; the officer is in an approval group, so no role look-up is needed.
  expect(calls['GET /rest/api/3/issue/{id}/transitions']).toBeUndefined();
  expect(calls['GET /rest/api/3/project/DSAR/role']).toBeUndefined();
}

/** What a person reads on the ticket: every provider's outcome once, the closing once, each move once. */
function expectToldOnce(world: World, ticket: string): void {
  const issue = world.jira.state.issues.get(ticket);
  const texts = issue?.comments.map((c) => c.text) ?? [];
  expect(texts.filter((t) => t.startsWith('Erasure started'))).toHaveLength(1);
  for (const provider of ['Amiqus', 'Ada', 'Genesys Cloud'])
    expect(texts.filter((t) => t.includes(`${provider}: erased\n- Result:`))).toHaveLength(1);
  const closing = texts.filter((t) => t.includes('Compliance record attached'));
  expect(closing).toHaveLength(1);
  expect(closing[0]).toContain(issue?.attachments[0]?.sha256 as string);
  expect(issue?.attachments).toHaveLength(1);
  expect(issue?.history.filter((h) => h.by === APP_ACCOUNT_ID).map((h) => h.to)).toEqual([
    'Erasure in progress',
    'Done',
  ]);
}

describe('Jira requests for one erasure at Amiqus, Ada and Genesys', () => {
  let world: World;
  afterEach(() => world.close());

  it(`makes at most ${MAX_JIRA_CALLS_PER_ERASURE}, and the ticket tells the whole story`, async () => {
    world = await startWorld(erasureOnly);
    const before = new Map(world.platform.jiraCalls);

    const [result] = await runScenarios(world, [allThree]);

    expect(result?.status).toBe('Done');
    expectWithinBound(callsSince(world, before));
    expectToldOnce(world, result?.ticket as string);
  });

  it('makes no more when the approval event and every queue event are delivered twice, and says nothing twice', async () => {
    world = await startWorld({ ...erasureOnly, duplicateDelivery: true });
    const before = new Map(world.platform.jiraCalls);
    const ticket = world.openTicket(allThree);
    await world.move(ticket, 'Verifying identity', DEMO_USERS.officer.accountId);
    await world.move(ticket, 'Approved', DEMO_USERS.officer.accountId);
    const approval = world.jira.state.pending.find((e) => e.eventType === 'avi:jira:updated:issue');
    if (!approval) throw new Error('no approval event');
    await world.platform.deliverProductEvent(approval.eventType, approval.payload, { causedByApp: false });

    await world.runUntil(
      () =>
        TERMINAL_STATUSES.includes(world.jira.state.issues.get(ticket)?.status ?? '') &&
        world.platform.pendingEvents() === 0,
      86_400_000,
    );

    expect(world.jira.state.issues.get(ticket)?.status).toBe('Done');
    expectWithinBound(callsSince(world, before));
    expectToldOnce(world, ticket);
  });
});
