import { QueueThrottled } from '../../src/app/ports';
import { pollProviderStatus } from '../../src/app/poll';
import { SharedRateBudget, type RateBudgetStore } from '../../src/app/rate-budget';
import { runErasureJob, runJobGroup } from '../../src/app/run-job';
import type { BudgetState } from '../../src/core/rate-budget';
import type { JobMessage } from '../../src/core/records';
import type { ErasureProvider } from '../../src/providers/port';
import { approve } from './support/approval';
import { createWorld, type World } from './support/world';

/**
 * A backlog within Forge's limits: an installation may push 500 events a minute, so a push Forge refuses must
 * lose nothing, the poll dispatches what was left in groups of one provider's jobs per event, the worker runs a
 * group in turn, and a job of a group that must wait for rate budget takes the rest of the group along.
 */

/** Forge refusing every push (its per-installation rate) until `open` is called. */
function throttleQueue(world: World): { open: () => void } {
  const push = world.queue.push.bind(world.queue);
  let refusing = true;
  world.queue.push = async (messages, delaySeconds) => {
    if (refusing) throw new QueueThrottled();
    return push(messages, delaySeconds);
  };
  return { open: () => void (refusing = false) };
}

/** A rate budget on an in-memory record, written only at the version read (as rate-budget-store does on KVS). */
function memoryBudget(world: World, limit: number): SharedRateBudget {
  let record: { state: BudgetState; version: number } | undefined;
  const store: RateBudgetStore = {
    read: async (_key: string) => record && { state: structuredClone(record.state), version: record.version },
    write: async (_key: string, state: BudgetState, expected: number | null) => {
      if ((record?.version ?? null) !== expected) return false;
      record = { state: structuredClone(state), version: (record?.version ?? 0) + 1 };
      return true;
    },
  };
  return new SharedRateBudget({
    key: 'amiqus:test',
    windows: [{ limit, windowMs: 60_000 }],
    store,
    now: () => world.deps.now().getTime(),
    adoptStatedLimit: false,
  });
}

/** Amiqus behind a budget each invocation builds afresh (as buildDeps does), spending one call per submit. */
function amiqusOnBudget(world: World, limit: number): void {
  const budget = memoryBudget(world, limit);
  const fake = world.providers.amiqus;
  const onBudget: ErasureProvider = {
    callsToSubmit: () => 1,
    pollStatus: (refs) => fake.pollStatus(refs),
    submitErasure: async (subject, ref) => {
      const decision = await budget.acquire();
      if (!decision.ok) throw new Error('the submit ran without budget');
      return fake.submitErasure(subject, ref);
    },
  };
  world.deps.provider = async (id) => (id === 'amiqus' ? onBudget : undefined);
  world.deps.budget = async (id) => (id === 'amiqus' ? budget : undefined);
}

async function approveBacklog(world: World, n: number, fields: Parameters<World['ticket']>[0] = {}): Promise<string[]> {
  const keys = Array.from({ length: n }, (_, i) => world.ticket({ amiqusClientId: 5000 + i, ...fields }));
  for (const key of keys) await approve(world, key);
  return keys;
}

