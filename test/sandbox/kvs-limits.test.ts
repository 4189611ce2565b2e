import { join } from 'node:path';
import { ForgeKvsAPIError, kvs, Sort, WhereConditions } from '@forge/kvs';
import { ForgePlatform } from '../../sandbox/forge/runtime';
import { newJob } from '../../src/core/erasure';
import { VirtualClock } from '../../sandbox/virtual-date';
import { claims, jobStore } from '../../src/store/kvs-store';
import type { JobRecord } from '../../src/core/records';

/**
 * The KVS emulator refuses what Forge's storage refuses (limits cited in sandbox/forge/kvs-limits.ts and
 * entity-schema.ts), and the app's own stores stay inside those limits.
 */

const REPO_ROOT = join(__dirname, '..', '..');
const START = Date.parse('2026-11-25T09:00:00Z');
let clock: VirtualClock;
let platform: ForgePlatform;

beforeEach(() => {
  clock = new VirtualClock(() => START);
  platform = new ForgePlatform({ repoRoot: REPO_ROOT, jiraBaseUrl: 'http://127.0.0.1:9', clock }).install();
});
afterEach(() => platform.uninstall());

const APPROVAL = { kind: 'approval', ticketKey: 'DSAR-1', changelogId: '1' } as const;
const SUBMIT = { kind: 'submit', ticketKey: 'DSAR-1', provider: 'ada', attempt: 1 } as const;
const refusedWith = (code: string) => expect.objectContaining({ code }) as unknown;

function job(overrides: Partial<JobRecord> = {}): JobRecord {
  const at = new Date(START).toISOString();
  const { ticketKey = 'DSAR-1', provider = 'ada' } = overrides;
  return {
    ...newJob(ticketKey, provider, at),
    attemptPlannedAt: at,
    pollQueue: 'waiting',
    nextPollAt: START + 600_000,
    withheld: [],
    polls: 0,
    transientFailures: 0,
    submitStartedAt: null,
    batchEnrolled: false,
    batchRef: null,
    batchDigests: [],
    version: 0,
    ...overrides,
  };
}

describe('custom entity attribute types', () => {
  it('refuses an integer outside 32 bits (an epoch in milliseconds), and accepts one inside', async () => {
    const events = kvs.entity('audit-event');
    await expect(events.set('DSAR-1:1', { ticketKey: 'DSAR-1', seq: START })).rejects.toEqual(
      refusedWith('INVALID_ENTITY_VALUE'),
    );
    await expect(events.set('DSAR-1:1', { ticketKey: 'DSAR-1', seq: 2 ** 31 - 1 })).resolves.toBeUndefined();
    await expect(events.set('DSAR-1:2', { ticketKey: 'DSAR-1', seq: 1.5 })).rejects.toEqual(
      refusedWith('INVALID_ENTITY_VALUE'),
    );
  });

  it('refuses a value of the wrong type, an undeclared attribute, and null even for an `any` attribute', async () => {
    const cases = kvs.entity('erasure-case');
    await expect(cases.set('DSAR-1', { ticketKey: 42 })).rejects.toEqual(refusedWith('INVALID_ENTITY_VALUE'));
    await expect(cases.set('DSAR-1', { ticketKey: 'DSAR-1', nickname: 'x' })).rejects.toEqual(
      refusedWith('INVALID_ENTITY_VALUE'),
    );
    await expect(cases.set('DSAR-1', { ticketKey: 'DSAR-1', extensions: null })).rejects.toEqual(
      refusedWith('INVALID_ENTITY_VALUE'),
    );
    await expect(cases.set('DSAR-1', { ticketKey: 'DSAR-1', extensions: [{ months: 1 }] })).resolves.toBeUndefined();
  });

  it('refuses a transaction that writes an invalid entity value, and applies none of it', async () => {
    const write = kvs
      .transact()
      .set('note', 'a')
      .set('DSAR-1', { ticketKey: 'DSAR-1', version: 2 ** 40 }, { entityName: 'erasure-case' })
      .execute();
    await expect(write).rejects.toEqual(refusedWith('INVALID_ENTITY_VALUE'));
    expect(await kvs.get('note')).toBeUndefined();
  });

  it('refuses a query whose partition or range value has the wrong type', async () => {
    const q = kvs
      .entity('erasure-job')
      .query()
      .index('by-poll', { partition: ['waiting'] })
      .where(WhereConditions.lessThanEqualTo(START))
      .getMany();
    await expect(q).rejects.toEqual(refusedWith('INVALID_RANGE'));
    const p = kvs
      .entity('audit-event')
      .query()
      .index('by-ticket', { partition: [7] })
      .getMany();
    await expect(p).rejects.toEqual(refusedWith('INVALID_PARTITION'));
  });

  it('the app stores a job (nulls, epoch-ms poll time) within the types and reads it back unchanged', async () => {
    const pending = job();
    expect(await jobStore.create(pending)).toBe(true);
    expect(await jobStore.get('DSAR-1', 'ada')).toEqual(pending);
    const stored = (await kvs.entity<Record<string, unknown>>('erasure-job').get('DSAR-1:ada')) as Record<
      string,
      unknown
    >;
    expect(stored.nextPollAt).toBe('2026-11-25T09:10:00.000Z');
    expect('providerRef' in stored).toBe(false);
    const due = await jobStore.dueForPoll(START + 600_000, 10);
    expect(due.jobs.map((j) => j.ticketKey)).toEqual(['DSAR-1']);
    expect((await jobStore.dueForPoll(START + 599_999, 10)).jobs).toEqual([]);
  });
});

