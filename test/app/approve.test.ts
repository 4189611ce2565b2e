import { handleApproval } from '../../src/app/approve';
import { identifierKey } from '../../src/core/legal-hold';
import { verifyAuditChain } from '../../src/core/audit';
import { approve } from './support/approval';
import { createWorld, OFFICER, REQUESTER } from './support/world';

describe('approval of a DSAR ticket (use case against in-memory ports)', () => {
  it('plans one job per provider the subject is known to, queues them and records the approval in a valid audit chain', async () => {
    const world = createWorld();
    const key = world.ticket();

    const result = await approve(world, key);

    expect(result).toEqual({ kind: 'started', providers: ['amiqus', 'ada'], held: [] });
    expect(world.queue.pushed.map((p) => p.message)).toEqual([
      { ticketKey: key, provider: 'amiqus', attempt: 1 },
      { ticketKey: key, provider: 'ada', attempt: 1 },
    ]);
    expect((await world.store.jobs.listForCase(key)).map((j) => [j.provider, j.state])).toEqual([
      ['amiqus', 'pending'],
      ['ada', 'pending'],
    ]);
    expect(world.jira.ticket(key).status).toBe('Erasure in progress');
    expect(world.jira.comments(key)[0]).toContain('Erasure started at Amiqus, Ada.');
    const audit = await world.store.audit.list(key);
    expect(audit.map((e) => e.kind)).toEqual([
      'case_opened',
      'subject_recorded',
      'approved',
      'deadline_set',
      'job_planned',
      'job_planned',
    ]);
    expect(verifyAuditChain(key, audit).ok).toBe(true);
  });

  it('does not plan twice when the approval event is delivered twice', async () => {
    const world = createWorld();
    const key = world.ticket();
    world.jira.setStatus(key, 'Approved');
    const event = { issueKey: key, changelogId: '7001', toStatus: 'Approved', actorAccountId: OFFICER };

    await handleApproval(world.deps, event);
    const second = await handleApproval(world.deps, event);

    expect(second).toEqual({ kind: 'ignored', reason: 'approval already handled' });
    expect(world.queue.pushed).toHaveLength(2);
    expect(world.jira.comments(key)).toHaveLength(1);
  });

  it('refuses an approval by the person who raised the request, says why on the ticket, and sends nothing', async () => {
    const world = createWorld();
    world.jira.grantRole('DSAR', 'Privacy Officer', REQUESTER);
    const key = world.ticket();

    const result = await approve(world, key, REQUESTER);

    expect(result.kind).toBe('rejected');
    expect(world.queue.pushed).toEqual([]);
    expect(await world.store.cases.get(key)).toBeUndefined();
    expect(world.jira.ticket(key).status).toBe('Needs attention');
    expect(world.jira.comments(key)[0]).toContain('four-eyes rule');
  });

  it('refuses an approver who holds neither the approval role nor an approval group', async () => {
    const world = createWorld();
    const key = world.ticket();

    const result = await approve(world, key, 'acc-someone-else');

    expect(result.kind).toBe('rejected');
    expect(world.jira.comments(key)[0]).toContain('not allowed to approve erasures');
  });

  it('accepts an approver by group membership when they are not in the project role', async () => {
    const world = createWorld();
    world.jira.groups.set('acc-group-officer', ['privacy-officers']);
    const key = world.ticket();

    expect((await approve(world, key, 'acc-group-officer')).kind).toBe('started');
  });

  it('withholds a provider under an active legal hold and records the hold on the job and in the audit trail', async () => {
    const world = createWorld();
    await world.store.holds.save({
      id: 'hold-litig1',
      reason: 'Litigation hold: claim 2026/114',
      createdBy: 'acc-admin',
      createdAt: '2026-03-01T10:00:00Z',
      expiresOn: null,
      identifierKeys: [identifierKey('email', 'ana@example.com')],
      providers: ['ada'],
    });
    const key = world.ticket();

    const result = await approve(world, key);

    expect(result).toEqual({ kind: 'started', providers: ['amiqus'], held: ['ada'] });
    const ada = await world.store.jobs.get(key, 'ada');
    expect(ada?.state).toBe('blocked_legal_hold');
    expect(ada?.pollQueue).toBe('idle');
    expect(world.queue.pushed.map((p) => p.message.provider)).toEqual(['amiqus']);
    expect((await world.store.audit.list(key)).map((e) => e.kind)).toContain('legal_hold_applied');
  });
});
