import { createHmac, randomUUID } from 'node:crypto';
import { verifyComplianceRecord } from '../../src/core/compliance-record';
import { jobStore } from '../../src/store/kvs-store';
import { DEMO_SCENARIOS, type Scenario } from '../../sandbox/demo/scenarios';
import { DEMO_USERS, DSAR_FIELDS } from '../../sandbox/jira/demo-seed';
import { startWorld, TERMINAL_STATUSES, type World } from '../../sandbox/world';

/**
 * The rest of the product's entry points, through the real handlers in the sandbox: Amiqus intake (the daily
 * due-clients poll and the signed webhook), the daily deadline watch, and the issue panel's actions.
 */

const DAY = 86_400_000;
const scenario = (id: string): Scenario => {
  const found = DEMO_SCENARIOS.find((s) => s.id === id);
  if (!found) throw new Error(`no scenario ${id}`);
  return found;
};
const issue = (world: World, key: string) => {
  const found = world.jira.state.issues.get(key);
  if (!found) throw new Error(`no issue ${key}`);
  return found;
};
const texts = (world: World, key: string) => issue(world, key).comments.map((c) => c.text);
const amiqusTickets = (world: World) =>
  [...world.jira.state.issues.values()].filter((i) => i.summary.startsWith('Erasure due at Amiqus'));
const panel = (world: World, fn: string, key: string, accountId: string, payload: unknown = {}) =>
  world.platform.invokeResolver('erasure-desk-panel', fn, payload, { accountId, issueKey: key }) as Promise<
    Record<string, unknown>
  >;

