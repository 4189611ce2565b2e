import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { DEMO_USERS, DSAR_FIELDS } from '../../sandbox/jira/demo-seed';
import { startWorld, TERMINAL_STATUSES, type World } from '../../sandbox/world';

/**
 * The app's trust boundaries under attack and bad input: Amiqus webhooks that are forged, replayed or stale;
 * panel calls by people who may not act, for tickets outside the DSAR project, or naming a ticket the caller
 * cannot see; and every kind of DSAR field filled in wrongly, which must leave a clear message on the ticket
 * and lose nothing.
 */

const DAY = 86_400_000;

describe('Amiqus webhooks that are forged, replayed or stale', () => {
  let world: World;
  let clientId = 91_000;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());

  const ticketsFor = (id: number) =>
    [...world.jira.state.issues.values()].filter((i) => i.summary === `Erasure due at Amiqus: client ${id}`);

  function dueClient(): number {
    clientId += 1;
    world.amiqus.seedClient({
      id: clientId,
      firstName: 'Webhook',
      lastName: 'Subject',
      email: `hook.${clientId}@example.org`,
      deletionInDays: 7,
    });
    return clientId;
  }

  function delivery(id: number, triggeredAt: Date, secret = world.amiqus.webhooks()[0]?.secret ?? '') {
    const body = JSON.stringify({
      webhook: {
        uuid: world.amiqus.webhooks()[0]?.uuid ?? randomUUID(),
        created_at: triggeredAt.toISOString(),
        events: ['client.deletion_reminder_due'],
      },
      trigger: { triggered_at: triggeredAt.toISOString(), alias: 'client.deletion_reminder_due' },
      data: { client: { id, show: `${world.amiqus.url}/api/v2/clients/${id}` } },
    });
    const signature = createHmac('sha256', secret).update(body).digest('base64');
    return { body, signature };
  }

  const post = (body: string, headers: Record<string, string>) =>
    fetch(world.webtriggers.urlFor('amiqus-webhook-endpoint'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('refuses a forged delivery with 404 and does not let it use up the delivery id of the genuine one', async () => {
    const id = dueClient();
    const genuine = delivery(id, new Date());
    const deliveryId = randomUUID();
    const forgedSignature = createHmac('sha256', 'a-guessed-secret').update(genuine.body).digest('base64');
    const tampered = genuine.body.replace(String(id), String(id + 500));
    const answers = [
      await post(genuine.body, { 'X-AQID-Signature': forgedSignature, 'X-AQID-Delivery-Id': deliveryId }),
      await post(tampered, { 'X-AQID-Signature': genuine.signature, 'X-AQID-Delivery-Id': deliveryId }),
      await post(genuine.body, { 'X-AQID-Signature': 'not base64 at all!', 'X-AQID-Delivery-Id': deliveryId }),
      await post(genuine.body, { 'X-AQID-Delivery-Id': deliveryId }),
    ];
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404]);
    expect(ticketsFor(id)).toHaveLength(0);
    expect(ticketsFor(id + 500)).toHaveLength(0);
    const real = await post(genuine.body, { 'X-AQID-Signature': genuine.signature, 'X-AQID-Delivery-Id': deliveryId });
    expect(real.status).toBe(204);
    expect(ticketsFor(id)).toHaveLength(1);
  });

  it('acts once on a replayed delivery, whether the replay repeats its delivery id or invents a new one', async () => {
    const id = dueClient();
    const { body, signature } = delivery(id, new Date());
    const deliveryId = randomUUID();
    const first = await post(body, { 'X-AQID-Signature': signature, 'X-AQID-Delivery-Id': deliveryId });
    const sameId = await post(body, { 'X-AQID-Signature': signature, 'X-AQID-Delivery-Id': deliveryId });
    const freshIds = await Promise.all(
      [1, 2, 3].map(() => post(body, { 'X-AQID-Signature': signature, 'X-AQID-Delivery-Id': randomUUID() })),
    );
    expect([first.status, sameId.status]).toEqual([204, 200]);
    expect(freshIds.every((r) => r.status < 300)).toBe(true);
    const [ticket, ...others] = ticketsFor(id);
    expect(others).toHaveLength(0);
    // One ticket, and at most one "reminder" note on it that day however often the body is replayed.
    expect(ticket?.comments.filter((c) => c.text.startsWith('Amiqus reminder')).length).toBeLessThanOrEqual(1);
  });

  it('ignores a correctly signed delivery whose trigger time is older than Amiqus’s retry schedule or in the future', async () => {
    const stale = dueClient();
    const future = dueClient();
    const old = delivery(stale, new Date(Date.now() - 2 * DAY));
    const ahead = delivery(future, new Date(Date.now() + DAY));
    const answers = [
      await post(old.body, { 'X-AQID-Signature': old.signature, 'X-AQID-Delivery-Id': randomUUID() }),
      await post(ahead.body, { 'X-AQID-Signature': ahead.signature, 'X-AQID-Delivery-Id': randomUUID() }),
    ];
    // 2xx, so Amiqus does not count it towards disabling the hook; the daily poll still finds due clients.
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(await answers[0]?.text()).toContain('stale');
    expect(ticketsFor(stale)).toHaveLength(0);
    expect(ticketsFor(future)).toHaveLength(0);
    // Within the retry schedule (Amiqus retries up to +30 minutes), a late delivery is still honoured.
    const late = dueClient();
    const retried = delivery(late, new Date(Date.now() - 28 * 60_000));
    expect(
      (await post(retried.body, { 'X-AQID-Signature': retried.signature, 'X-AQID-Delivery-Id': randomUUID() })).status,
    ).toBe(204);
    expect(ticketsFor(late)).toHaveLength(1);
  });
});

