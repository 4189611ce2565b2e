import { confirmDownstream } from '../../src/app/downstream';
import { getPanelView } from '../../src/app/case-actions';
import { pollProviderStatus } from '../../src/app/poll';
import { buildComplianceRecord } from '../../src/core/compliance-record';
import { adfText } from './support/memory-jira';
import { approve, deliverQueue, pollUntilSettled } from './support/approval';
import { createWorld, OFFICER } from './support/world';

/** The pending-downstream use cases against in-memory ports: closing, confirming, the workflow fallback. */

const SYSTEMS = ['CRM', 'Warehouse'];

async function waitingOnDownstream(options: { removeStatus?: boolean } = {}) {
  const world = createWorld({ settings: { downstreamSystems: SYSTEMS } });
  if (options.removeStatus) world.jira.removedStatuses.add('Pending downstream');
  const key = world.ticket();
  await approve(world, key);
  await deliverQueue(world);
  await pollUntilSettled(world);
  return { world, key };
}

const comments = (world: ReturnType<typeof createWorld>, key: string) => world.jira.ticket(key).comments.map(adfText);

describe('downstream systems (use cases against in-memory ports)', () => {
  it('closes a round whose providers all erased as pending downstream, not done, and moves the ticket there', async () => {
    const { world, key } = await waitingOnDownstream();
    expect(world.jira.ticket(key).status).toBe('Pending downstream');
    expect(await world.store.cases.get(key)).toMatchObject({
      phase: 'pending_downstream',
      round: 1,
      finalization: { step: 'transitioned', outcome: 'pending_downstream' },
    });
    expect((await getPanelView(world.deps, key)).caseState).toBe('pending_downstream');
  });

  it('comments each confirmation, then opens round 2 on the last, whose record closes the case as done', async () => {
    const { world, key } = await waitingOnDownstream();
    expect(await confirmDownstream(world.deps, key, 'CRM', OFFICER, '  ticket CRM-9 ')).toEqual({
      ok: true,
      message: 'CRM confirmed.',
    });
    expect(comments(world, key).at(-1)).toBe(
      'CRM: confirmed erased by hand (reference: ticket CRM-9). Still to confirm: Warehouse.',
    );
    expect((await world.store.cases.get(key))?.downstream[0]).toMatchObject({
      confirmedBy: OFFICER,
      confirmedAt: world.deps.now().toISOString(),
      note: 'ticket CRM-9',
    });
    world.advance(60_000);
    expect((await confirmDownstream(world.deps, key, 'Warehouse', OFFICER)).message).toContain('moved to Done');
    expect(world.jira.ticket(key).status).toBe('Done');
    expect(await world.store.cases.get(key)).toMatchObject({ phase: 'closed', round: 2 });
    expect(world.jira.ticket(key).attachments.map((a) => a.filename)).toEqual([
      `erasure-record-${key}-round-1.json`,
      `erasure-record-${key}-round-2.json`,
    ]);
    const record = buildComplianceRecord(key, await world.store.audit.list(key), world.deps.now().toISOString());
    expect(record.outcome?.outcome).toBe('done');
    expect(record.deadline?.met).toBe(true);
    expect(record.downstream.map((d) => d.note ?? null)).toEqual(['ticket CRM-9', null]);
  });

  it.each([
    ['a system not on the checklist', 'ERP', undefined, /not on this case's downstream checklist/],
    ['a reference over 200 characters', 'CRM', 'x'.repeat(201), /200 characters/],
  ])('refuses %s with a message and records nothing', async (_what, system, note, message) => {
    const { world, key } = await waitingOnDownstream();
    const before = (await world.store.audit.list(key)).length;
    expect(await confirmDownstream(world.deps, key, system, OFFICER, note)).toMatchObject({
      ok: false,
      message: expect.stringMatching(message),
    });
    expect(await world.store.audit.list(key)).toHaveLength(before);
  });

  it('tells the ticket which status to add when the workflow lacks it, and still closes as Done after the last confirmation', async () => {
    const { world, key } = await waitingOnDownstream({ removeStatus: true });
    expect(world.jira.ticket(key).status).toBe('Erasure in progress');
    expect(comments(world, key).at(-1)).toContain('Could not move the ticket to "Pending downstream".');
    expect((await world.store.cases.get(key))?.phase).toBe('pending_downstream');
    for (const system of SYSTEMS) await confirmDownstream(world.deps, key, system, OFFICER);
    expect(world.jira.ticket(key).status).toBe('Done');
  });

  it('resumes a closing that died before moving the ticket as it began, even if the last system was confirmed meanwhile', async () => {
    const world = createWorld({ settings: { downstreamSystems: ['CRM'] } });
    const key = world.ticket();
    await approve(world, key);
    await deliverQueue(world);
    // The closing transition fails: the round-1 record (pending downstream) is attached and commented, the
    // ticket not yet moved.
    world.jira.failNext.add('transitionTo');
    await expect(pollUntilSettled(world)).rejects.toThrow();
    expect((await world.store.cases.get(key))?.finalization).toMatchObject({
      step: 'commented',
      outcome: 'pending_downstream',
    });
    // Confirming while the case is still open records it. The poller comes back for the job that still owes
    // its record (the outbox): that closing finishes round 1 as it began, then opens round 2, closed as done.
    expect(await confirmDownstream(world.deps, key, 'CRM', OFFICER)).toMatchObject({ ok: true });
    world.advance(10 * 60_000);
    await pollProviderStatus(world.deps, 10_000);
    expect(world.jira.ticket(key).status).toBe('Done');
    expect(await world.store.cases.get(key)).toMatchObject({ phase: 'closed', round: 2 });
    const closes = (await world.store.audit.list(key)).filter((e) => e.kind === 'case_closed');
    expect(closes.map((e) => (e.data as { outcome: string }).outcome)).toEqual(['pending_downstream', 'done']);
  });
});