describe('Amiqus intake: the due-clients poll and the signed webhook', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());

  it('opens one ticket per due or overdue client from the daily poll, naming the client id and not the person', async () => {
    world.amiqus.seedClient({
      id: 81001,
      firstName: 'Ira',
      lastName: 'Due',
      email: 'ira.due@example.org',
      deletionInDays: 0,
    });
    world.amiqus.seedClient({
      id: 81002,
      firstName: 'Jo',
      lastName: 'Overdue',
      email: 'jo.overdue@example.org',
      deletionInDays: -3,
    });
    world.amiqus.seedClient({
      id: 81003,
      firstName: 'Kim',
      lastName: 'Later',
      email: 'kim.later@example.org',
      deletionInDays: 20,
    });
    await world.platform.advance(DAY);
    await world.pump();
    const tickets = amiqusTickets(world);
    expect(tickets.map((t) => t.summary).sort()).toEqual([
      'Erasure due at Amiqus: client 81001',
      'Erasure due at Amiqus: client 81002',
    ]);
    const ira = tickets.find((t) => t.summary.endsWith('81001'));
    expect(ira?.customFields[DSAR_FIELDS.amiqusClientId]).toBe(81001);
    expect(ira?.customFields[DSAR_FIELDS.email]).toBe('ira.due@example.org');
    expect(ira?.comments[0]?.text).toContain('Opened from Amiqus (poll)');
  });

  it('does not open a second ticket on the next poll: it adds one reminder a day to the existing one', async () => {
    await world.platform.advance(DAY);
    await world.pump();
    expect(amiqusTickets(world)).toHaveLength(2);
    const ira = amiqusTickets(world).find((t) => t.summary.endsWith('81001'));
    expect(ira?.comments.filter((c) => c.text.startsWith('Amiqus reminder'))).toHaveLength(1);
  });

  it('opens a ticket from a signed client.deletion_reminder_due webhook delivered by Amiqus', async () => {
    world.amiqus.seedClient({
      id: 81004,
      firstName: 'Lee',
      lastName: 'Hook',
      email: 'lee.hook@example.org',
      deletionInDays: 7,
    });
    await world.amiqus.deliverEvent('client.deletion_reminder_due', 81004);
    await world.pump();
    const lee = amiqusTickets(world).find((t) => t.summary.endsWith('81004'));
    expect(lee?.comments[0]?.text).toContain('Opened from Amiqus (webhook)');
    expect(world.amiqus.ledger.entries.filter((e) => e.action === 'webhook_delivered')).toHaveLength(1);
  });

  it('answers a verified event it does not act on with a 2xx and logs it, so Amiqus neither retries it nor turns the webhook off', async () => {
    const hook = world.amiqus.webhooks()[0] as { uuid: string };
    world.amiqus.setWebhookEvents(hook.uuid, ['*']);
    const delivered = () => world.amiqus.ledger.entries.filter((e) => e.action === 'webhook_delivered').length;
    const before = delivered();
    const logged = jest.spyOn(console, 'log');
    try {
      await world.amiqus.deliverEvent('form.deleted', { form: { reference: 'frm_9f2c' } });
      await world.amiqus.deliverEvent('record.created', {
        organisation: { id: 3301, show: 'https://id.amiqus.co/api/v2/organisations/3301' },
        record: { id: 55 },
      });
      await world.amiqus.deliverEvent('watchlist.updated', {});
      const lines = logged.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('not acted on'));
      expect(lines.map((l) => (JSON.parse(l) as { alias: string }).alias)).toEqual([
        'form.deleted',
        'record.created',
        'watchlist.updated',
      ]);
    } finally {
      logged.mockRestore();
    }
    expect(delivered() - before).toBe(3);
    expect(world.amiqus.ledger.entries.filter((e) => e.action === 'webhook_failed')).toHaveLength(0);
    world.amiqus.setWebhookEvents(hook.uuid, ['client.deletion_reminder_due']);
  });

  it('confirms an Amiqus deletion twice over, by the 404 read-back and by Amiqus’s client.deleted event, and records both in the compliance record', async () => {
    const hook = world.amiqus.webhooks()[0] as { uuid: string };
    world.amiqus.setWebhookEvents(hook.uuid, ['client.deletion_reminder_due', 'client.deleted']);
    const lee = amiqusTickets(world).find((t) => t.summary.endsWith('81004'));
    const key = lee?.key ?? '';
    issue(world, key).customFields[DSAR_FIELDS.receivedOn] = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    await world.move(key, 'Verifying identity', DEMO_USERS.officer.accountId);
    await world.move(key, 'Approved', DEMO_USERS.officer.accountId);
    expect(await world.runUntil(() => TERMINAL_STATUSES.includes(issue(world, key).status), DAY)).toBe(true);
    expect(world.amiqus.ledger.count('delete_client', '81004')).toBe(1);
    const attached = issue(world, key)
      .attachments.filter((a) => a.filename.endsWith('.json'))
      .at(-1);
    const record = JSON.parse(attached?.bytes.toString('utf8') ?? '{}') as {
      providers: { amiqus?: { confirmations?: Array<{ evidence: string; providerRef: string }> } };
    };
    expect(verifyComplianceRecord(record).ok).toBe(true);
    expect(record.providers.amiqus?.confirmations?.map((c) => [c.evidence, c.providerRef]).sort()).toEqual([
      ['read_404', '81004'],
      ['webhook_client_deleted', '81004'],
    ]);
    world.amiqus.setWebhookEvents(hook.uuid, ['client.deletion_reminder_due']);
  });

  it('answers a redelivery of the same delivery id once, and refuses an unsigned or wrongly signed call with 404', async () => {
    const url = world.webtriggers.urlFor('amiqus-webhook-endpoint');
    world.amiqus.seedClient({
      id: 81005,
      firstName: 'Mo',
      lastName: 'Twice',
      email: 'mo.twice@example.org',
      deletionInDays: 7,
    });
    const secret = world.amiqus.webhooks()[0]?.secret ?? '';
    const body = JSON.stringify({
      webhook: { uuid: randomUUID(), created_at: new Date().toISOString(), events: ['client.deletion_reminder_due'] },
      trigger: { triggered_at: new Date().toISOString(), alias: 'client.deletion_reminder_due' },
      data: { client: { id: 81005, show: 'x' } },
    });
    const headers = {
      'content-type': 'application/json',
      'X-AQID-Signature': createHmac('sha256', secret).update(body).digest('base64'),
      'X-AQID-Delivery-Id': 'delivery-81005',
    };
    const first = await fetch(url, { method: 'POST', headers, body });
    const again = await fetch(url, { method: 'POST', headers, body });
    expect([first.status, again.status]).toEqual([204, 200]);
    expect(amiqusTickets(world).filter((t) => t.summary.endsWith('81005'))).toHaveLength(1);

    const forged = await fetch(url, {
      method: 'POST',
      headers: {
        ...headers,
        'X-AQID-Signature': createHmac('sha256', 'guess').update(body).digest('base64'),
        'X-AQID-Delivery-Id': 'd2',
      },
      body,
    });
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect([forged.status, unsigned.status]).toEqual([404, 404]);
  });
});