describe('panel calls by people who may not act, or about tickets they may not act on', () => {
  let world: World;
  let ticket: string;
  beforeAll(async () => {
    world = await startWorld();
    ticket = world.openTicket({
      id: 'panel-target',
      title: 'panel target',
      subject: { fullName: 'Pat Target', email: 'pat.target@example.org', amiqusClientId: 92_001 },
      holds: { amiqus: { clientId: 92_001 } },
      approver: 'officer',
      expect: { status: 'Done', jobs: {} },
    });
    await world.move(ticket, 'Approved', DEMO_USERS.officer.accountId);
    await world.runUntil(() => TERMINAL_STATUSES.includes(world.jira.state.issues.get(ticket)?.status ?? ''), DAY);
  });
  afterAll(() => world.close());

  const call = (fn: string, accountId: string, issueKey: string, payload: unknown = {}) =>
    world.platform.invokeResolver('erasure-desk-panel', fn, payload, { accountId, issueKey }) as Promise<{
      ok: boolean;
      message?: string;
    }>;
  const actions: Array<[string, unknown]> = [
    ['retry', {}],
    ['extendDeadline', { months: 1, reason: 'complex request' }],
    ['confirmDownstream', { system: 'CRM (Salesforce)' }],
    ['requestPreview', {}],
    ['previewStatus', {}],
  ];

  it('refuses every action to a user who is not a privacy officer, and changes nothing', async () => {
    const before = JSON.stringify(world.platform.kvs.contents().entities);
    const comments = world.jira.state.issues.get(ticket)?.comments.length;
    for (const who of [DEMO_USERS.requester.accountId, DEMO_USERS.outsider.accountId]) {
      for (const [fn, payload] of actions) {
        const answer = await call(fn, who, ticket, payload);
        expect({ fn, who, ok: answer.ok }).toEqual({ fn, who, ok: false });
        expect(answer.message).toMatch(/privacy officers/);
      }
    }
    expect(JSON.stringify(world.platform.kvs.contents().entities)).toBe(before);
    expect(world.jira.state.issues.get(ticket)?.comments.length).toBe(comments);
  });

  it('answers malformed action input with a message and changes nothing', async () => {
    const before = JSON.stringify(world.platform.kvs.contents().entities);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            months: fc.oneof(
              fc.string(),
              fc.double(),
              fc.constant(null),
              fc.integer({ min: 3, max: 1000 }),
              fc.integer({ min: -1000, max: 0 }),
            ),
            reason: fc.oneof(fc.string(), fc.constant(undefined)),
          }),
          fc.anything(),
        ),
        async (payload) => {
          const answer = await call('extendDeadline', DEMO_USERS.officer.accountId, ticket, payload);
          expect(answer.ok).toBe(false);
          expect(typeof answer.message).toBe('string');
        },
      ),
      { seed: 12, numRuns: 40 },
    );
    for (const payload of [{}, { system: '' }, { system: 'Not on the checklist' }, { system: 42 }, null]) {
      const answer = await call('confirmDownstream', DEMO_USERS.officer.accountId, ticket, payload);
      expect(answer.ok).toBe(false);
      expect(typeof answer.message).toBe('string');
    }
    expect(JSON.stringify(world.platform.kvs.contents().entities)).toBe(before);
  });
});

