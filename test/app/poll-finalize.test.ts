import { createHash } from 'node:crypto';
import { finalizeIfSettled } from '../../src/app/finalize';
import { pollProviderStatus } from '../../src/app/poll';
import { verifyAuditChain } from '../../src/core/audit';
import { runErasureJob } from '../../src/app/run-job';
import { approve, deliverQueue, pollUntilSettled } from './support/approval';
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

  it('records the statuses a poll read before it was throttled, and asks again only for the jobs it did not reach', async () => {
    const world = createWorld();
    const keys = [world.ticket(), world.ticket({ email: 'bo@example.com' }), world.ticket({ email: 'cy@example.com' })];
    for (const key of keys) await approve(world, key);
    await deliverQueue(world);
    world.advance(5 * MINUTE);
    const before = await Promise.all(keys.map((k) => world.store.jobs.get(k, 'ada')));
    world.providers.ada.cutNextPollAfter(1, 90_000);
    const report = await pollProviderStatus(world.deps, 10_000);
    expect(report.polled).toBe(1);
    const after = await Promise.all(keys.map((k) => world.store.jobs.get(k, 'ada')));
    // The first job's status was read and recorded (it works for two polls in this fake: in progress now).
    expect(after[0]?.state).toBe('in_progress');
    // The two it did not reach: asked again once the provider allows, not moved along the backoff schedule.
    for (const i of [1, 2]) {
      expect(after[i]?.state).toBe(before[i]?.state);
      expect(after[i]?.polls).toBe(before[i]?.polls);
      expect(after[i]?.nextPollAt).toBe(world.deps.now().getTime() + 90_000);
    }
    world.advance(90_000);
    expect((await pollProviderStatus(world.deps, 10_000)).polled).toBe(2);
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

  it('tells the outcome of the job that closes the round in the closing comment: one comment, not two', async () => {
    const { world, key } = await approvedAndSubmitted();

    await pollUntilSettled(world);

    const [started, amiqus, closing, ...more] = world.jira.comments(key);
    expect(started).toContain('Erasure started');
    // Amiqus settled while Ada still ran: its own comment, as before.
    expect(amiqus).toMatch(/^Amiqus: erased/);
    // Ada's outcome closed the round: told first, in its own words, then the closing.
    expect(closing).toMatch(/^Ada: erased/);
    expect(closing).toContain('Provider reference: ada-req-1');
    expect(closing).toContain('Erasure complete.');
    expect(closing).toContain((await world.store.cases.get(key))?.finalization.digest as string);
    expect(more).toEqual([]);
    expect(world.jira.ticket(key).status).toBe('Done');
  });

  it('posts a delivered-twice outcome that closes the round once, in one comment', async () => {
    const world = createWorld();
    const key = world.ticket({ email: null });
    await approve(world, key);
    const messages = world.queue.take();

    for (const message of [...messages, ...messages]) await runErasureJob(world.deps, message);

    const comments = world.jira.comments(key);
    expect(comments).toHaveLength(2);
    expect(comments[1]).toMatch(/^Amiqus: erased/);
    expect(comments[1]).toContain('Compliance record attached');
    expect(world.jira.ticket(key).status).toBe('Done');
  });

  it('gives the job its own comment when another invocation is closing the round, and tells it only once', async () => {
    const { world, key } = await approvedAndSubmitted();
    const closer = { kind: 'finalize', ticketKey: key, round: 1 } as const;
    await world.store.claims.take(closer, 'another invocation', world.deps.now().toISOString(), 3_600);

    await pollUntilSettled(world);

    expect(world.jira.comments(key).at(-1)).toMatch(/^Ada: erased/);
    expect(world.jira.ticket(key).status).toBe('Erasure in progress');
    await world.store.claims.release(closer);
    expect((await finalizeIfSettled(world.deps, key)).kind).toBe('closed');
    const comments = world.jira.comments(key);
    expect(comments.at(-1)).toMatch(/^Erasure complete\./);
    expect(comments.filter((c) => c.includes('Provider reference: ada-req-1'))).toHaveLength(1);
  });

  it('does not tell an outcome again when the closing that told it stopped before the job was cleared', async () => {
    const { world, key } = await approvedAndSubmitted();
    world.jira.failNext.add('transitionTo');
    // The closing comment with Ada's outcome goes out; the transition fails, so Ada still owes its record.
    await expect(pollUntilSettled(world)).rejects.toThrow('503');
    expect((await world.store.jobs.get(key, 'ada'))?.unrecorded).toBeDefined();

    world.advance(10 * MINUTE);
    await pollProviderStatus(world.deps, 10_000);

    expect(world.jira.ticket(key).status).toBe('Done');
    expect((await world.store.jobs.get(key, 'ada'))?.unrecorded).toBeUndefined();
    const comments = world.jira.comments(key);
    expect(comments).toHaveLength(3);
    expect(comments.filter((c) => c.includes('Provider reference: ada-req-1'))).toHaveLength(1);
  });

  it('resumes an interrupted closing from the step it reached: one attachment, one closing comment', async () => {
    const { world, key } = await approvedAndSubmitted();
    world.jira.failNext.add('addComment');
    world.advance(5 * MINUTE);
    await pollProviderStatus(world.deps, 10_000);
    world.advance(15 * MINUTE);
    // The closing comment, which would tell Ada's outcome, is the one that fails: Ada's outcome gets its own
    // comment instead, the job is saved, and the case waits for the next poll to close it.
    await expect(pollProviderStatus(world.deps, 10_000)).rejects.toThrow('503');
    expect(world.jira.ticket(key).status).toBe('Erasure in progress');
    expect(world.jira.comments(key).at(-1)).toMatch(/^Ada: erased/);
    expect(await finalizeIfSettled(world.deps, key)).toMatchObject({ kind: 'not_ready' });

    // The next poll finishes the job's record and resumes the closing; the transition is what fails this time.
    world.jira.failNext.add('transitionTo');
    world.advance(10 * MINUTE);
    await expect(pollProviderStatus(world.deps, 10_000)).rejects.toThrow('503');
    expect((await world.store.cases.get(key))?.finalization.step).toBe('commented');
    expect(world.jira.comments(key).filter((c) => c.startsWith('Ada:'))).toHaveLength(1);

    const closed = await finalizeIfSettled(world.deps, key);

    expect(closed.kind).toBe('closed');
    expect(world.jira.ticket(key).attachments).toHaveLength(1);
    expect(world.jira.comments(key).filter((c) => c.includes('Compliance record attached'))).toHaveLength(1);
    expect(world.jira.comments(key).filter((c) => c.includes('Provider reference: ada-req-1'))).toHaveLength(1);
    expect(world.jira.ticket(key).status).toBe('Done');
    expect(await finalizeIfSettled(world.deps, key)).toEqual({ kind: 'not_ready' });
  });

  it.each(['attachFile', 'addComment'] as const)(
    'closes a round whose invocation died right after %s once: one record, one summary, the same digest',
    async (step) => {
      const { world, key } = await approvedAndSubmitted();
      world.advance(5 * MINUTE);
      await pollProviderStatus(world.deps, 10_000);
      world.advance(15 * MINUTE);
      world.jira.dieAfterNext.add(step);
      await expect(pollProviderStatus(world.deps, 10_000)).rejects.toThrow('invocation died');

      world.advance(10 * MINUTE);
      await pollProviderStatus(world.deps, 10_000);
      expect((await finalizeIfSettled(world.deps, key)).kind).toBe('not_ready');

      expect(world.jira.ticket(key).status).toBe('Done');
      const attachments = world.jira.ticket(key).attachments;
      expect(attachments).toHaveLength(1);
      const digest = (await world.store.cases.get(key))?.finalization.digest as string;
      expect(
        createHash('sha256')
          .update(attachments[0]?.bytes as Uint8Array)
          .digest('hex'),
      ).toBe(digest);
      expect(world.jira.comments(key).filter((c) => c.includes('Compliance record attached'))).toHaveLength(1);
      expect(world.jira.comments(key).filter((c) => c.includes(digest))).toHaveLength(1);
      const kinds = (await world.store.audit.list(key)).map((e) => e.kind);
      expect(kinds.filter((k) => k === 'case_closed')).toHaveLength(1);
    },
  );

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
