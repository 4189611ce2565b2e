import { firstReadDelayMs, learnCompletions } from '../../src/app/completion-estimate';
import type { JobDurationLog } from '../../src/app/ports';
import type { ProviderId } from '../../src/core/erasure';
import type { PollResult } from '../../src/providers/port';
import { approve, deliverQueue } from './support/approval';
import { createWorld, type World } from './support/world';

/**
 * Ada has no completion webhook and its jobs "can take up to 30 days": a job is first read when the recent ones
 * had finished, by Ada's own timestamps, so reads before completion are not spent on every job.
 */

const MINUTE = 60_000;

function withDurationLog(world: World): Map<ProviderId, number[]> {
  const saved = new Map<ProviderId, number[]>();
  const log: JobDurationLog = {
    recent: async (provider) => saved.get(provider) ?? [],
    save: async (provider, list) => void saved.set(provider, list),
  };
  world.store.jobDurations = log;
  return saved;
}

const finished = (tookMs?: number): PollResult => ({
  kind: 'completed',
  providerRef: 'job',
  summary: 'done',
  ...(tookMs !== undefined ? { tookMs } : {}),
});

describe('reading an asynchronous job when jobs like it have been finishing', () => {
  it('keeps the last five durations the provider stated, and ignores answers that state none', async () => {
    const world = createWorld();
    const saved = withDurationLog(world);
    await learnCompletions(world.deps, 'ada', [
      finished(),
      { kind: 'in_progress', providerRef: 'j', providerStatus: 'queued' },
    ]);
    expect(saved.get('ada')).toBeUndefined();
    for (const minutes of [10, 20, 30, 40, 50, 60])
      await learnCompletions(world.deps, 'ada', [finished(minutes * MINUTE)]);
    expect(saved.get('ada')).toEqual([20, 30, 40, 50, 60].map((m) => m * MINUTE));
  });

  it('reads first after the median of the recent jobs plus a minute, and within a day however slow they were', async () => {
    const world = createWorld();
    withDurationLog(world);
    expect(await firstReadDelayMs(world.deps, 'ada')).toBeNull();
    await learnCompletions(world.deps, 'ada', [finished(20 * MINUTE), finished(19 * MINUTE), finished(400 * MINUTE)]);
    expect(await firstReadDelayMs(world.deps, 'ada')).toBe(21 * MINUTE);
    await learnCompletions(world.deps, 'ada', [
      finished(5 * 86_400_000),
      finished(6 * 86_400_000),
      finished(7 * 86_400_000),
    ]);
    expect(await firstReadDelayMs(world.deps, 'ada')).toBe(86_400_000);
  });

  it('a submitted job is first due when the recent jobs had finished, and on the schedule with nothing learned', async () => {
    const fresh = createWorld();
    withDurationLog(fresh);
    const first = fresh.ticket({ amiqusClientId: null });
    await approve(fresh, first);
    await deliverQueue(fresh);
    const submittedAt = fresh.deps.now().getTime();
    expect((await fresh.store.jobs.get(first, 'ada'))?.nextPollAt).toBe(submittedAt + 5 * MINUTE);

    const learned = createWorld();
    withDurationLog(learned);
    await learnCompletions(learned.deps, 'ada', [finished(20 * MINUTE)]);
    const second = learned.ticket({ amiqusClientId: null });
    await approve(learned, second);
    await deliverQueue(learned);
    expect((await learned.store.jobs.get(second, 'ada'))?.nextPollAt).toBe(learned.deps.now().getTime() + 21 * MINUTE);
  });
});
