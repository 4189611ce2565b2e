import { DEMO_SCENARIOS } from '../../sandbox/demo/scenarios';
import { DEMO_USERS } from '../../sandbox/jira/demo-seed';
import { startWorld, type World } from '../../sandbox/world';

/**
 * An approval whose issue-updated event never reached the app (Forge lost it, or the trigger died before its
 * first step): the daily deadline watch finds the ticket in Approved with nothing running, reads who moved it
 * there from the ticket's changelog, and the status poll handles the approval as if its event had arrived.
 */

const amiqusOnly = DEMO_SCENARIOS.find((s) => s.id === 'amiqus-only');
if (!amiqusOnly) throw new Error('the demo lost its amiqus-only scenario');
const DAY = 86_400_000;
const officer = DEMO_USERS.officer.accountId;

describe('an approval whose event was lost', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, 120_000);
  afterAll(() => world.close());

  const comments = (ticket: string) => world.jira.state.issues.get(ticket)?.comments.map((c) => c.text) ?? [];
  const status = (ticket: string) => world.jira.state.issues.get(ticket)?.status;

  it('is found on the ticket by the daily watch and handled once, by the officer who moved it', async () => {
    const ticket = world.openTicket(amiqusOnly);
    await world.move(ticket, 'Verifying identity', officer);
    await world.move(ticket, 'Approved', officer);
    world.jira.state.pending.splice(0);

    // Every provider erased; the demo's downstream systems are the officer's to confirm.
    expect(await world.runUntil(() => status(ticket) === 'Pending downstream', 2 * DAY)).toBe(true);
    expect(world.amiqus.ledger.count('delete_client', String(amiqusOnly.subject.amiqusClientId))).toBe(1);
    expect(comments(ticket).filter((c) => c.startsWith('Erasure started'))).toHaveLength(1);
    // Nothing takes it up again on the following days.
    await world.runUntil(() => false, 2 * DAY, 6 * 3_600_000);
    expect(comments(ticket).filter((c) => c.startsWith('Erasure started'))).toHaveLength(1);
    expect(world.amiqus.ledger.count('delete_client', String(amiqusOnly.subject.amiqusClientId))).toBe(1);
  }, 120_000);

  it('is refused once, with one comment, however many days the ticket then stays in Approved', async () => {
    const ticket = world.openTicket(amiqusOnly);
    await world.move(ticket, 'Verifying identity', officer);
    // The person who raised the request approves it (four-eyes rule), in a workflow with no "Needs attention".
    await world.move(ticket, 'Approved', DEMO_USERS.requester.accountId);
    world.jira.state.pending.splice(0);
    const statuses = world.jira.state.statuses;
    world.jira.state.statuses = statuses.filter((s) => s !== 'Needs attention');
    try {
      expect(
        await world.runUntil(() => comments(ticket).some((c) => c.startsWith('Erasure not started')), 2 * DAY),
      ).toBe(true);
      await world.runUntil(() => false, 3 * DAY, 6 * 3_600_000);
    } finally {
      world.jira.state.statuses = statuses;
    }
    expect(status(ticket)).toBe('Approved');
    expect(comments(ticket).filter((c) => c.startsWith('Erasure not started'))).toHaveLength(1);
    expect(comments(ticket).filter((c) => c.includes('Needs attention'))).not.toHaveLength(0);
  }, 120_000);
});
