import { jobStore } from '../../src/store/kvs-store';
import { DEMO_SCENARIOS } from '../../sandbox/demo/scenarios';
import { DEMO_USERS } from '../../sandbox/jira/demo-seed';
import { startWorld, TERMINAL_STATUSES, type World } from '../../sandbox/world';

/**
 * Ada deduplicates a `client_reference` for 24 hours only, and fails a whole job that carries an identifier sent
 * in the previous 7 days. So a shared job whose answer was lost may be sent again under its reference within the
 * 24 hours, and never after: a resubmission then makes a second job, which fails (found by `npm run soak`,
 * seed 97: a lost answer, then no successful resubmission for 35 hours).
 */

const HOUR = 3_600_000;
const scenario = DEMO_SCENARIOS.find((s) => s.id === 'ada-and-genesys');
if (!scenario) throw new Error('the demo lost its ada-and-genesys scenario');

describe('a shared Ada job whose answer was lost', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(() => world.close());

  const adaJobsCreated = () => world.ada.ledger.entries.filter((e) => e.action === 'job_created').length;
  const settled = (ticket: string) => () =>
    TERMINAL_STATUSES.includes(world.jira.state.issues.get(ticket)?.status ?? '');

  async function approveWithAdaAnswerLost(): Promise<string> {
    const ticket = world.openTicket(scenario as NonNullable<typeof scenario>);
    // Ada makes the job and the answer never arrives; then Ada is unavailable to the retries.
    world.ada.faults.inject('POST /api/v2/end-users/delete', { kind: 'dropAfterCommit' });
    world.ada.faults.inject('POST /api/v2/end-users/delete', { kind: 'status', status: 503 }, 100_000);
    await world.move(ticket, 'Verifying identity', DEMO_USERS.officer.accountId);
    await world.move(ticket, 'Approved', DEMO_USERS.officer.accountId);
    await world.pump();
    return ticket;
  }

  /** Ada stays unavailable for `hours` (the clock jumps, as for an outage the app sleeps through), then recovers. */
  async function outage(hours: number): Promise<void> {
    await world.runUntil(() => false, 20 * 60_000);
    world.clock.advance(hours * HOUR);
    await world.runUntil(() => false, 10 * 60_000);
    world.ada.faults.clear();
  }

  it('is sent again under the same reference inside 24 hours, and Ada answers with the job it made', async () => {
    const ticket = await approveWithAdaAnswerLost();
    await outage(3);
    expect(adaJobsCreated()).toBe(1);

    expect(await world.runUntil(settled(ticket), 2 * 86_400_000)).toBe(true);
    // Every provider erased: the ticket waits for the downstream systems the sandbox lists.
    expect(world.jira.state.issues.get(ticket)?.status).toBe('Pending downstream');
    expect(adaJobsCreated()).toBe(1);
  }, 120_000);

  it('is not sent again after 24 hours: the case asks a person instead of making a second job that would fail', async () => {
    const ticket = await approveWithAdaAnswerLost();
    await outage(25);

    expect(await world.runUntil(settled(ticket), 2 * 86_400_000)).toBe(true);
    expect(adaJobsCreated()).toBe(1);
    const ada = (await jobStore.listForCase(ticket)).find((j) => j.provider === 'ada');
    expect(ada).toMatchObject({
      state: 'needs_attention',
      detail: expect.stringContaining('more than 24 hours ago'),
      nextStep: expect.stringMatching(/^Retry on or after \d{4}-\d{2}-\d{2}$/),
    });
    expect(world.jira.state.issues.get(ticket)?.status).not.toBe('Done');
  }, 120_000);
});