/** These cases simulate weeks of provider progress (thousands of scheduled polls); on a loaded machine that takes over 30 s. */
const LONG_SIMULATION_MS = 150_000;

describe('the deadline watch and the panel’s actions', () => {
  let world: World;
  beforeAll(async () => {
    // Genesys takes ten days per request step here (forty to finish), so a case stays open past its deadline.
    world = await startWorld({ simulators: { genesysStepMs: 10 * DAY } });
  });
  afterAll(() => world.close());

  async function approve(s: Scenario, receivedDaysAgo: number): Promise<string> {
    const key = world.openTicket(s);
    issue(world, key).customFields[DSAR_FIELDS.receivedOn] = new Date(Date.now() - receivedDaysAgo * DAY)
      .toISOString()
      .slice(0, 10);
    await world.move(key, 'Verifying identity', DEMO_USERS.officer.accountId);
    await world.move(key, 'Approved', DEMO_USERS.officer.accountId);
    await world.pump();
    return key;
  }

  it(
    'warns once when the deadline comes within the at-risk window, lets an officer extend it with a reason, and flags it overdue',
    async () => {
      const s = scenario('ada-and-genesys');
      const key = await approve(s, 26);
      await world.runUntil(() => false, DAY + 60_000, 60 * 60_000);
      expect(issue(world, key).labels).toContain('gdpr-deadline-at-risk');
      expect(texts(world, key).filter((t) => t.startsWith('Statutory deadline approaching.'))).toHaveLength(1);

      const view = (await panel(world, 'getView', key, DEMO_USERS.officer.accountId)).view as {
        deadline: { state: string; dueOn: string };
        actions: { extendDeadline: boolean };
      };
      expect(view.deadline.state).toBe('at_risk');
      expect(view.actions.extendDeadline).toBe(true);

      expect(
        await panel(world, 'extendDeadline', key, DEMO_USERS.outsider.accountId, {
          months: 1,
          reason: 'Genesys outage delays erasure',
        }),
      ).toMatchObject({ ok: false, message: expect.stringContaining('Only privacy officers') });
      expect(
        await panel(world, 'extendDeadline', key, DEMO_USERS.officer.accountId, { months: 1, reason: 'slow' }),
      ).toMatchObject({ ok: false, message: expect.stringContaining('reason') });
      expect(
        await panel(world, 'extendDeadline', key, DEMO_USERS.officer.accountId, {
          months: 3,
          reason: 'Genesys outage delays erasure',
        }),
      ).toMatchObject({ ok: false });
      const extended = await panel(world, 'extendDeadline', key, DEMO_USERS.officer.accountId, {
        months: 1,
        reason: 'Genesys outage delays erasure of contact-centre records',
      });
      expect(extended).toMatchObject({ ok: true });
      const after = (await panel(world, 'getView', key, DEMO_USERS.officer.accountId)).view as {
        deadline: { state: string; dueOn: string; extendedMonths: number };
      };
      expect(after.deadline.extendedMonths).toBe(1);
      expect(after.deadline.dueOn > view.deadline.dueOn).toBe(true);
      expect(after.deadline.state).toBe('on_track');
      expect(texts(world, key).some((t) => t.startsWith('Deadline extended by 1 month(s)'))).toBe(true);

      // Past even the extended deadline: one overdue warning, and the at-risk label replaced.
      await world.runUntil(() => false, 36 * DAY, 12 * 60 * 60_000);
      expect(issue(world, key).labels).toEqual(expect.arrayContaining(['gdpr-deadline-overdue']));
      expect(issue(world, key).labels).not.toContain('gdpr-deadline-at-risk');
      expect(texts(world, key).filter((t) => t.startsWith('Statutory deadline missed.'))).toHaveLength(1);

      // Genesys finishes at last: the round closes (waiting on the downstream systems), and its record says the
      // deadline was missed: it closed after the due date with the request still not answered in full.
      expect(
        await world.runUntil(() => TERMINAL_STATUSES.includes(issue(world, key).status), 10 * DAY, 12 * 60 * 60_000),
      ).toBe(true);
      expect(issue(world, key).status).toBe('Pending downstream');
      const attachment = issue(world, key).attachments.find((a) => a.filename.endsWith('.json'));
      const record = JSON.parse(attachment?.bytes.toString('utf8') ?? '{}') as {
        deadline: { met: boolean; extensions: unknown[] };
      };
      expect(verifyComplianceRecord(record).ok).toBe(true);
      expect(record.deadline).toMatchObject({ met: false, extensions: [expect.objectContaining({ months: 1 })] });
    },
    LONG_SIMULATION_MS,
  );

  it(
    'retries only the provider that failed, as a new attempt, when an officer asks after a Genesys ERROR',
    async () => {
      const s = scenario('genesys-error');
      const key = await approve(s, 2);
      expect(
        await world.runUntil(() => TERMINAL_STATUSES.includes(issue(world, key).status), 45 * DAY, 12 * 60 * 60_000),
      ).toBe(true);
      expect(issue(world, key).status).toBe('Erasure blocked');
      const contact = s.holds.genesys?.externalContactId ?? '';
      expect(world.genesys.ledger.count('delete_request', contact)).toBe(1);

      expect(await panel(world, 'retry', key, DEMO_USERS.outsider.accountId)).toMatchObject({ ok: false });
      // A Genesys ERROR is resubmitted only with the support case that reviewed it and an explicit confirmation.
      expect(await panel(world, 'retry', key, DEMO_USERS.officer2.accountId)).toMatchObject({
        ok: false,
        message: expect.stringContaining('support case'),
      });
      const retried = await panel(world, 'retry', key, DEMO_USERS.officer2.accountId, {
        genesysSupportCase: 'GEN-4711',
        genesysConfirmed: true,
      });
      expect(retried).toMatchObject({ ok: true, message: 'Retry started for genesys.' });
      await world.pump();
      expect(
        await world.runUntil(() => TERMINAL_STATUSES.includes(issue(world, key).status), 45 * DAY, 12 * 60 * 60_000),
      ).toBe(true);
      const jobs = Object.fromEntries((await jobStore.listForCase(key)).map((j) => [j.provider, j]));
      expect(jobs.genesys?.attempt).toBe(2);
      expect(jobs.ada?.attempt).toBe(1);
      expect(world.genesys.ledger.count('delete_request', contact)).toBe(2);
      // Each round is finalised with its own record; the latest one carries the retry.
      const records = issue(world, key).attachments.filter((a) => a.filename.endsWith('.json'));
      expect(records.length).toBe(2);
      const latest = JSON.parse(records.at(-1)?.bytes.toString('utf8') ?? '{}') as { retries: unknown[] };
      expect(latest.retries).toHaveLength(1);
    },
    LONG_SIMULATION_MS,
  );

  it('lets an officer tick off the downstream systems, once each, and refuses one not on the checklist', async () => {
    const key = await approve(scenario('amiqus-only'), 1);
    await world.runUntil(() => TERMINAL_STATUSES.includes(issue(world, key).status), DAY);
    expect(
      await panel(world, 'confirmDownstream', key, DEMO_USERS.officer.accountId, { system: 'Data warehouse' }),
    ).toEqual({ ok: true, message: 'Data warehouse confirmed.' });
    expect(
      await panel(world, 'confirmDownstream', key, DEMO_USERS.officer.accountId, { system: 'Data warehouse' }),
    ).toEqual({ ok: true, message: 'Data warehouse was already confirmed.' });
    expect(
      await panel(world, 'confirmDownstream', key, DEMO_USERS.officer.accountId, { system: 'Mainframe' }),
    ).toMatchObject({ ok: false });
    const view = (await panel(world, 'getView', key, DEMO_USERS.officer.accountId)).view as {
      downstream: Array<{ system: string; confirmedBy: string | null }>;
      actions: { confirmDownstream: boolean };
    };
    expect(view.downstream).toEqual([
      expect.objectContaining({ system: 'CRM (Salesforce)', confirmedBy: null }),
      expect.objectContaining({ system: 'Data warehouse', confirmedBy: DEMO_USERS.officer.accountId }),
    ]);
    expect(view.actions.confirmDownstream).toBe(true);
  });
});

