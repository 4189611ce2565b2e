import { MAX_SWEEP_FAILURES, sweepApprovalInbox } from '../../src/app/approval-inbox';
import { handleApproval } from '../../src/app/approve';
import { pollProviderStatus } from '../../src/app/poll';
import { verifyAuditChain } from '../../src/core/audit';
import { deliverQueue, pollUntilSettled } from './support/approval';
import { createWorld, OFFICER, type World } from './support/world';

/**
 * Forge does not redeliver a trigger whose invocation was killed or timed out. These tests kill the approval's
 * invocation at a storage step (the step never answers, so nothing after it runs and its claim is not
 * released, as when the container dies) and check that the poll's inbox sweep finishes the approval, once.
 */

const MINUTE = 60_000;
/** The tickets' changelog, as Jira gives it: the officer's move into Approved under the event's changelog id. */
const changelog = {
  statusMoves: async () => [
    { changelogId: '9001', accountId: OFFICER, at: '2026-03-10T09:00:00.000Z', to: 'Approved' },
  ],
};
const never = () => new Promise<never>(() => undefined);
const nobodyIsLate = () => false;

function approvalEvent(world: World, key: string, changelogId = '9001') {
  world.jira.setStatus(key, 'Approved');
  return { issueKey: key, changelogId, toStatus: 'Approved', actorAccountId: OFFICER };
}

/** Starts an approval whose invocation dies at the `n`th call of `step` (it never resolves). */
function approvalDyingAt(world: World, key: string, step: 'jobs.create' | 'cases.create', n: number) {
  const [area, method] = step.split('.') as ['jobs' | 'cases', 'create'];
  const target = world.store[area] as unknown as { create: (...args: unknown[]) => Promise<unknown> };
  const real = target[method].bind(target);
  let calls = 0;
  target[method] = (...args: unknown[]) => {
    calls += 1;
    return calls === n ? never() : real(...args);
  };
  void handleApproval(world.deps, approvalEvent(world, key));
  return () => {
    target[method] = real;
  };
}

/** Lets the dead invocation's pending promises run to where they stop. */
const settleMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

