import { join } from 'node:path';
import { kvs, Sort, WhereConditions } from '@forge/kvs';
import { KvsTestBed, minuteAt, type StoredJob, waitingJob } from './support/kvs-test-bed';

/**
 * The KVS emulator's indexes are kept sorted as items are written (sandbox/forge/kvs-index.ts) instead of
 * being rebuilt by a scan on each query. These tests pin what that must not change: a query sees every write
 * and delete at once, an item whose range or partition changes moves (never appears twice or stays behind),
 * a cursor resumes after the last row it returned whatever was written or deleted between pages, and expired
 * data leaves the index once Forge's deletion lag is over. Driven through the pinned `@forge/kvs` client.
 */

const bed = new KvsTestBed('kvs-index-test-');

const jobs = () => kvs.entity<StoredJob>('erasure-job');
const at = minuteAt;
const job = waitingJob;

async function pollOrder(queue: string, order: Sort = Sort.ASC): Promise<string[]> {
  const page = await jobs()
    .query()
    .index('by-poll', { partition: [queue] })
    .sort(order)
    .limit(100)
    .getMany();
  return page.results.map((r) => r.key);
}

async function onePage(cursor?: string, limit = 2, order: Sort = Sort.ASC) {
  let q = jobs()
    .query()
    .index('by-poll', { partition: ['waiting'] })
    .sort(order)
    .limit(limit);
  if (cursor) q = q.cursor(cursor);
  const page = await q.getMany();
  return { keys: page.results.map((r) => r.key), cursor: page.nextCursor };
}

