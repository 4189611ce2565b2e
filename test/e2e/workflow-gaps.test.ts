import { verifyRecordFile } from '../../scripts/verify-record';
import { addScenarioHold, confirmDownstreamSystems } from '../../sandbox/demo/run';
import { DEMO_SCENARIOS, type Scenario } from '../../sandbox/demo/scenarios';
import { DEMO_USERS, DSAR_FIELDS } from '../../sandbox/jira/demo-seed';
import { TERMINAL_STATUSES, startWorld, type World } from '../../sandbox/world';
import { auditStore } from '../../src/store/audit-store';

/**
 * The workflow gaps a privacy team hits once the screens are in use, end to end through the real handlers:
 * re-approval is never a silent no-op nor a back door around the Genesys ERROR confirmation, a Genesys retry
 * records its support case, extending the deadline follows the one rule the panel shows, and a ticket is not
 * Done while downstream systems are unconfirmed.
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

  it('explains a re-approval of a Pending downstream or a Done ticket in a comment and puts it back, redoing nothing', async () => {
    const key = world.openTicket(scenario('amiqus-only'));
    await approve(key);
    expect(await settle(key)).toBe(true);
    expect(issue(key).status).toBe('Pending downstream');
    await approve(key);
    expect(lastComment(key)).toContain('Approved again, but there is nothing to redo.');
    expect(lastComment(key)).toContain('Still to confirm on the Erasure Desk panel: CRM (Salesforce), Data warehouse.');
    expect(issue(key).status).toBe('Pending downstream');

    await confirmDownstreamSystems(world, key);
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

  it('says the deadline was met only when every provider erased, held nothing or lawfully withheld, and every downstream system was confirmed, in time', async () => {
    const met = async (id: string) => {
      const s = scenario(id);
      await addScenarioHold(world, s);
      const key = world.openTicket(s);
      await approve(key);
      expect(await settle(key)).toBe(true);
      const shown = async () => ((await panel('getView', key)).view as { deadline: { state: string } }).deadline.state;
      const recordMet = () => (records(key).at(-1) as unknown as { deadline: { met: boolean | null } }).deadline.met;
      // Before the downstream systems are confirmed, nothing is met: the record cannot say yet, the clock runs on.
      const before = recordMet();
      expect(before === true).toBe(false);
      expect(await shown()).not.toBe('met');
      await confirmDownstreamSystems(world, key);
      // The last confirmation re-issues the record; the panel tells the officer the same as the record.
      expect(records(key)).toHaveLength(2);
      expect((await shown()) === 'met').toBe(recordMet());
      return { before, after: recordMet() };
    };
    expect(await met('ada-and-genesys')).toEqual({ before: null, after: true });
    expect(await met('legal-hold')).toEqual({ before: false, after: true });
    expect(await met('ada-partial')).toEqual({ before: false, after: false });
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

    // Waiting on downstream systems, the request is not answered yet: an extension may still be needed.
    const closed = world.openTicket(scenario('amiqus-only'));
    await approve(closed);
    expect(await settle(closed)).toBe(true);
    expect(issue(closed).status).toBe('Pending downstream');
    expect((await view(closed)).actions.extendDeadline).toBe(true);
    await confirmDownstreamSystems(world, closed);
    expect(issue(closed).status).toBe('Done');
    expect((await view(closed)).actions.extendDeadline).toBe(false);
    expect(await panel('extendDeadline', closed, { months: 1, reason: 'Too late for this one now' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('settled'),
    });
  });

  describe('a ticket is not Done while downstream systems are unconfirmed', () => {
    type Record = {
      outcome: { outcome: string; status: string };
      deadline: { met: boolean | null; completedOn: string | null };
      downstream: Array<{ system: string; confirmedBy: string | null; note?: string }>;
      events: Array<{ kind: string; data: { system?: string } }>;
    };
    const recordsOf = (key: string) => records(key) as unknown as Record[];
    const confirmations = async (key: string, system: string) =>
      (await auditStore.list(key)).filter((e) => e.kind === 'downstream_confirmed' && e.data.system === system);
    const confirm = (key: string, system: string, note?: string, as: string = OFFICER) =>
      world.platform.invokeResolver(
        'erasure-desk-panel',
        'confirmDownstream',
        { system, ...(note !== undefined ? { note } : {}) },
        { accountId: as, issueKey: key },
      ) as Promise<{ ok: boolean; message: string }>;

    it('holds the ticket in Pending downstream, takes each confirmation once with who, when and a reference, and re-issues the record as a new round that moves it to Done', async () => {
      const key = world.openTicket(scenario('amiqus-only'));
      await approve(key);
      expect(await settle(key)).toBe(true);
      expect(issue(key).status).toBe('Pending downstream');
      expect(lastComment(key)).toContain('Providers done; downstream systems still to confirm.');
      const [first] = recordsOf(key);
      expect(first?.outcome).toMatchObject({ outcome: 'pending_downstream', status: 'Pending downstream' });
      expect(first?.deadline).toMatchObject({ met: null, completedOn: null });
      const shown = (await panel('getView', key)).view as {
        caseState: string;
        actions: { confirmDownstream: boolean };
      };
      expect(shown).toMatchObject({ caseState: 'pending_downstream', actions: { confirmDownstream: true } });

      // Only a privacy officer confirms; a reference longer than the record keeps is refused with a message.
      expect(await confirm(key, 'CRM (Salesforce)', undefined, DEMO_USERS.outsider.accountId)).toMatchObject({
        ok: false,
        message: expect.stringContaining('Only privacy officers'),
      });
      expect(await confirm(key, 'CRM (Salesforce)', 'x'.repeat(201))).toMatchObject({
        ok: false,
        message: expect.stringContaining('200 characters'),
      });
      // A double click: two calls at once record one confirmation and post one comment.
      const both = await Promise.all([
        confirm(key, 'CRM (Salesforce)', 'SF deletion case 00012345'),
        confirm(key, 'CRM (Salesforce)', 'SF deletion case 00012345'),
      ]);
      expect(both.some((r) => r.ok && r.message === 'CRM (Salesforce) confirmed.')).toBe(true);
      expect(await confirmations(key, 'CRM (Salesforce)')).toHaveLength(1);
      expect(issue(key).comments.filter((c) => c.text.startsWith('CRM (Salesforce): confirmed erased'))).toHaveLength(
        1,
      );
      expect(lastComment(key)).toContain('(reference: SF deletion case 00012345). Still to confirm: Data warehouse.');
      expect(issue(key).status).toBe('Pending downstream');
      expect(recordsOf(key)).toHaveLength(1);

      expect(await confirm(key, 'Data warehouse')).toEqual({
        ok: true,
        message:
          'Data warehouse confirmed. Every downstream system is confirmed: the compliance record was re-issued and the ticket moved to Done.',
      });
      expect(issue(key).status).toBe('Done');
      const names = issue(key)
        .attachments.filter((a) => a.filename.endsWith('.json'))
        .map((a) => a.filename);
      expect(names).toEqual([`erasure-record-${key}-round-1.json`, `erasure-record-${key}-round-2.json`]);
      const last = recordsOf(key).at(-1) as Record;
      expect(last.outcome).toMatchObject({ outcome: 'done', status: 'Done' });
      expect(last.deadline.met).toBe(true);
      expect(last.downstream).toEqual([
        expect.objectContaining({ system: 'CRM (Salesforce)', note: 'SF deletion case 00012345' }),
        expect.objectContaining({ system: 'Data warehouse' }),
      ]);
      // The chain continues from round 1 (its events are all still there), and the auditor's check accepts it.
      expect(last.events.slice(0, first?.events.length)).toEqual(first?.events);
      const summary = lastComment(key);
      const [, sha256] = /File SHA-256: ([0-9a-f]{64})/.exec(summary) ?? [];
      const [, head] = /hash-chain head: ([0-9a-f]{64})/.exec(summary) ?? [];
      const file = issue(key).attachments.at(-1)?.bytes as Buffer;
      expect(verifyRecordFile(file, { sha256: sha256 as string, head: head as string })).toMatchObject({ ok: true });
      // Who confirmed is the officer, under the audit trail's salted commitment.
      const [event] = await confirmations(key, 'Data warehouse');
      expect((await auditStore.openActor(String((event?.data as { by: string }).by)))?.accountId).toBe(OFFICER);

      // Repeating the last click changes nothing: no third record, no new comment.
      const comments = issue(key).comments.length;
      expect(await confirm(key, 'Data warehouse')).toEqual({
        ok: true,
        message: 'Data warehouse was already confirmed.',
      });
      expect(recordsOf(key)).toHaveLength(2);
      expect(issue(key).comments).toHaveLength(comments);
    });

    it('finishes a confirmation that died after the audit trail was written, without recording or commenting it twice', async () => {
      const key = world.openTicket(scenario('amiqus-only'));
      await approve(key);
      expect(await settle(key)).toBe(true);
      // The case write fails once: the trail has the confirmation, the case does not.
      world.platform.kvs.failNextWrite(
        (op, body) => op === 'transaction' && body.includes('"erasure-case"') && body.includes('Data warehouse'),
      );
      await expect(confirm(key, 'Data warehouse')).rejects.toThrow();
      expect(await confirmations(key, 'Data warehouse')).toHaveLength(1);
      // The failed call gave up its claim on the way out: the officer's next click finishes it.
      expect(await confirm(key, 'Data warehouse')).toEqual({ ok: true, message: 'Data warehouse confirmed.' });
      expect(await confirmations(key, 'Data warehouse')).toHaveLength(1);
      // Its comment went out before the case write failed: the ticket has it, and it is not posted again.
      expect(
        issue(key).comments.filter((c) => c.text.startsWith('Data warehouse: confirmed erased by hand')),
      ).toHaveLength(1);
      expect(await confirm(key, 'CRM (Salesforce)')).toMatchObject({ ok: true });
      expect(issue(key).status).toBe('Done');
      expect((recordsOf(key).at(-1) as Record).downstream.every((d) => d.confirmedBy !== null)).toBe(true);
    });

    it('keeps the ticket where it is and says what to add when the workflow has no Pending downstream status; nothing is lost', async () => {
      const statuses = world.jira.state.statuses;
      world.jira.state.statuses = statuses.filter((s) => s !== 'Pending downstream');
      try {
        const key = world.openTicket(scenario('amiqus-only'));
        await approve(key);
        await world.runUntil(() => lastComment(key).includes('Could not move the ticket'), 86_400_000);
        expect(lastComment(key)).toContain('Could not move the ticket to "Pending downstream".');
        expect(lastComment(key)).toContain('Add a "Pending downstream" status');
        expect(issue(key).status).toBe('Erasure in progress');
        expect(((await panel('getView', key)).view as { caseState: string }).caseState).toBe('pending_downstream');
        await confirmDownstreamSystems(world, key);
        expect(issue(key).status).toBe('Done');
        expect(recordsOf(key).map((r) => r.outcome.outcome)).toEqual(['pending_downstream', 'done']);
      } finally {
        world.jira.state.statuses = statuses;
      }
    });

    it('keeps warning on the deadline while the ticket waits on downstream systems', async () => {
      const key = world.openTicket(scenario('amiqus-only'));
      issue(key).customFields[DSAR_FIELDS.receivedOn] = new Date(Date.now() - 40 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      await approve(key);
      expect(await settle(key)).toBe(true);
      expect(issue(key).status).toBe('Pending downstream');
      // Closed after the due date with systems still unconfirmed: already known not to have been met.
      expect(recordsOf(key)[0]?.deadline.met).toBe(false);
      await world.platform.fireScheduledTrigger('deadline-watch-schedule');
      expect(issue(key).labels).toContain('gdpr-deadline-overdue');
      expect(lastComment(key)).toContain('Statutory deadline missed.');
    });
  });
});