describe('bad input in every kind of DSAR field', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());

  const valid = () => ({
    [DSAR_FIELDS.fullName]: 'Val Input',
    [DSAR_FIELDS.email]: `val.${randomUUID().slice(0, 8)}@example.org`,
    [DSAR_FIELDS.receivedOn]: new Date(Date.now() - 3 * DAY).toISOString().slice(0, 10),
  });

  /** For each field type: generated bad values, and the field label the comment must name. */
  const badValues: Array<{ field: keyof typeof DSAR_FIELDS; label: RegExp; values: fc.Arbitrary<unknown> }> = [
    {
      field: 'email',
      label: /Email/,
      values: fc.constantFrom('no-at-sign', 'two@@example.org', 'a@b', ' @example.org', 'x@example..org'),
    },
    {
      field: 'phones',
      label: /Phone numbers/,
      values: fc.constantFrom(
        '07700 900456',
        '+447700900456',
        '+447700900456 2030-01-01..',
        '+447700900456 2020-02-30..2021-01-01',
        '+447700900456 2022-01-01..2021-01-01',
        'call me',
      ),
    },
    { field: 'amiqusClientId', label: /Amiqus/, values: fc.constantFrom('abc', '-5', '0', '12.5', '1e99x') },
    {
      field: 'adaChatterId',
      label: /Ada/,
      values: fc.constantFrom('abc', 'has spaces in it', 'x'.repeat(65), '<script>'),
    },
    {
      field: 'genesysUserId',
      label: /Genesys/,
      values: fc.constantFrom('not-a-uuid', '1234', '3b1f6a52-8c0e-4c2d-9a77'),
    },
    {
      field: 'genesysExternalContactId',
      label: /Genesys/,
      values: fc.constantFrom('not-a-uuid', 'zzzzzzzz-8c0e-4c2d-9a77-1d2e3f4a5b6c'),
    },
    {
      field: 'receivedOn',
      label: /receipt|received/i,
      values: fc.constantFrom('yesterday', '2026-13-01', '', new Date(Date.now() + 5 * DAY).toISOString().slice(0, 10)),
    },
    { field: 'fullName', label: /name/i, values: fc.constantFrom('x'.repeat(201), `${'Very '.repeat(40)}Long Name`) },
  ];

  it.each(badValues.map((b) => [b.field, b] as const))(
    '%s: says on the ticket what to fix, calls no provider, keeps every field, and runs once fixed',
    async (_field, bad) => {
      await fc.assert(
        fc.asyncProperty(bad.values, async (value) => {
          const fields = { ...valid(), [DSAR_FIELDS[bad.field]]: value };
          const issue = world.jira.state.createIssue({
            projectKey: 'DSAR',
            issueType: 'DSAR request',
            summary: 'Erasure request: bad input',
            reporter: DEMO_USERS.requester.accountId,
            fields,
          });
          const kept = JSON.stringify(issue.customFields);
          const calls = [world.amiqus, world.ada, world.genesys].map((s) => s.ledger.entries.length);
          await world.move(issue.key, 'Approved', DEMO_USERS.officer.accountId);
          await world.pump();
          expect(issue.status).toBe('Needs attention');
          const [comment, ...more] = issue.comments.map((c) => c.text);
          expect(more).toHaveLength(0);
          expect(comment).toContain('Erasure not started. Nothing was sent to any provider.');
          expect(comment).toMatch(bad.label);
          // The comment explains; it does not repeat what was typed (it may be someone's personal data).
          if (typeof value === 'string' && value.trim().length > 3) expect(comment).not.toContain(value.trim());
          expect([world.amiqus, world.ada, world.genesys].map((s) => s.ledger.entries.length)).toEqual(calls);
          expect(JSON.stringify(issue.customFields)).toBe(kept);

          // Fixed and approved again, the same ticket goes ahead.
          delete issue.customFields[DSAR_FIELDS[bad.field]];
          Object.assign(issue.customFields, valid());
          await world.move(issue.key, 'Approved', DEMO_USERS.officer.accountId);
          await world.pump();
          expect(issue.comments.slice(1).some((c) => c.text.startsWith('Erasure started'))).toBe(true);
        }),
        { seed: 1212, numRuns: 3 },
      );
    },
  );
});
