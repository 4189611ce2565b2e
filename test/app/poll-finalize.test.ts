import { finalizeIfSettled } from '../../src/app/finalize';
import { pollProviderStatus } from '../../src/app/poll';
import { verifyAuditChain } from '../../src/core/audit';
import { approve, deliverQueue } from './support/approval';
import { createWorld } from './support/world';

const MINUTE = 60_000;

async function approvedAndSubmitted() {
  const world = createWorld();
  const key = world.ticket();
  await approve(world, key);
  await deliverQueue(world);
  return { world, key };
}

describe('the status poll and the closing of a case (use cases against in-memory ports)', () => {
  it('polls only jobs whose poll time has come, and records progress without settling', async () => {
    const { world, key } = await approvedAndSubmitted();

    const early = await pollProviderStatus(world.deps, 10_000);
    expect(early.polled).toBe(0);
    expect(world.providers.ada.pollCalls).toBe(0);

    world.advance(5 * MINUTE);
    const report = await pollProviderStatus(world.deps, 10_000);
    expect(report).toMatchObject({ polled: 1, settled: 0, providerCalls: { ada: 1 } });
    expect((await world.store.jobs.get(key, 'ada'))?.state).toBe('in_progress');
    expect(world.jira.ticket(key).status).toBe('Erasure in progress');
  });

  it('polls a throttled batch again as soon as the provider allows, without moving it along the backoff schedule', async () => {
    const { world, key } = await approvedAndSubmitted();
    world.advance(5 * MINUTE);
    const before = await world.store.jobs.get(key, 'ada');
    world.providers.ada.throttleNextPoll(90_000);
    await pollProviderStatus(world.deps, 10_000);
    const after = await world.store.jobs.get(key, 'ada');
    expect(after?.polls).toBe(before?.polls);
    expect(after?.nextPollAt).toBe(world.deps.now().getTime() + 90_000);
    world.advance(90_000);
    expect((await pollProviderStatus(world.deps, 10_000)).polled).toBe(1);
  });

  it('settles the last job, attaches a compliance record whose digest the closing comment quotes, and moves the ticket to Done', async () => {
    const { world, key } = await approvedAndSubmitted();
    world.advance(5 * MINUTE);
    await pollProviderStatus(world.deps, 10_000);
    world.advance(15 * MINUTE);

    const report = await pollProviderStatus(world.deps, 10_000);

    expect(report.settled).toBe(1);
    expect(world.jira.ticket(key).status).toBe('Done');
    const [attachment] = world.jira.ticket(key).attachments;
    expect(attachment?.filename).toBe(`erasure-record-${key}-round-1.json`);
    const record = await world.store.cases.get(key);
    expect(record).toMatchObject({
      phase: 'closed',
      finalization: { step: 'transitioned', attachmentId: attachment?.id },
    });
    expect(world.jira.comments(key).at(-1)).toContain(record?.finalization.digest as string);
    expect(verifyAuditChain(key, await world.store.audit.list(key)).ok).toBe(true);
    expect(world.providers.ada.erased).toEqual([key]);
  });

  it('resumes an interrupted closing from the step it reached: one attachment, one closing comment', async () => {
    const { world, key } = await approvedAndSubmitted();
    world.jira.failNext.add('addComment');
    world.advance(5 * MINUTE);
    await pollProviderStatus(world.deps, 10_000);
    world.advance(15 * MINUTE);
    // The job's own comment is the one that fails: the job is saved with what it still owes, the case waits.
    await expect(pollProviderStatus(world.deps, 10_000)).rejects.toThrow('503');
    expect(world.jira.ticket(key).status).toBe('Erasure in progress');
    expect(await finalizeIfSettled(world.deps, key)).toEqual({ kind: 'not_ready' });

    // The next poll writes the job's comment and starts closing; the transition is what fails this time.
    world.jira.failNext.add('transitionTo');
    world.advance(10 * MINUTE);
    await expect(pollProviderStatus(world.deps, 10_000)).rejects.toThrow('503');
    expect((await world.store.cases.get(key))?.finalization.step).toBe('commented');
    expect(world.jira.comments(key).filter((c) => c.startsWith('Ada:'))).toHaveLength(1);

    const closed = await finalizeIfSettled(world.deps, key);

    expect(closed.kind).toBe('closed');
    expect(world.jira.ticket(key).attachments).toHaveLength(1);
    expect(world.jira.comments(key).filter((c) => c.includes('Compliance record attached'))).toHaveLength(1);
    expect(world.jira.ticket(key).status).toBe('Done');
    expect(await finalizeIfSettled(world.deps, key)).toEqual({ kind: 'not_ready' });
  });

  it('dispatches again a job whose queue event was lost', async () => {
    const world = createWorld();
    const key = world.ticket({ amiqusClientId: null });
    await approve(world, key);
    world.queue.take();
    world.advance(11 * MINUTE);

    const report = await pollProviderStatus(world.deps, 10_000);

    expect(report.redispatched).toBe(1);
    expect(world.queue.take()).toEqual([{ ticketKey: key, provider: 'ada', attempt: 1 }]);
  });
});
