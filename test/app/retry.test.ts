import { requestRetry } from '../../src/app/retry';
import { identifierKey } from '../../src/core/legal-hold';
import { approve, deliverQueue, pollUntilSettled } from './support/approval';
import { createWorld, OFFICER } from './support/world';

describe('retry of a settled case (use case against in-memory ports)', () => {
  it('refuses while erasure is still running', async () => {
    const world = createWorld();
    const key = world.ticket();
    await approve(world, key);

    expect(await requestRetry(world.deps, key, OFFICER)).toEqual({
      ok: false,
      message: 'Erasure is still running; retry is possible once every provider has settled.',
    });
  });

  it('restarts only the provider that failed, as a new attempt with its own idempotency key, and never redoes a completed one', async () => {
    const world = createWorld();
    world.providers.ada.result = 'failed';
    const key = world.ticket();
    await approve(world, key);
    await deliverQueue(world);
    await pollUntilSettled(world);
    expect(world.jira.ticket(key).status).toBe('Erasure blocked');

    world.providers.ada.result = 'completed';
    const retried = await requestRetry(world.deps, key, OFFICER);

    expect(retried).toEqual({ ok: true, providers: ['ada'] });
    expect(await world.store.jobs.get(key, 'ada')).toMatchObject({ state: 'pending', attempt: 2 });
    expect(await world.store.cases.get(key)).toMatchObject({ phase: 'open', round: 2 });
    await deliverQueue(world);
    await pollUntilSettled(world);

    expect(world.jira.ticket(key).status).toBe('Done');
    expect(world.providers.amiqus.submitCalls).toBe(1);
    expect([...world.providers.ada.requests.values()].map((r) => r.key)).toEqual([key, `${key}~ada~2`]);
    expect(world.jira.ticket(key).attachments.map((a) => a.filename)).toEqual([
      `erasure-record-${key}-round-1.json`,
      `erasure-record-${key}-round-2.json`,
    ]);
  });

  it('restarts a job held under a legal hold once that hold has ended, and not while it is in force', async () => {
    const world = createWorld();
    await world.store.holds.save({
      id: 'hold-litig2',
      reason: 'Litigation hold: claim 2026/115',
      createdBy: 'acc-admin',
      createdAt: '2026-03-01T10:00:00Z',
      expiresOn: '2026-03-20',
      identifierKeys: [identifierKey('email', 'ana@example.com')],
      providers: ['ada'],
    });
    const key = world.ticket();
    await approve(world, key);
    await deliverQueue(world);
    expect(world.jira.ticket(key).status).toBe('Erasure blocked');
    expect(await world.store.jobs.get(key, 'ada')).toMatchObject({
      state: 'blocked_legal_hold',
      holdId: 'hold-litig2',
    });

    expect(await requestRetry(world.deps, key, OFFICER)).toEqual({
      ok: false,
      message: 'Nothing to retry: every provider completed or is still under legal hold.',
    });

    world.advance(11 * 86_400_000);
    expect(await requestRetry(world.deps, key, OFFICER)).toEqual({ ok: true, providers: ['ada'] });
    expect(await world.store.jobs.get(key, 'ada')).toMatchObject({
      state: 'pending',
      attempt: 2,
      holdId: null,
      pollQueue: 'waiting',
    });
    const transitions = (await world.store.audit.list(key)).filter(
      (e) => e.kind === 'job_transition' && e.data.provider === 'ada',
    );
    expect(transitions.map((e) => e.kind === 'job_transition' && [e.data.from, e.data.to, e.data.attempt])).toEqual([
      ['pending', 'blocked_legal_hold', 1],
      ['blocked_legal_hold', 'pending', 2],
    ]);
    await deliverQueue(world);
    await pollUntilSettled(world);
    expect(world.jira.ticket(key).status).toBe('Done');
  });
});