describe('KVS emulator indexes, kept sorted on write', () => {
  it('an item whose range value changes moves to its new place and is listed once', async () => {
    for (const [key, minute] of [
      ['A::ada', 10],
      ['B::ada', 20],
      ['C::ada', 30],
    ] as const)
      await jobs().set(key, job(key, 'waiting', minute));
    await jobs().set('A::ada', job('A::ada', 'waiting', 40));
    expect(await pollOrder('waiting')).toEqual(['B::ada', 'C::ada', 'A::ada']);
    expect(await pollOrder('waiting', Sort.DESC)).toEqual(['A::ada', 'C::ada', 'B::ada']);
  });

  it('an item whose partition value changes leaves its old partition', async () => {
    await jobs().set('A::ada', job('A::ada', 'waiting', 10));
    await jobs().set('B::ada', job('B::ada', 'waiting', 20));
    await jobs().set('A::ada', job('A::ada', 'idle', 10));
    expect(await pollOrder('waiting')).toEqual(['B::ada']);
    expect(await pollOrder('idle')).toEqual(['A::ada']);
  });

  it('a deleted item leaves every index at once, whether deleted alone or in a transaction', async () => {
    await jobs().set('A::ada', job('A::ada', 'waiting', 10));
    await jobs().set('B::ada', job('B::ada', 'waiting', 20));
    await jobs().set('C::ada', job('C::ada', 'waiting', 30));
    await jobs().delete('A::ada');
    await kvs.transact().delete('C::ada', { entityName: 'erasure-job' }).execute();
    expect(await pollOrder('waiting')).toEqual(['B::ada']);
    const byTicket = await jobs()
      .query()
      .index('by-ticket', { partition: ['A'] })
      .getMany();
    expect(byTicket.results).toEqual([]);
  });

  it('equal range values are ordered by key, and a range condition bounds the walk exactly', async () => {
    for (const key of ['D::ada', 'B::ada', 'C::ada', 'A::ada']) await jobs().set(key, job(key, 'waiting', 15));
    await jobs().set('E::ada', job('E::ada', 'waiting', 5));
    await jobs().set('F::ada', job('F::ada', 'waiting', 25));
    expect(await pollOrder('waiting')).toEqual(['E::ada', 'A::ada', 'B::ada', 'C::ada', 'D::ada', 'F::ada']);
    const between = await jobs()
      .query()
      .index('by-poll', { partition: ['waiting'] })
      .where(WhereConditions.between(at(15), at(15)))
      .getMany();
    expect(between.results.map((r) => r.key)).toEqual(['A::ada', 'B::ada', 'C::ada', 'D::ada']);
    const before = await jobs()
      .query()
      .index('by-poll', { partition: ['waiting'] })
      .where(WhereConditions.lessThan(at(15)))
      .getMany();
    expect(before.results.map((r) => r.key)).toEqual(['E::ada']);
    const after = await jobs()
      .query()
      .index('by-poll', { partition: ['waiting'] })
      .where(WhereConditions.greaterThan(at(15)))
      .getMany();
    expect(after.results.map((r) => r.key)).toEqual(['F::ada']);
    const prefix = await jobs()
      .query()
      .index('by-poll', { partition: ['waiting'] })
      .where(WhereConditions.beginsWith(at(15).slice(0, 'YYYY-MM-DDTHH:M'.length)))
      .getMany();
    // 09:15 starts with "…T09:1"; 09:05 and 09:25 do not, on either side of it.
    expect(prefix.results.map((r) => r.key)).toEqual(['A::ada', 'B::ada', 'C::ada', 'D::ada']);
  });

  it('a cursor resumes after its last row when that row is deleted, or moved, between pages', async () => {
    for (const [i, key] of ['A::ada', 'B::ada', 'C::ada', 'D::ada', 'E::ada', 'F::ada'].entries())
      await jobs().set(key, job(key, 'waiting', (i + 1) * 10));

    const first = await onePage();
    expect(first.keys).toEqual(['A::ada', 'B::ada']);
    // The row the cursor names is gone, and a row before it moves to the end: the next page starts after B.
    await jobs().delete('B::ada');
    await jobs().set('A::ada', job('A::ada', 'waiting', 90));
    const second = await onePage(first.cursor);
    expect(second.keys).toEqual(['C::ada', 'D::ada']);
    // A row ahead of the cursor that is updated in place is still read once, at its new place.
    await jobs().set('E::ada', job('E::ada', 'waiting', 55));
    const third = await onePage(second.cursor);
    expect(third.keys).toEqual(['E::ada', 'F::ada']);
    const fourth = await onePage(third.cursor);
    expect(fourth).toEqual({ keys: ['A::ada'], cursor: undefined });
  });

  it('a descending walk pages by cursor the same way', async () => {
    for (const [i, key] of ['A::ada', 'B::ada', 'C::ada', 'D::ada', 'E::ada'].entries())
      await jobs().set(key, job(key, 'waiting', (i + 1) * 10));
    const first = await onePage(undefined, 2, Sort.DESC);
    expect(first.keys).toEqual(['E::ada', 'D::ada']);
    await jobs().delete('D::ada');
    await jobs().set('Z::ada', job('Z::ada', 'waiting', 35));
    const second = await onePage(first.cursor, 2, Sort.DESC);
    expect(second.keys).toEqual(['Z::ada', 'C::ada']);
    const third = await onePage(second.cursor, 2, Sort.DESC);
    expect(third).toEqual({ keys: ['B::ada', 'A::ada'], cursor: undefined });
  });

  it('no next cursor is given when no further row matches (a filter that excludes the rest)', async () => {
    await jobs().set('A::ada', job('A::ada', 'waiting', 10));
    await jobs().set('B::ada', job('B::ada', 'waiting', 20));
    await jobs().set('C::ada', { ...job('C::ada', 'waiting', 30), state: 'done' });
    const page = await jobs()
      .query()
      .index('by-poll', { partition: ['waiting'] })
      .where(WhereConditions.lessThan(at(25)))
      .limit(2)
      .getMany();
    expect(page.results.map((r) => r.key)).toEqual(['A::ada', 'B::ada']);
    expect(page.nextCursor).toBeUndefined();
  });

  it('plain keys: a beginsWith query sees writes and deletes at once and resumes after its cursor', async () => {
    for (const key of ['p:3', 'p:1', 'q:1', 'p:2', 'p:5', 'o:9']) await kvs.set(key, key);
    const first = await kvs.query().where('key', WhereConditions.beginsWith('p:')).limit(2).getMany();
    expect(first.results.map((r) => r.key)).toEqual(['p:1', 'p:2']);
    await kvs.delete('p:2');
    await kvs.set('p:4', 'p:4');
    const rest = await kvs
      .query()
      .where('key', WhereConditions.beginsWith('p:'))
      .limit(10)
      .cursor(first.nextCursor as string)
      .getMany();
    expect(rest.results.map((r) => r.key)).toEqual(['p:3', 'p:4', 'p:5']);
    expect(rest.nextCursor).toBeUndefined();
  });

  it('expired data stays listed through the deletion lag, then leaves the index, and its key can be set again', async () => {
    await kvs.set('t:1', 'short', { ttl: { value: 1, unit: 'MINUTES' } });
    await kvs.set('t:2', 'kept');
    const list = async () =>
      (await kvs.query().where('key', WhereConditions.beginsWith('t:')).limit(10).getMany()).results.map((r) => r.key);
    bed.clock.advance(2 * 60_000);
    expect(await list()).toEqual(['t:1', 't:2']);
    bed.clock.advance(48 * 3_600_000);
    expect(await list()).toEqual(['t:2']);
    await kvs.set('t:1', 'again');
    expect(await list()).toEqual(['t:1', 't:2']);
  });

  it('a restart from the storage file rebuilds the indexes in order', async () => {
    const kvsFile = join(bed.tmp, 'kvs.json');
    bed.platform.uninstall();
    bed.platform = bed.newPlatform({ kvsFile }).install();
    await jobs().set('B::ada', job('B::ada', 'waiting', 20));
    await jobs().set('A::ada', job('A::ada', 'waiting', 30));
    await jobs().set('C::ada', job('C::ada', 'waiting', 10));
    await kvs.set('k:2', 2);
    await kvs.set('k:1', 1);
    bed.platform.uninstall();
    bed.platform = bed.newPlatform({ kvsFile }).install();
    expect(await pollOrder('waiting')).toEqual(['C::ada', 'B::ada', 'A::ada']);
    const keys = await kvs.query().where('key', WhereConditions.beginsWith('k:')).getMany();
    expect(keys.results.map((r) => r.key)).toEqual(['k:1', 'k:2']);
  });
});