describe('the Genesys export preview from the panel', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());

  it('exports what Genesys holds, unconfirmed numbers included, erases nothing, and shows the links only to officers', async () => {
    const s: Scenario = {
      id: 'preview',
      title: 'Caller whose old number may have been recycled',
      subject: {
        fullName: 'Pia Phone',
        email: 'pia.phone@example.org',
        phones: '+447700900777 2019-01-01..2023-06-30',
      },
      holds: { genesys: { externalContactId: 'ec-pia' } },
      approver: 'officer',
      expect: { status: 'Done', jobs: {} },
    };
    const key = world.openTicket(s);
    expect(await panel(world, 'requestPreview', key, DEMO_USERS.outsider.accountId)).toMatchObject({
      ok: false,
      message: expect.stringContaining('Only privacy officers'),
    });
    const requested = await panel(world, 'requestPreview', key, DEMO_USERS.officer.accountId);
    expect(requested).toMatchObject({
      ok: true,
      message: expect.stringContaining('Export requested from Genesys Cloud'),
    });
    const exportRequest = world.genesys.server.exchanges.find((e) => e.label === 'POST /api/v2/gdpr/requests');
    expect(exportRequest?.body).toMatchObject({
      requestType: 'GDPR_EXPORT',
      subject: { phoneNumbers: ['+447700900777'] },
    });
    expect(texts(world, key).at(-1)).toContain('Nothing is deleted by a preview');

    expect((await panel(world, 'previewStatus', key, DEMO_USERS.officer.accountId)).preview).toMatchObject({
      status: 'in_progress',
      resultUrls: [],
    });
    await world.runUntil(() => false, 20 * 60_000);
    const ready = (await panel(world, 'previewStatus', key, DEMO_USERS.officer.accountId)).preview as {
      status: string;
      resultUrls: string[];
      requestedBy: string;
    };
    expect(ready).toMatchObject({ status: 'completed', requestedBy: DEMO_USERS.officer.accountId });
    expect(ready.resultUrls).toHaveLength(1);
    expect(await panel(world, 'previewStatus', key, DEMO_USERS.outsider.accountId)).toMatchObject({ ok: false });
    // Links to personal data stay out of the ticket's comments.
    expect(texts(world, key).some((t) => t.includes(ready.resultUrls[0] as string))).toBe(false);
    expect(world.genesys.requestCount('GDPR_DELETE')).toBe(0);
  });

  it('tells the officer what to fix when the identifiers are not valid', async () => {
    const key = world.openTicket(scenario('bad-identifiers'));
    const result = await panel(world, 'requestPreview', key, DEMO_USERS.officer.accountId);
    expect(result).toMatchObject({
      ok: false,
      message: expect.stringContaining("Fix the ticket's identifiers first: "),
    });
    expect(result.message).toContain('email');
  });
});