describe('approvals whose invocation died, finished by the status poll from the inbox', () => {
  it('finishes an approval that died after recording the case and making one of its jobs: nothing twice, nothing closed early', async () => {
    const world = createWorld();
    const key = world.ticket();
    const revive = approvalDyingAt(world, key, 'jobs.create', 2);
    await settleMicrotasks();
    revive();

    const recorded = await world.store.cases.get(key);
    expect(recorded?.opening?.providers).toEqual(['amiqus', 'ada']);
    expect((await world.store.jobs.listForCase(key)).map((j) => j.provider)).toEqual(['amiqus']);
    expect(world.jira.comments(key)).toEqual([]);

    // The poll finds the Amiqus job never dispatched (pending for 10 minutes) and runs it; its success must
    // not close the case.
    world.advance(11 * MINUTE);
    await pollProviderStatus(world.deps, 10_000);
    await deliverQueue(world);
    expect(world.providers.amiqus.erased).toHaveLength(1);
    expect((await world.store.cases.get(key))?.phase).toBe('open');
    expect(world.jira.ticket(key).status).toBe('Approved');

    // Before the dead invocation's claim lapses the sweep leaves the approval alone.
    expect(await sweepApprovalInbox(world.deps, changelog, nobodyIsLate)).toEqual({
      handled: 0,
      failed: 0,
      abandoned: 0,
    });
    world.advance(6 * MINUTE);
    expect(await sweepApprovalInbox(world.deps, changelog, nobodyIsLate)).toEqual({
      handled: 1,
      failed: 0,
      abandoned: 0,
    });

    expect((await world.store.jobs.listForCase(key)).map((j) => j.provider)).toEqual(['amiqus', 'ada']);
    expect((await world.store.cases.get(key))?.opening).toBeUndefined();
    expect(world.jira.comments(key).filter((c) => c.includes('Erasure started'))).toHaveLength(1);
    expect(world.rows.approvals.size).toBe(0);

    await deliverQueue(world);
    await pollUntilSettled(world);
    expect(world.jira.ticket(key).status).toBe('Done');
    expect(world.providers.amiqus.erased).toHaveLength(1);
    expect(world.providers.ada.erased).toHaveLength(1);
    const audit = await world.store.audit.list(key);
    const kinds = audit.map((e) => e.kind);
    for (const once of ['case_opened', 'subject_recorded', 'approved', 'deadline_set', 'case_closed'])
      expect(kinds.filter((k) => k === once)).toHaveLength(1);
    expect(kinds.filter((k) => k === 'job_planned')).toHaveLength(2);
    expect(verifyAuditChain(key, audit).ok).toBe(true);
  });

  it('handles an approval that died before recording the case as if it had just arrived', async () => {
    const world = createWorld();
    const key = world.ticket();
    const revive = approvalDyingAt(world, key, 'cases.create', 1);
    await settleMicrotasks();
    revive();
    expect(await world.store.cases.get(key)).toBeUndefined();

    world.advance(17 * MINUTE);
    expect((await sweepApprovalInbox(world.deps, changelog, nobodyIsLate)).handled).toBe(1);

    expect((await world.store.jobs.listForCase(key)).map((j) => j.provider)).toEqual(['amiqus', 'ada']);
    expect(world.jira.ticket(key).status).toBe('Erasure in progress');
    expect(world.jira.comments(key).filter((c) => c.includes('Erasure started'))).toHaveLength(1);
    expect(world.rows.approvals.size).toBe(0);
  });

  it('leaves nothing in the inbox after an approval handled in one go, or after one it refused', async () => {
    const world = createWorld();
    const key = world.ticket();
    expect((await handleApproval(world.deps, approvalEvent(world, key))).kind).toBe('started');
    const incomplete = world.ticket({ email: null, amiqusClientId: null });
    expect((await handleApproval(world.deps, approvalEvent(world, incomplete, '9002'))).kind).toBe('rejected');
    expect(world.rows.approvals.size).toBe(0);
  });

  it('retries an approval that keeps failing at every sweep, then drops it after a day of attempts and says so in the log', async () => {
    const world = createWorld();
    const key = world.ticket();
    const realGet = world.jira.getIssue.bind(world.jira);
    world.jira.getIssue = () => Promise.reject(new Error('Jira unavailable'));
    await expect(handleApproval(world.deps, approvalEvent(world, key))).rejects.toThrow('Jira unavailable');
    expect(world.rows.approvals.size).toBe(1);

    // A day passes without a sweep (the poll did not run, or the clock jumped): that is no attempt.
    world.advance(25 * 60 * MINUTE);
    for (let sweep = 1; sweep <= MAX_SWEEP_FAILURES; sweep += 1) {
      expect(await sweepApprovalInbox(world.deps, changelog, nobodyIsLate)).toEqual({
        handled: 0,
        failed: 1,
        abandoned: 0,
      });
      world.advance(5 * MINUTE);
    }
    expect(world.rows.approvals.size).toBe(1);
    expect(await sweepApprovalInbox(world.deps, changelog, nobodyIsLate)).toEqual({
      handled: 0,
      failed: 0,
      abandoned: 1,
    });
    expect(world.rows.approvals.size).toBe(0);
    expect(world.logs).toContain(
      'approval abandoned after a day of failed attempts; move the ticket to the approval status again',
    );
    world.jira.getIssue = realGet;
  });

  it('drops an entry whose move the ticket’s changelog does not have, and handles nothing', async () => {
    const world = createWorld();
    const key = world.ticket();
    await world.store.approvals.put({
      ticketKey: key,
      changelogId: '4040',
      toStatus: 'Approved',
      receivedAt: '2026-03-10T08:00:00.000Z',
      sweepFailures: 0,
    });
    expect(await sweepApprovalInbox(world.deps, changelog, nobodyIsLate)).toEqual({
      handled: 0,
      failed: 0,
      abandoned: 1,
    });
    expect(world.rows.approvals.size).toBe(0);
    expect(await world.store.cases.get(key)).toBeUndefined();
  });
});
