import { verifyComplianceRecord } from '../../src/core/compliance-record';
import { jobStore } from '../../src/store/kvs-store';
import { runScenarios, type TicketResult } from '../../sandbox/demo/run';
import { DEMO_SCENARIOS, type Scenario } from '../../sandbox/demo/scenarios';
import { DEMO_USERS } from '../../sandbox/jira/demo-seed';
import { TERMINAL_STATUSES, startWorld, type World } from '../../sandbox/world';

/**
 * The erasure workflow end to end: the production handlers, run by the Forge platform emulator, against the
 * Jira emulator and the three provider simulators. Each scenario asserts the providers' ledgers, the comments
 * a person reads, the attached compliance record's hash chain, and the ticket's final status.
 */

const scenario = (id: string): Scenario => {
  const found = DEMO_SCENARIOS.find((s) => s.id === id);
  if (!found) throw new Error(`no scenario ${id}`);
  return found;
};

function comments(world: World, ticket: string): string[] {
  return world.jira.state.issues.get(ticket)?.comments.map((c) => c.text) ?? [];
}

function record(world: World, ticket: string): { json: Record<string, unknown>; sha256: string } {
  const attachment = world.jira.state.issues.get(ticket)?.attachments.find((a) => a.filename.endsWith('.json'));
  if (!attachment) throw new Error(`${ticket} has no compliance record`);
  return { json: JSON.parse(attachment.bytes.toString('utf8')) as Record<string, unknown>, sha256: attachment.sha256 };
}