describe('dispatching a backlog within Forge queue limits', () => {
  it('a push Forge refuses leaves the jobs due for the poll, and the approval still comments and records', async () => {
    const world = createWorld();
    const gate = throttleQueue(world);
    const key = world.ticket();

    const result = await approve(world, key);

    expect(result).toMatchObject({ kind: 'started' });
    expect(world.jira.comments(key).join('\n')).toMatch(/erasure/i);
    expect(world.queue.pushed).toEqual([]);
    const now = world.deps.now().getTime();
    for (const provider of ['amiqus', 'ada'] as const)
      expect(await world.store.jobs.get(key, provider)).toMatchObject({ state: 'pending', nextPollAt: now });

    gate.open();
    world.advance(60_000);
    const report = await pollProviderStatus(world.deps, 10_000);
    expect(report.redispatched).toBe(2);
    expect(
      world.queue
        .take()
        .map((m) => m.provider)
        .sort(),
    ).toEqual(['ada', 'amiqus']);
  });

  it('the poll dispatches what was left in groups of one provider, 25 jobs an event', async () => {
    const world = createWorld();
    const gate = throttleQueue(world);
    const keys = await approveBacklog(world, 30);
    gate.open();
    world.advance(60_000);

    const report = await pollProviderStatus(world.deps, 10_000);

    expect(report.redispatched).toBe(60);
    const events = world.queue.take();
    expect(events.map((e) => [e.provider, 1 + (e.then?.length ?? 0)])).toEqual([
      ['amiqus', 25],
      ['amiqus', 5],
      ['ada', 25],
      ['ada', 5],
    ]);
    const amiqusTickets = events.filter((e) => e.provider === 'amiqus').flatMap((e) => [e, ...(e.then ?? [])]);
    expect(amiqusTickets.map((j) => j.ticketKey).sort()).toEqual([...keys].sort());
    // Dispatched jobs are not due again while their group works through them.
    world.advance(10 * 60_000);
    expect((await pollProviderStatus(world.deps, 10_000)).redispatched).toBe(0);
  });

  it('one delivery runs every job of its group, once each however often it is delivered', async () => {
    const world = createWorld();
    const gate = throttleQueue(world);
    const keys = await approveBacklog(world, 30, { email: null, adaChatterId: null });
    gate.open();
    world.advance(60_000);
    await pollProviderStatus(world.deps, 10_000);
    const events = world.queue.take();

    for (const event of [...events, ...events]) await runJobGroup(world.deps, event, 30_000);

    expect(new Set(world.providers.amiqus.erased).size).toBe(30);
    expect(world.providers.amiqus.erased).toHaveLength(30);
    for (const key of keys) expect((await world.store.jobs.get(key, 'amiqus'))?.state).toBe('completed');
  });

  it('a job of a group that must wait for rate budget takes the rest along, to the slot reserved for them', async () => {
    const world = createWorld();
    const gate = throttleQueue(world);
    const keys = await approveBacklog(world, 10, { email: null, adaChatterId: null });
    amiqusOnBudget(world, 4);
    gate.open();
    world.advance(60_000);
    await pollProviderStatus(world.deps, 10_000);
    const [group] = world.queue.take() as [JobMessage];

    const first = await runJobGroup(world.deps, group, 30_000);

    // The first job booked for four (the budget's whole minute), the fifth found none and took the rest along.
    expect(world.providers.amiqus.erased).toHaveLength(4);
    expect(first).toMatchObject({ kind: 'deferred', withGroup: true });
    const [waiting] = world.queue.pushed;
    expect(waiting?.message).toMatchObject({ ticketKey: keys[4], provider: 'amiqus' });
    expect(waiting?.message.then?.map((j) => j.ticketKey)).toEqual(keys.slice(5));
    expect(waiting?.message.slot?.calls).toBe(4);
    expect(waiting?.delaySeconds).toBeGreaterThan(0);

    // Delivered at its slot, the group goes on where it stopped.
    world.queue.take();
    world.advance((waiting?.delaySeconds ?? 0) * 1000);
    await runJobGroup(world.deps, waiting?.message as JobMessage, 30_000);
    expect(world.providers.amiqus.erased).toHaveLength(8);
  });

  it('a re-queue Forge refuses asks for the same event again, with its reserved slot', async () => {
    const world = createWorld();
    const key = world.ticket({ email: null, adaChatterId: null });
    await approve(world, key);
    const [message] = world.queue.take() as [JobMessage];
    amiqusOnBudget(world, 1);
    await world.deps.budget?.('amiqus').then((b) => b?.acquire());
    throttleQueue(world);

    const result = await runErasureJob(world.deps, message);

    expect(result).toMatchObject({ kind: 'redeliver', slot: { calls: 1 } });
    expect(world.providers.amiqus.erased).toEqual([]);
  });
});