describe('the admin page', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());
  const admin = (fn: string, payload: unknown = {}) =>
    world.platform.invokeResolver('erasure-desk-admin', fn, payload, { accountId: '712020:jira-admin' }) as Promise<
      Record<string, unknown>
    >;

  it('answers only Jira administrators, as Jira itself decides (a privacy officer cannot reconfigure it)', async () => {
    for (const user of [DEMO_USERS.officer, DEMO_USERS.outsider]) {
      const asUser = (fn: string, payload: unknown = {}) =>
        world.platform.invokeResolver('erasure-desk-admin', fn, payload, { accountId: user.accountId });
      expect(await asUser('getSettings')).toEqual({
        ok: false,
        message: 'Only Jira administrators can change Erasure Desk’s configuration.',
      });
      expect(await asUser('setSecret', { provider: 'ada', value: { apiKey: 'attacker-key-123456' } })).toMatchObject({
        ok: false,
      });
      expect(await asUser('removeHold', { id: 'any' })).toMatchObject({ ok: false });
    }
    expect(await admin('getSecretStatus')).toMatchObject({ ok: true });
  });

  it('stores credentials in secret storage, says only whether each provider has them, and never hands them back', async () => {
    expect(await admin('getSecretStatus')).toEqual({ ok: true, status: { amiqus: true, ada: true, genesys: true } });
    const everything = JSON.stringify([await admin('getSettings'), await admin('getSecretStatus')]);
    expect(everything).not.toContain(world.ada.apiKey);
    expect(everything).not.toContain(world.genesys.clientSecret);
    expect(everything).not.toContain(world.amiqus.token);
  });

  it('refuses bad credentials and bad settings with a message per field, keeping what was stored', async () => {
    const refused = await admin('setSecret', { provider: 'genesys', value: { clientId: 'x' } });
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('clientSecret') });
    const badSettings = await admin('saveSettings', {
      settings: { deadline: { atRiskDays: 400 }, downstreamSystems: [''] },
    });
    expect(badSettings).toMatchObject({ ok: false, message: 'Some settings need fixing.' });
    expect((badSettings.errors as Array<{ field: string }>).map((e) => e.field)).toEqual(
      expect.arrayContaining(['deadline.atRiskDays', 'downstreamSystems.0']),
    );
    const settings = (await admin('getSettings')).settings as {
      deadline: { atRiskDays: number };
      downstreamSystems: string[];
    };
    expect(settings.deadline.atRiskDays).toBe(7);
    expect(settings.downstreamSystems).toEqual(['CRM (Salesforce)', 'Data warehouse']);
  });

  it('keeps the legal-hold register by hashed identifier, with reason and expiry', async () => {
    const added = await admin('addHold', {
      reason: 'Regulator inquiry 2026-17',
      expiresOn: '2027-03-31',
      identifiers: [{ kind: 'email', value: 'held.person@example.org' }],
      providers: 'all',
    });
    expect(added).toMatchObject({ ok: true });
    const holds = (await admin('listHolds')).holds as Array<Record<string, unknown>>;
    expect(holds).toEqual([
      expect.objectContaining({ reason: 'Regulator inquiry 2026-17', expiresOn: '2027-03-31', providers: 'all' }),
    ]);
    expect(JSON.stringify(holds)).not.toContain('held.person@example.org');
    expect(await admin('addHold', { reason: 'x', identifiers: [] })).toMatchObject({ ok: false });
  });
});