describe('the demo DSARs, run through the real handlers', () => {
  let world: World;
  let results: Map<string, TicketResult>;

  beforeAll(async () => {
    world = await startWorld();
    results = new Map((await runScenarios(world, DEMO_SCENARIOS)).map((r) => [r.scenario.id, r]));
  });
  afterAll(() => world.close());

  it.each(DEMO_SCENARIOS.map((s) => [s.id, s] as const))(
    '%s ends in the status and job states its scenario calls for',
    (id, s) => {
      const r = results.get(id);
      expect(r?.status).toBe(s.expect.status);
      expect(r?.jobs).toEqual(s.expect.jobs);
    },
  );

  it('runs every demo DSAR inside Forge’s limits: no invocation stopped, no scheduled-trigger error, no event lost', () => {
    expect([...world.platform.stats].filter(([, s]) => s.overruns > 0)).toEqual([]);
    expect(world.platform.scheduledErrors).toEqual([]);
    expect(world.platform.deadLetters).toEqual([]);
    expect(world.platform.productEvents.lost).toEqual([]);
  });

  it('erases at Amiqus, Ada and Genesys exactly once for a subject known to all three', () => {
    const s = scenario('all-three');
    expect(world.amiqus.ledger.count('delete_client', String(s.subject.amiqusClientId))).toBe(1);
    // Ada jobs are shared between tickets now (one job for many subjects): exactly one carried this subject.
    expect(
      world.ada.snapshot().jobs.filter((j) => j.identifiers.some((i) => i.value === s.subject.adaChatterId)),
    ).toHaveLength(1);
    expect(world.ada.ledger.count('end_user_erased', `chatter_id||${s.subject.adaChatterId}`)).toBe(1);
    expect(world.genesys.ledger.count('delete_request', s.holds.genesys?.externalContactId as string)).toBe(1);
    expect(world.genesys.ledger.count('subject_deleted', s.holds.genesys?.externalContactId as string)).toBe(1);
  });

  it('erases at the one provider that holds the subject and closes the ticket as Done', () => {
    const r = results.get('amiqus-only') as TicketResult;
    expect(world.amiqus.ledger.count('delete_client', '73824')).toBe(1);
    expect(comments(world, r.ticket).some((c) => c.includes('Amiqus: erased'))).toBe(true);
    expect(comments(world, r.ticket).at(-1)).toContain('Erasure complete.');
  });

  it('attaches a compliance record whose hash chain verifies and whose SHA-256 the summary comment quotes', () => {
    for (const r of results.values()) {
      if (r.status === 'Needs attention') continue;
      const { json, sha256 } = record(world, r.ticket);
      expect(verifyComplianceRecord(json)).toEqual({ ok: true, problems: [] });
      expect(comments(world, r.ticket).some((c) => c.includes(sha256))).toBe(true);
      expect(json.ticketKey).toBe(r.ticket);
    }
  });

  it('detects a tampered compliance record', () => {
    const { json } = record(world, (results.get('all-three') as TicketResult).ticket);
    const events = json.events as Array<{ data: Record<string, unknown> }>;
    const tampered = {
      ...json,
      events: events.map((e, i) => (i === 2 ? { ...e, data: { ...e.data, by: '712020:someone-else' } } : e)),
    };
    expect(verifyComplianceRecord(tampered).ok).toBe(false);
    expect(verifyComplianceRecord({ ...json, outcome: { outcome: 'done', status: 'Done', at: 'x' } }).ok).toBe(false);
  });

  it('withholds a provider under legal hold, records the hold with its reason and expiry, and erases the rest', () => {
    const s = scenario('legal-hold');
    const r = results.get('legal-hold') as TicketResult;
    expect(world.genesys.ledger.count('delete_request', s.holds.genesys?.externalContactId as string)).toBe(0);
    expect(world.amiqus.ledger.count('delete_client', '73825')).toBe(1);
    const holds = record(world, r.ticket).json.legalHolds as Array<{
      reason: string;
      expiresOn: string;
      providers: string[];
    }>;
    expect(holds).toEqual([
      expect.objectContaining({ reason: s.legalHold?.reason, expiresOn: '2027-06-30', providers: ['genesys'] }),
    ]);
    expect(comments(world, r.ticket)[0]).toContain('Withheld under legal hold (GDPR Art. 17(3)(e)): Genesys Cloud');
  });

  it('sends a Genesys ERROR to a person with the request id, and never resubmits it', () => {
    const r = results.get('genesys-error') as TicketResult;
    expect(
      world.genesys.ledger.count('delete_request', 'eli.fault@example.org') +
        world.genesys.ledger.count('delete_request', 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e'),
    ).toBe(1);
    const settled = comments(world, r.ticket).find((c) => c.startsWith('Genesys Cloud: failed')) ?? '';
    expect(settled).toMatch(/Open a Genesys support case quoting request [0-9a-f-]{36}; do not resubmit/);
  });

  it('reports an Ada partial job with its per-identifier dispositions and the next step', () => {
    const r = results.get('ada-partial') as TicketResult;
    const settled = comments(world, r.ticket).find((c) => c.startsWith('Ada: partly erased')) ?? '';
    expect(settled).toContain('email: accepted');
    expect(settled).toContain('ada_chatter_id: exceeds_limit');
    expect(settled).toContain('Next step: Check with Ada');
  });

  it('rejects bad identifiers with one comment listing each field to fix, and calls no provider', () => {
    const r = results.get('bad-identifiers') as TicketResult;
    const [comment, ...others] = comments(world, r.ticket);
    expect(others).toHaveLength(0);
    expect(comment).toContain('Erasure not started. Nothing was sent to any provider.');
    expect(comment).toContain('Email: is not a valid email address');
    expect(comment).toContain('Phone numbers (line 1): must be in E.164 form');
    expect(world.genesys.ledger.entries.some((e) => e.subject.includes('gil.typo'))).toBe(false);
  });

  it('refuses a reporter approving their own request (four-eyes) before any provider is called', () => {
    const r = results.get('self-approval') as TicketResult;
    expect(comments(world, r.ticket)[0]).toContain('cannot approve it (four-eyes rule)');
    expect(world.amiqus.ledger.count('delete_client', '73826')).toBe(0);
    expect(r.jobs).toEqual({});
  });

  it('keeps identifiers out of its comments: kinds and provider references only', () => {
    for (const s of DEMO_SCENARIOS.filter((x) => x.subject.email && x.id !== 'bad-identifiers')) {
      const r = results.get(s.id) as TicketResult;
      for (const text of comments(world, r.ticket)) expect(text).not.toContain(s.subject.email as string);
    }
  });
});

/** Every provider erased; the ticket waits for the downstream systems the sandbox lists (src/app/downstream.ts). */
const PROVIDERS_DONE = 'Pending downstream';

describe('at-least-once delivery and crashes', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ duplicateDelivery: true });
  });
  afterEach(() => world.close());

  const settle = (ticket: string) =>
    world.runUntil(
      () =>
        TERMINAL_STATUSES.includes(world.jira.state.issues.get(ticket)?.status ?? '') &&
        world.platform.pendingEvents() === 0,
      86_400_000,
    );

  it('does not erase twice when the approval event and every queue event are delivered twice', async () => {
    const s = scenario('all-three');
    const ticket = world.openTicket(s);
    await world.move(ticket, 'Approved', DEMO_USERS.officer.accountId);
    const approval = world.jira.state.pending.find((e) => e.eventType === 'avi:jira:updated:issue');
    if (!approval) throw new Error('no approval event');
    await world.platform.deliverProductEvent(approval.eventType, approval.payload, { causedByApp: false });
    await settle(ticket);
    expect(world.jira.state.issues.get(ticket)?.status).toBe(PROVIDERS_DONE);
    expect(world.amiqus.ledger.count('delete_client', String(s.subject.amiqusClientId))).toBe(1);
    expect(world.genesys.ledger.count('delete_request', s.holds.genesys?.externalContactId as string)).toBe(1);
    expect(world.ada.jobCount()).toBe(1);
    expect(comments(world, ticket).filter((c) => c.startsWith('Erasure started'))).toHaveLength(1);
    expect(world.jira.state.issues.get(ticket)?.attachments).toHaveLength(1);
  });

  it('ignores an approval event that arrives after the ticket has left the approval status', async () => {
    const s = scenario('amiqus-only');
    const ticket = world.openTicket(s);
    await world.move(ticket, 'Approved', DEMO_USERS.officer.accountId);
    await world.move(ticket, 'Verifying identity', DEMO_USERS.officer.accountId);
    const [approved, withdrawn] = world.jira.state.pending
      .splice(0)
      .filter((e) => e.eventType === 'avi:jira:updated:issue');
    // Delivered out of order: the withdrawal first, then the stale approval.
    for (const e of [withdrawn, approved])
      if (e) await world.platform.deliverProductEvent(e.eventType, e.payload, { causedByApp: false });
    await world.pump();
    expect(world.amiqus.ledger.count('delete_client', String(s.subject.amiqusClientId))).toBe(0);
    expect(await jobStore.listForCase(ticket)).toEqual([]);
    expect(world.jira.state.issues.get(ticket)?.status).toBe('Verifying identity');
  });

  it('reconciles instead of resubmitting when it crashes between the provider’s answer and its own record', async () => {
    const s = scenario('ada-and-genesys');
    const ticket = world.openTicket(s);
    world.platform.duplicateDelivery = false;
    // The first write of the Genesys job after submission fails: the worker dies with the request made.
    world.platform.kvs.failNextWrite(
      (op, body) => op === 'transaction' && body.includes(`${ticket}:genesys`) && body.includes('"submitted"'),
    );
    await world.move(ticket, 'Approved', DEMO_USERS.officer.accountId);
    await settle(ticket);
    expect(world.jira.state.issues.get(ticket)?.status).toBe(PROVIDERS_DONE);
    expect(world.genesys.requestCount('GDPR_DELETE')).toBe(1);
    const events = record(world, ticket).json.events as Array<{
      kind: string;
      data: { provider?: string; reconciled?: boolean };
    }>;
    expect(
      events.some((e) => e.kind === 'request_sent' && e.data.provider === 'genesys' && e.data.reconciled === true),
    ).toBe(true);
  });

  it('adopts the existing Genesys request when the connection drops after Genesys accepted it', async () => {
    const s = scenario('ada-and-genesys');
    const ticket = world.openTicket(s);
    world.platform.duplicateDelivery = false;
    world.genesys.faults.inject('POST /api/v2/gdpr/requests', { kind: 'dropAfterCommit' });
    await world.move(ticket, 'Approved', DEMO_USERS.officer.accountId);
    await settle(ticket);
    expect(world.jira.state.issues.get(ticket)?.status).toBe(PROVIDERS_DONE);
    expect(world.genesys.requestCount('GDPR_DELETE')).toBe(1);
  });
});