describe('keys, values and transactions', () => {
  it('refuses a key outside Forge’s pattern or over 500 characters', async () => {
    await expect(kvs.set('DSAR-1/ada', 1)).rejects.toEqual(refusedWith('INVALID_KEY'));
    await expect(kvs.set('x'.repeat(501), 1)).rejects.toEqual(refusedWith('KEY_TOO_LONG'));
    await expect(kvs.set('claim:DSAR-1 #2_a.b-c', 1)).resolves.toBeUndefined();
  });

  it('refuses a value over 240 KiB', async () => {
    await expect(kvs.set('big', 'x'.repeat(240 * 1024))).rejects.toEqual(refusedWith('MAX_SIZE'));
    await expect(kvs.set('fits', 'x'.repeat(240 * 1024 - 10))).resolves.toBeUndefined();
  });

  it('refuses a transaction of more than 25 operations, or one that names a key twice', async () => {
    let tx = kvs.transact();
    for (let i = 0; i < 26; i += 1) tx = tx.set(`k${i}`, i);
    await expect(tx.execute()).rejects.toBeInstanceOf(ForgeKvsAPIError);
    expect(await kvs.get('k0')).toBeUndefined();
    await expect(kvs.transact().set('a', 1).delete('a').execute()).rejects.toEqual(refusedWith('DUPLICATE_KEYS'));
    let fits = kvs.transact();
    for (let i = 0; i < 25; i += 1) fits = fits.set(`k${i}`, i);
    await expect(fits.execute()).resolves.toBeUndefined();
  });
});

describe('queries', () => {
  it('a page limit outside 1–100 is an error, not clamped', async () => {
    const index = () => kvs.entity('legal-hold').query().index('by-created');
    await expect(index().limit(101).getMany()).rejects.toEqual(refusedWith('COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE'));
    await expect(index().limit(0).getMany()).rejects.toEqual(refusedWith('COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE'));
    await expect(index().limit(100).getMany()).resolves.toEqual({ results: [] });
  });

  it('a cursor stays valid, and skips nothing still due, while the range attribute of rows already read changes', async () => {
    // The status poll moves each job it reads to a later poll time before it asks for the next page.
    for (let i = 0; i < 7; i += 1) await jobStore.create(job({ ticketKey: `DSAR-${i}`, nextPollAt: START + i * 1000 }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await jobStore.dueForPoll(START + 10_000, 2, cursor);
      for (const j of page.jobs) {
        seen.push(j.ticketKey);
        await jobStore.update({ ...j, nextPollAt: START + 3_600_000 });
      }
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual(['DSAR-0', 'DSAR-1', 'DSAR-2', 'DSAR-3', 'DSAR-4', 'DSAR-5', 'DSAR-6']);
  });

  it('DESC pages by cursor too', async () => {
    const events = kvs.entity<{ ticketKey: string; seq: number }>('audit-event');
    for (let seq = 1; seq <= 5; seq += 1) await events.set(`DSAR-1:${seq}`, { ticketKey: 'DSAR-1', seq });
    const first = await events
      .query()
      .index('by-ticket', { partition: ['DSAR-1'] })
      .sort(Sort.DESC)
      .limit(3)
      .getMany();
    const second = await events
      .query()
      .index('by-ticket', { partition: ['DSAR-1'] })
      .sort(Sort.DESC)
      .limit(3)
      .cursor(first.nextCursor as string)
      .getMany();
    expect([...first.results, ...second.results].map((r) => r.value.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(second.nextCursor).toBeUndefined();
  });
});

describe('TTL (expired data may be read for up to 48 hours)', () => {
  it('the app does not rely on expiry: a lapsed claim is taken over although storage still returns it', async () => {
    const at = (ms: number) => new Date(START + ms).toISOString();
    expect(await claims.take(APPROVAL, 'first', at(0), 60)).toBe(true);
    expect(await claims.take(APPROVAL, 'second', at(30_000), 60)).toBe(false);
    clock.advance(61_000);
    expect(await kvs.entity('claim').get('approval:DSAR-1:1')).toBeDefined();
    expect(await claims.take(APPROVAL, 'second', at(61_000), 60)).toBe(true);
    expect(await kvs.entity('claim').get('approval:DSAR-1:1')).toMatchObject({ at: at(61_000), owner: 'second' });
  });

  it('of two invocations taking over the same lapsed claim, exactly one wins', async () => {
    const at = (ms: number) => new Date(START + ms).toISOString();
    await claims.take(SUBMIT, 'crashed', at(0), 60);
    clock.advance(120_000);
    const won = await Promise.all([
      claims.take(SUBMIT, 'a', at(120_000), 60),
      claims.take(SUBMIT, 'b', at(120_000), 60),
    ]);
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});
