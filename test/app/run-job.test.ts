import { SharedRateBudget, type RateBudgetStore } from '../../src/app/rate-budget';
import { runErasureJob } from '../../src/app/run-job';
import { approve, deliverQueue } from './support/approval';
import { createWorld, FIELDS } from './support/world';

describe('the erasure job worker (use case against in-memory ports)', () => {
  it('submits each job once and records the provider reference, however often the event is delivered', async () => {
    const world = createWorld();
    const key = world.ticket();
    await approve(world, key);
    const messages = world.queue.take();

    for (const message of [...messages, ...messages]) await runErasureJob(world.deps, message);

    expect(world.providers.ada.submitCalls).toBe(1);
    expect(world.providers.amiqus.erased).toEqual([key]);
    const ada = await world.store.jobs.get(key, 'ada');
    expect(ada).toMatchObject({ state: 'submitted', providerRef: 'ada-req-1', pollQueue: 'waiting' });
    expect((await world.store.jobs.get(key, 'amiqus'))?.state).toBe('completed');
    const sent = (await world.store.audit.list(key)).filter((e) => e.kind === 'request_sent');
    expect(sent).toHaveLength(2);
  });

  it('comes back later when the provider throttles, waiting at least its Retry-After, and then submits', async () => {
    const world = createWorld();
    const key = world.ticket({ amiqusClientId: null });
    await approve(world, key);
    world.providers.ada.throttleNext(120_000);

    const [first] = await deliverQueue(world);

    expect(first).toEqual({ kind: 'deferred', delaySeconds: 120 });
    expect(world.queue.pushed).toEqual([
      { message: { ticketKey: key, provider: 'ada', attempt: 1 }, delaySeconds: 120 },
    ]);
    expect(await world.store.jobs.get(key, 'ada')).toMatchObject({ state: 'pending', transientFailures: 1 });

    world.advance(120_000);
    const [second] = await deliverQueue(world);
    expect(second).toEqual({ kind: 'recorded', state: 'submitted' });
    expect(world.providers.ada.requests.size).toBe(1);
  });

  it('sends nothing and asks for a person when the identifiers on the ticket changed after approval', async () => {
    const world = createWorld();
    const key = world.ticket();
    await approve(world, key);
    world.jira.ticket(key).fields[FIELDS.email] = 'someone.else@example.com';

    await deliverQueue(world);

    expect(world.providers.ada.submitCalls).toBe(0);
    expect(world.providers.amiqus.submitCalls).toBe(0);
    const ada = await world.store.jobs.get(key, 'ada');
    expect(ada?.state).toBe('needs_attention');
    expect(ada?.detail).toContain('identifiers on the ticket changed after approval');
  });

  it('ignores an event for an earlier attempt', async () => {
    const world = createWorld();
    const key = world.ticket();
    await approve(world, key);
    world.queue.take();

    expect(await runErasureJob(world.deps, { ticketKey: key, provider: 'ada', attempt: 2 })).toEqual({
      kind: 'ignored',
      reason: 'event for an earlier attempt',
    });
  });

  it('reads the ticket once per submit: a worker the rate budget sends away reads it when it comes back, not before', async () => {
    const world = createWorld();
    // One Ada call a minute, shared by every worker (the real budget, on a store kept in memory).
    const store = memoryBudgetStore();
    world.deps.budget = async (id) =>
      new SharedRateBudget({
        key: `budget:${id}`,
        windows: [{ limit: 1, windowMs: 60_000 }],
        store,
        now: () => world.deps.now().getTime(),
        adoptStatedLimit: false,
      });
    const first = world.ticket({ amiqusClientId: null });
    const second = world.ticket({ amiqusClientId: null, email: 'ben@example.com' });
    await approve(world, first);
    await approve(world, second);
    const readsAtApproval = new Map(world.jira.reads);

    const [submitted, sentAway] = await deliverQueue(world);

    expect(submitted).toEqual({ kind: 'recorded', state: 'submitted' });
    expect(sentAway).toMatchObject({ kind: 'deferred' });
    const readsSince = (key: string) => (world.jira.reads.get(key) ?? 0) - (readsAtApproval.get(key) ?? 0);
    expect([readsSince(first), readsSince(second)]).toEqual([1, 0]);

    world.advance((sentAway as { delaySeconds: number }).delaySeconds * 1000);
    const [cameBack] = await deliverQueue(world);

    expect(cameBack).toEqual({ kind: 'recorded', state: 'submitted' });
    expect([readsSince(first), readsSince(second)]).toEqual([1, 1]);
    expect(world.providers.ada.submitCalls).toBe(2);
  });
});

function memoryBudgetStore(): RateBudgetStore {
  const rows = new Map<string, { state: Parameters<RateBudgetStore['write']>[1]; version: number }>();
  return {
    async read(key) {
      return rows.get(key);
    },
    async write(key, state, expectedVersion) {
      const row = rows.get(key);
      if ((row?.version ?? null) !== expectedVersion) return false;
      rows.set(key, { state, version: (row?.version ?? 0) + 1 });
      return true;
    },
  };
}
