import { DEMO_SCENARIOS, type Scenario } from '../../sandbox/demo/scenarios';
import { DEMO_USERS, DSAR_FIELDS } from '../../sandbox/jira/demo-seed';
import { TERMINAL_STATUSES, startWorld, type World } from '../../sandbox/world';
import { auditStore } from '../../src/store/audit-store';

/**
 * The workflow gaps a privacy team hits once the screens are in use, end to end through the real handlers:
 * re-approval is never a silent no-op nor a back door around the Genesys ERROR confirmation, a Genesys retry
 * records its support case, and extending the deadline follows the one rule the panel shows.
 */

const scenario = (id: string): Scenario => DEMO_SCENARIOS.find((s) => s.id === id) as Scenario;
const OFFICER = DEMO_USERS.officer.accountId;

describe('workflow gaps, end to end', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());

  const issue = (key: string) =>
    world.jira.state.issues.get(key) as NonNullable<ReturnType<World['jira']['state']['issues']['get']>>;
  const lastComment = (key: string) => issue(key).comments.at(-1)?.text ?? '';
  const panel = (fn: string, key: string, payload: unknown = {}) =>
    world.platform.invokeResolver('erasure-desk-panel', fn, payload, { accountId: OFFICER, issueKey: key }) as Promise<
      Record<string, unknown>
    >;
  const view = async (key: string) =>
    (await panel('getView', key)).view as {
      actions: { extendDeadline: boolean; retry: boolean; retryNeedsSupportCase: boolean };
    };
  const settle = (key: string) =>
    world.runUntil(
      () => TERMINAL_STATUSES.includes(issue(key).status) && world.platform.pendingEvents() === 0,
      3 * 86_400_000,
    );
  async function approve(key: string): Promise<void> {
    await world.move(key, 'Verifying identity', OFFICER);
    await world.move(key, 'Approved', OFFICER);
    await world.pump();
  }
  const records = (key: string) =>
    issue(key)
      .attachments.filter((a) => a.filename.endsWith('.json'))
      .map((a) => JSON.parse(a.bytes.toString('utf8')) as { retries: Array<Record<string, unknown>> });

  it('explains a re-approval of a Done ticket in a comment and puts it back in Done, redoing nothing', async () => {
    const key = world.openTicket(scenario('amiqus-only'));
    await approve(key);
    expect(await settle(key)).toBe(true);
    expect(issue(key).status).toBe('Done');
    await approve(key);
    expect(lastComment(key)).toContain('Approved again, but there is nothing to redo.');
    expect(lastComment(key)).toContain('goes back to Done');
    expect(issue(key).status).toBe('Done');
    expect(world.amiqus.ledger.count('delete_client', String(scenario('amiqus-only').subject.amiqusClientId))).toBe(1);
  });

  it('does not resubmit a Genesys ERROR on re-approval; the panel retry needs a support case and a confirmation, both recorded', async () => {
    const s = scenario('genesys-error');
    const key = world.openTicket(s);
    await approve(key);
    expect(await settle(key)).toBe(true);
    expect(issue(key).status).toBe('Erasure blocked');
    const contact = s.holds.genesys?.externalContactId as string;
    expect(world.genesys.ledger.count('delete_request', contact)).toBe(1);

    // Re-approving is no back door: Genesys is not asked again, and the ticket says why.
    await approve(key);
    expect(world.genesys.ledger.count('delete_request', contact)).toBe(1);
    expect(lastComment(key)).toContain(
      'Genesys Cloud ended in ERROR: resubmitting it needs a support-case reference and a confirmation',
    );
    expect(issue(key).status).toBe('Erasure blocked');

    expect((await view(key)).actions).toMatchObject({ retry: true, retryNeedsSupportCase: true });
    expect(await panel('retry', key, { genesysSupportCase: 'GEN-4711' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('confirm'),
    });
    expect(await panel('retry', key, { genesysConfirmed: true })).toMatchObject({
      ok: false,
      message: expect.stringContaining('support case'),
    });
    expect(await panel('retry', key, { genesysSupportCase: 'GEN-4711', genesysConfirmed: true })).toMatchObject({
      ok: true,
      message: 'Retry started for genesys.',
    });
    expect(lastComment(key)).toContain('support case GEN-4711');
    await world.pump();
    expect(world.genesys.ledger.count('delete_request', contact)).toBe(2);
    expect(await settle(key)).toBe(true);
    const retries = records(key).at(-1)?.retries;
    expect(retries).toEqual([
      expect.objectContaining({
        providers: ['genesys'],
        genesysSupportCase: 'GEN-4711',
        genesysPartialConfirmed: true,
      }),
    ]);
    // The record names who retried by the salted commitment the audit trail keeps; its opening is the officer.
    expect((await auditStore.openActor(String(retries?.[0]?.by)))?.accountId).toBe(OFFICER);
  });

  it('says the deadline was met only when every provider erased, held nothing or lawfully withheld in time', async () => {
    const met = async (id: string) => {
      const s = scenario(id);
      if (s.legalHold && s.subject.email) {
        await world.platform.invokeResolver(
          'erasure-desk-admin',
          'addHold',
          {
            reason: s.legalHold.reason,
            expiresOn: s.legalHold.expiresOn,
            identifiers: [{ kind: 'email', value: s.subject.email }],
            providers: s.legalHold.providers,
          },
          { accountId: '712020:jira-admin' },
        );
      }
      const key = world.openTicket(s);
      await approve(key);
      expect(await settle(key)).toBe(true);
      const recordMet = (records(key).at(-1) as unknown as { deadline: { met: boolean } }).deadline.met;
      // The panel tells the officer the same as the record: a blocked case has not met the deadline.
      const shown = (await panel('getView', key)).view as { deadline: { state: string } };
      expect(shown.deadline.state === 'met').toBe(recordMet);
      return recordMet;
    };
    expect(await met('ada-and-genesys')).toBe(true);
    expect(await met('legal-hold')).toBe(true);
    expect(await met('ada-partial')).toBe(false);
  });

  it('tracks the deadline from verified receipt on every DSAR ticket: warns before approval and keeps warning while blocked', async () => {
    const DAY = 86_400_000;
    const receivedDaysAgo = (key: string, days: number) => {
      issue(key).customFields[DSAR_FIELDS.receivedOn] = new Date(Date.now() - days * DAY).toISOString().slice(0, 10);
    };
    const waiting = world.openTicket(scenario('self-approval'));
    receivedDaysAgo(waiting, 26);
    const blocked = world.openTicket(scenario('ada-partial'));
    receivedDaysAgo(blocked, 20);
    await approve(blocked);
    expect(await settle(blocked)).toBe(true);
    expect(issue(blocked).status).toBe('Erasure blocked');
    receivedDaysAgo(blocked, 40);

    await world.platform.fireScheduledTrigger('deadline-watch-schedule');
    expect(issue(waiting).labels).toContain('gdpr-deadline-at-risk');
    expect(lastComment(waiting)).toContain('Statutory deadline approaching.');
    expect(issue(blocked).labels).toContain('gdpr-deadline-overdue');
    expect(lastComment(blocked)).toContain('Statutory deadline missed.');
    // Once per level: the next day's run does not repeat them.
    const counts = [issue(waiting).comments.length, issue(blocked).comments.length];
    await world.platform.fireScheduledTrigger('deadline-watch-schedule');
    expect([issue(waiting).comments.length, issue(blocked).comments.length]).toEqual(counts);
  });

  it('allows extending the deadline exactly when the panel offers it', async () => {
    const key = world.openTicket(scenario('all-three'));
    await approve(key);
    expect((await view(key)).actions.extendDeadline).toBe(true);
    expect(await panel('extendDeadline', key, { months: 1, reason: 'Genesys Cloud backlog this week' })).toMatchObject({
      ok: true,
    });
    expect((await view(key)).actions.extendDeadline).toBe(true);
    // One month is left of the two Art. 12(3) allows: two more is refused, one more accepted, then none is offered.
    expect(await panel('extendDeadline', key, { months: 2, reason: 'Genesys Cloud backlog this week' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('Only 1 more month'),
    });
    expect(await panel('extendDeadline', key, { months: 1, reason: 'Genesys Cloud backlog continues' })).toMatchObject({
      ok: true,
    });
    expect((await view(key)).actions.extendDeadline).toBe(false);
    expect(await panel('extendDeadline', key, { months: 1, reason: 'Genesys Cloud backlog continues' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('two months'),
    });

    const closed = world.openTicket(scenario('ada-and-genesys'));
    await approve(closed);
    expect(await settle(closed)).toBe(true);
    expect((await view(closed)).actions.extendDeadline).toBe(false);
    expect(await panel('extendDeadline', closed, { months: 1, reason: 'Too late for this one now' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('settled'),
    });
  });
});
