import { verifyAuditChain } from '../../src/core/audit';
import { isActorCommitment, opens } from '../../src/core/actor-commitment';
import { verifyComplianceRecord } from '../../src/core/compliance-record';
import { accountRegistry } from '../../src/store/account-registry';
import { auditStore } from '../../src/store/audit-store';
import { caseStore } from '../../src/store/kvs-store';
import { runScenarios } from '../../sandbox/demo/run';
import { DEMO_SCENARIOS } from '../../sandbox/demo/scenarios';
import { createDemoState, DEMO_USERS } from '../../sandbox/jira/demo-seed';
import { type JiraEmulator, startJiraEmulator } from '../../sandbox/jira/server';
import { startWorld, type World } from '../../sandbox/world';

/**
 * Atlassian's personal data reporting, end to end in the sandbox: the daily scheduled trigger reports every
 * stored account id once a 7-day cycle, at most 90 a call, resumes after a 429 where it stopped, and erases
 * a closed account everywhere the app stored it while the audit trail keeps verifying.
 */

const DAY = 86_400_000;
const SYNTHETIC = Array.from({ length: 200 }, (_, i) => `712020:synthetic-${String(i).padStart(3, '0')}`);

describe('personal data reporting', () => {
  let world: World;
  let ticket: string;
  const reports = () => world.jira.state.personalData.reports;

  beforeAll(async () => {
    world = await startWorld();
    const [result] = await runScenarios(
      world,
      DEMO_SCENARIOS.filter((s) => s.id === 'amiqus-only'),
    );
    ticket = result?.ticket as string;
    // Enough stored accounts to need several calls a cycle.
    for (const id of SYNTHETIC)
      await accountRegistry.note(id, '2026-11-01T00:00:00.000Z', { kind: 'case', ticketKey: 'DSAR-999' });
  }, 300_000);
  afterAll(() => world.close());

  it('keeps account ids out of the hashed audit trail, behind salted commitments that open to the actor', async () => {
    const events = await auditStore.list(ticket);
    const approved = events.find((e) => e.kind === 'approved') as { data: { by: string } } | undefined;
    expect(isActorCommitment(approved?.data.by ?? '')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(DEMO_USERS.officer.accountId);
    const opening = await auditStore.openActor(approved?.data.by as string);
    expect(opening?.accountId).toBe(DEMO_USERS.officer.accountId);
    expect(opens(approved?.data.by as string, opening as NonNullable<typeof opening>)).toBe(true);
  });

  it('reports every stored account once a cycle, at most 90 a call', async () => {
    const before = reports().length;
    await world.runUntil(() => false, DAY, 60 * 60_000);
    const cycle = reports()
      .slice(before)
      .filter((r) => r.status === 200);
    expect(cycle.length).toBeGreaterThanOrEqual(3);
    for (const r of cycle) expect(r.accountIds.length).toBeLessThanOrEqual(90);
    const ids = cycle.flatMap((r) => r.accountIds);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [...SYNTHETIC, DEMO_USERS.officer.accountId]) expect(ids).toContain(id);
  });

  it('does not report again before the 7-day cycle comes round', async () => {
    const before = reports().length;
    await world.runUntil(() => false, 3 * DAY, 6 * 60 * 60_000);
    expect(reports().length).toBe(before);
  });

  it('stops on a 429 and resumes where it stopped after Retry-After, reporting no account twice', async () => {
    world.jira.state.personalData.throttle = { calls: 1, retryAfterSeconds: 6 * 3600 };
    const before = reports().length;
    await world.runUntil(() => false, 5 * DAY, 6 * 60 * 60_000);
    const cycle = reports().slice(before);
    expect(cycle[0]?.status).toBe(429);
    const ids = cycle.filter((r) => r.status === 200).flatMap((r) => r.accountIds);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of SYNTHETIC) expect(ids).toContain(id);
  });

  it('erases a closed account everywhere it is stored, and the audit chain and compliance record still verify', async () => {
    const officer = DEMO_USERS.officer.accountId;
    const approved = (await auditStore.list(ticket)).find((e) => e.kind === 'approved') as { data: { by: string } };
    world.jira.state.personalData.closed.add(officer);
    await world.runUntil(() => false, 8 * DAY, 6 * 60 * 60_000);
    expect(await auditStore.openActor(approved.data.by)).toBeNull();
    expect((await caseStore.get(ticket))?.approvedBy).toBe('erased-account');
    expect(await accountRegistry.places(officer)).toEqual([]);
    const events = await auditStore.list(ticket);
    expect(verifyAuditChain(ticket, events).ok).toBe(true);
    const attachment = world.jira.state.issues.get(ticket)?.attachments.find((a) => a.filename.endsWith('.json'));
    expect(verifyComplianceRecord(JSON.parse(attachment?.bytes.toString('utf8') ?? '{}')).ok).toBe(true);
    // Reported once more in the next cycle? No: the account is no longer stored.
    const before = reports().length;
    await world.runUntil(() => false, 8 * DAY, 12 * 60 * 60_000);
    expect(
      reports()
        .slice(before)
        .flatMap((r) => r.accountIds),
    ).not.toContain(officer);
  }, 120_000);
});

describe('the reporting endpoint in the Jira emulator', () => {
  let jira: JiraEmulator;
  afterEach(() => jira.close());
  const post = (body: unknown) =>
    fetch(`${jira.url}/app/report-accounts`, {
      method: 'POST',
      headers: { 'x-sandbox-actor': 'app', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const accounts = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ accountId: `a-${i}`, updatedAt: '2026-11-01T00:00:00.000Z' }));

  it('refuses more than 90 accounts a call, and malformed entries, with 400', async () => {
    jira = await startJiraEmulator(createDemoState(() => new Date('2026-11-25T09:00:00Z')));
    expect((await post({ accounts: accounts(91) })).status).toBe(400);
    expect((await post({ accounts: [{ accountId: 'a', updatedAt: 'yesterday' }] })).status).toBe(400);
    expect((await post({ accounts: accounts(90) })).status).toBe(204);
  });

  it('answers closed and updated accounts, and refuses an app without report:personal-data', async () => {
    const state = createDemoState(() => new Date('2026-11-25T09:00:00Z'));
    state.personalData.closed.add('a-1');
    state.personalData.profileUpdatedAt.set('a-2', '2026-11-20T00:00:00.000Z');
    jira = await startJiraEmulator(state);
    const answer = await post({ accounts: accounts(3) });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      accounts: [
        { accountId: 'a-1', status: 'closed' },
        { accountId: 'a-2', status: 'updated' },
      ],
    });
    await jira.close();
    jira = await startJiraEmulator(state, { scopes: ['storage:app'] });
    expect((await post({ accounts: accounts(1) })).status).toBe(401);
  });
});
