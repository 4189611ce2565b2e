import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Filter, FilterConditions, ForgeKvsAPIError, Sort, WhereConditions, kvs } from '@forge/kvs';
import { parse } from 'yaml';
import { KvsTestBed, minuteAt, REPO_ROOT, START, type StoredJob, waitingJob } from './support/kvs-test-bed';

/**
 * The Forge storage emulator and runtime, driven through the real pinned `@forge/kvs` client: the client
 * talks to `global.__forge_fetch__`, which the installed ForgePlatform answers with the KVS emulator.
 */

const bed = new KvsTestBed('kvs-emulator-test-');

type Job = StoredJob;

interface CaseRow {
  ticketKey: string;
  phase: string;
  dueOn: string;
  version: number;
}

/** Reads a whole query by following its cursor, failing if a page repeats or the walk does not end. */
async function collectKeys(
  page: (cursor?: string) => Promise<{ results: Array<{ key: string }>; nextCursor?: string }>,
): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const result = await page(cursor);
    keys.push(...result.results.map((r) => r.key));
    cursor = result.nextCursor;
    pages += 1;
    if (pages > 100) throw new Error('cursor paging did not end');
  } while (cursor);
  return { keys, pages };
}

describe('KVS emulator through @forge/kvs: key-value', () => {
  it('set / get / delete round-trips JSON values and a missing key reads as undefined', async () => {
    const value = { ticketKey: 'DSAR-1', nested: { list: [1, 'two', null, true] }, unicode: 'Zoë ✓' };
    await kvs.set('settings', value);
    await kvs.set('counter', 42);
    await kvs.set('flag', false);
    expect(await kvs.get('settings')).toEqual(value);
    expect(await kvs.get('counter')).toBe(42);
    expect(await kvs.get('flag')).toBe(false);

    await kvs.set('counter', 43);
    expect(await kvs.get('counter')).toBe(43);

    await kvs.delete('settings');
    expect(await kvs.get('settings')).toBeUndefined();
    expect(await kvs.get('never-set')).toBeUndefined();
    // Deleting a missing key is not an error, as in Forge.
    await expect(kvs.delete('never-set')).resolves.toBeUndefined();
  });

  it('keyPolicy FAIL_IF_EXISTS refuses to overwrite with a Forge API error and keeps the first value', async () => {
    await kvs.set('claim:DSAR-1', { by: 'first' }, { keyPolicy: 'FAIL_IF_EXISTS' });
    const second = kvs.set('claim:DSAR-1', { by: 'second' }, { keyPolicy: 'FAIL_IF_EXISTS' });
    await expect(second).rejects.toBeInstanceOf(ForgeKvsAPIError);
    expect(await kvs.get('claim:DSAR-1')).toEqual({ by: 'first' });
  });

  it('query with beginsWith pages by cursor and returns every matching key exactly once, in key order', async () => {
    const wanted = Array.from({ length: 23 }, (_, i) => `claim:DSAR-${String(i).padStart(2, '0')}`);
    for (const key of [...wanted].reverse()) await kvs.set(key, { n: key });
    for (const key of ['claim', 'claimed', 'other:DSAR-1', 'a']) await kvs.set(key, 1);

    const { keys, pages } = await collectKeys((cursor) => {
      let q = kvs.query().where('key', WhereConditions.beginsWith('claim:')).limit(5);
      if (cursor) q = q.cursor(cursor);
      return q.getMany();
    });
    expect(pages).toBe(5);
    expect(keys).toEqual([...wanted].sort());
    expect(new Set(keys).size).toBe(wanted.length);

    const one = await kvs.query().where('key', WhereConditions.beginsWith('other:')).getOne();
    expect([one?.key, one?.value]).toEqual(['other:DSAR-1', 1]);
  });

  it('a value set with a TTL may still be read for up to 48 hours after it expires (Forge deletes lazily), then is gone', async () => {
    await kvs.set('ephemeral', 'x', { ttl: { value: 10, unit: 'MINUTES' } });
    bed.clock.advance(11 * 60_000);
    expect(await kvs.get('ephemeral')).toBe('x');
    bed.clock.advance(48 * 3_600_000);
    expect(await kvs.get('ephemeral')).toBeUndefined();
  });
});

describe('KVS emulator through @forge/kvs: secrets', () => {
  it('a secret reads back with getSecret but is invisible to get and query', async () => {
    await kvs.setSecret('provider:amiqus', { token: 's3cret' });
    await kvs.set('provider:settings', { enabled: true });

    expect(await kvs.getSecret('provider:amiqus')).toEqual({ token: 's3cret' });
    expect(await kvs.get('provider:amiqus')).toBeUndefined();
    const listed = await kvs.query().where('key', WhereConditions.beginsWith('provider:')).limit(100).getMany();
    expect(listed.results.map((r) => r.key)).toEqual(['provider:settings']);
    expect(JSON.stringify(listed)).not.toContain('s3cret');

    await kvs.deleteSecret('provider:amiqus');
    expect(await kvs.getSecret('provider:amiqus')).toBeUndefined();
  });

  it('a plain value is not readable as a secret', async () => {
    await kvs.set('plain', 'visible');
    expect(await kvs.getSecret('plain')).toBeUndefined();
  });
});

describe('KVS emulator through @forge/kvs: transactions', () => {
  const ENTITY = 'erasure-case';
  const base: CaseRow = { ticketKey: 'DSAR-1', phase: 'approved', dueOn: '2026-12-25', version: 1 };

  it('a transaction whose condition holds applies all its operations', async () => {
    await kvs.entity<CaseRow>(ENTITY).set('DSAR-1', base);
    await kvs.entity<CaseRow>(ENTITY).set('DSAR-2', { ...base, ticketKey: 'DSAR-2' });
    await kvs
      .transact()
      .set(
        'DSAR-1',
        { ...base, phase: 'erasing', version: 2 },
        { entityName: ENTITY, conditions: new Filter<CaseRow>().and('version', FilterConditions.equalTo(1)) },
      )
      .set('note:DSAR-1', 'started')
      .delete('DSAR-2', { entityName: ENTITY })
      .execute();
    expect(await kvs.entity<CaseRow>(ENTITY).get('DSAR-1')).toEqual({ ...base, phase: 'erasing', version: 2 });
    expect(await kvs.get('note:DSAR-1')).toBe('started');
    expect(await kvs.entity<CaseRow>(ENTITY).get('DSAR-2')).toBeUndefined();
  });

  it('a transaction with one failing condition is refused and changes nothing', async () => {
    await kvs.entity<CaseRow>(ENTITY).set('DSAR-1', base);
    await kvs.entity<CaseRow>(ENTITY).set('DSAR-2', { ...base, ticketKey: 'DSAR-2', version: 5 });
    await kvs.entity<CaseRow>(ENTITY).set('DSAR-3', { ...base, ticketKey: 'DSAR-3' });
    await kvs.set('note:DSAR-1', 'before');

    const stale = kvs
      .transact()
      .set(
        'DSAR-1',
        { ...base, phase: 'erasing', version: 2 },
        { entityName: ENTITY, conditions: new Filter<CaseRow>().and('version', FilterConditions.equalTo(1)) },
      )
      .set('note:DSAR-1', 'after')
      .set('note:DSAR-9', 'new')
      .delete('DSAR-3', { entityName: ENTITY })
      .check('DSAR-2', {
        entityName: ENTITY,
        conditions: new Filter<CaseRow>().and('version', FilterConditions.equalTo(4)),
      })
      .execute();
    await expect(stale).rejects.toMatchObject({ code: 'CONDITIONAL_CHECK_FAILED' });

    expect(await kvs.entity<CaseRow>(ENTITY).get('DSAR-1')).toEqual(base);
    expect(await kvs.entity<CaseRow>(ENTITY).get('DSAR-2')).toEqual({ ...base, ticketKey: 'DSAR-2', version: 5 });
    expect(await kvs.entity<CaseRow>(ENTITY).get('DSAR-3')).toEqual({ ...base, ticketKey: 'DSAR-3' });
    expect(await kvs.get('note:DSAR-1')).toBe('before');
    expect(await kvs.get('note:DSAR-9')).toBeUndefined();
  });

  it('two writers racing on the same version: exactly one wins (optimistic concurrency)', async () => {
    await kvs.entity<CaseRow>(ENTITY).set('DSAR-1', base);
    const write = (phase: string) =>
      kvs
        .transact()
        .set(
          'DSAR-1',
          { ...base, phase, version: 2 },
          { entityName: ENTITY, conditions: new Filter<CaseRow>().and('version', FilterConditions.equalTo(1)) },
        )
        .execute();
    const outcomes = await Promise.allSettled([write('erasing'), write('blocked')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const winner = outcomes[0]?.status === 'fulfilled' ? 'erasing' : 'blocked';
    expect(await kvs.entity<CaseRow>(ENTITY).get('DSAR-1')).toEqual({ ...base, phase: winner, version: 2 });
  });
});

describe('KVS emulator through @forge/kvs: custom entities and indexes from manifest.yml', () => {
  it('every entity index manifest.yml declares is queryable, with its declared partition', async () => {
    const manifest = parse(readFileSync(join(REPO_ROOT, 'manifest.yml'), 'utf8')) as {
      app: { storage: { entities: Array<{ name: string; indexes?: Array<{ name: string; partition?: string[] }> }> } };
    };
    // An entity read only by key (rate-budget) declares no index.
    const declared = manifest.app.storage.entities.flatMap((e) =>
      (e.indexes ?? []).map((i) => ({ entity: e.name, index: i.name, partition: i.partition ?? [] })),
    );
    expect(declared.map((d) => `${d.entity}/${d.index}`)).toEqual([
      'erasure-case/by-phase-due',
      'erasure-job/by-ticket',
      'erasure-job/by-poll',
      'audit-event/by-ticket',
      'legal-hold/by-created',
    ]);
    for (const d of declared) {
      const builder = kvs.entity<Record<string, unknown>>(d.entity).query();
      const q =
        d.partition.length > 0
          ? builder.index(d.index, { partition: d.partition.map(() => 'x') })
          : builder.index(d.index);
      await expect(q.getMany()).resolves.toEqual({ results: [] });
    }
  });

  it('an index query returns only its partition, in ascending range order, and DESC reverses it', async () => {
    const jobs = kvs.entity<Job>('erasure-job');
    const at = minuteAt;
    const job = (key: string, pollQueue: string, minute: number): Promise<void> =>
      jobs.set(key, waitingJob(key, pollQueue, minute));
    await job('DSAR-1::ada', 'due', 900);
    await job('DSAR-2::amiqus', 'due', 10_000);
    await job('DSAR-3::genesys', 'idle', 1);
    await job('DSAR-4::ada', 'due', 5);
    await job('DSAR-5::ada', 'due', 70);

    const asc = await jobs
      .query()
      .index('by-poll', { partition: ['due'] })
      .getMany();
    expect(asc.results.map((r) => [r.key, r.value.nextPollAt])).toEqual([
      ['DSAR-4::ada', at(5)],
      ['DSAR-5::ada', at(70)],
      ['DSAR-1::ada', at(900)],
      ['DSAR-2::amiqus', at(10_000)],
    ]);

    const desc = await jobs
      .query()
      .index('by-poll', { partition: ['due'] })
      .sort(Sort.DESC)
      .getMany();
    expect(desc.results.map((r) => r.key)).toEqual(['DSAR-2::amiqus', 'DSAR-1::ada', 'DSAR-5::ada', 'DSAR-4::ada']);

    const dueBy = await jobs
      .query()
      .index('by-poll', { partition: ['due'] })
      .where(WhereConditions.lessThanEqualTo(at(900)))
      .getMany();
    expect(dueBy.results.map((r) => r.key)).toEqual(['DSAR-4::ada', 'DSAR-5::ada', 'DSAR-1::ada']);

    const byTicket = await jobs
      .query()
      .index('by-ticket', { partition: ['DSAR-3'] })
      .getMany();
    expect(byTicket.results.map((r) => r.value)).toEqual([
      { ticketKey: 'DSAR-3', provider: 'genesys', state: 'waiting', pollQueue: 'idle', nextPollAt: at(1), version: 0 },
    ]);
  });

  it('an integer range compares as numbers, not as text', async () => {
    const events = kvs.entity<{ ticketKey: string; seq: number }>('audit-event');
    for (const seq of [10, 9, 100, 1]) await events.set(`DSAR-1:${seq}`, { ticketKey: 'DSAR-1', seq });
    const asc = await events
      .query()
      .index('by-ticket', { partition: ['DSAR-1'] })
      .getMany();
    expect(asc.results.map((r) => r.value.seq)).toEqual([1, 9, 10, 100]);
  });

  it('an index query applies filters and pages by cursor, covering every match once in index order', async () => {
    const cases = kvs.entity<CaseRow>('erasure-case');
    const days = [17, 3, 28, 9, 1, 22, 14, 6, 30, 11, 25, 19];
    for (const [i, d] of days.entries()) {
      await cases.set(`DSAR-${i}`, {
        ticketKey: `DSAR-${i}`,
        phase: i % 4 === 0 ? 'done' : 'erasing',
        dueOn: `2026-12-${String(d).padStart(2, '0')}`,
        version: i,
      });
    }
    const expected = days
      .map((d, i) => ({ key: `DSAR-${i}`, due: d, phase: i % 4 === 0 ? 'done' : 'erasing', version: i }))
      .filter((c) => c.phase === 'erasing' && c.version !== 5)
      .sort((a, b) => a.due - b.due)
      .map((c) => c.key);

    const { keys, pages } = await collectKeys((cursor) => {
      let q = cases
        .query()
        .index('by-phase-due', { partition: ['erasing'] })
        .filters(new Filter<CaseRow>().and('version', FilterConditions.notEqualTo(5)))
        .limit(3);
      if (cursor) q = q.cursor(cursor);
      return q.getMany();
    });
    expect(keys).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 3));

    const between = await cases
      .query()
      .index('by-phase-due', { partition: ['erasing'] })
      .where(WhereConditions.between('2026-12-10', '2026-12-20'))
      .getMany();
    expect(between.results.map((r) => r.value.dueOn)).toEqual(['2026-12-11', '2026-12-14', '2026-12-19']);
  });

  it('an index without a partition (legal-hold by-created) orders the whole entity by its range', async () => {
    const holds = kvs.entity<{ id: string; createdAt: string }>('legal-hold');
    await holds.set('h2', { id: 'h2', createdAt: '2026-02-01T00:00:00Z' });
    await holds.set('h3', { id: 'h3', createdAt: '2026-03-01T00:00:00Z' });
    await holds.set('h1', { id: 'h1', createdAt: '2026-01-01T00:00:00Z' });
    const all = await holds.query().index('by-created').getMany();
    expect(all.results.map((r) => r.key)).toEqual(['h1', 'h2', 'h3']);
  });

  it('an index that manifest.yml does not declare is refused', async () => {
    const query = kvs
      .entity<Job>('erasure-job')
      .query()
      .index('by-state', { partition: ['waiting'] })
      .getMany();
    await expect(query).rejects.toMatchObject({ code: 'INVALID_INDEX' });
  });

  it('entity values are separate from plain keys with the same name', async () => {
    await kvs
      .entity<CaseRow>('erasure-case')
      .set('DSAR-1', { ticketKey: 'DSAR-1', phase: 'approved', dueOn: '2026-12-01', version: 0 });
    expect(await kvs.get('DSAR-1')).toBeUndefined();
    expect(await kvs.entity('erasure-job').get('DSAR-1')).toBeUndefined();
  });
});

describe('KVS emulator persistence', () => {
  it('data written with kvsFile is read back by a new platform on the same file (a restart keeps storage)', async () => {
    const kvsFile = join(bed.tmp, 'nested', 'kvs.json');
    bed.platform.uninstall();
    const first = bed.newPlatform({ kvsFile }).install();
    await kvs.set('settings', { fields: { email: 'customfield_10050' } });
    await kvs.setSecret('provider:ada', { apiKey: 'k' });
    await kvs
      .entity<CaseRow>('erasure-case')
      .set('DSAR-7', { ticketKey: 'DSAR-7', phase: 'erasing', dueOn: '2026-12-24', version: 3 });
    await kvs.set('overwritten', 'old');
    await kvs.set('overwritten', 'new');
    first.uninstall();
    expect(JSON.parse(readFileSync(kvsFile, 'utf8'))).toBeInstanceOf(Object);

    bed.platform = bed.newPlatform({ kvsFile }).install();
    expect(await kvs.get('settings')).toEqual({ fields: { email: 'customfield_10050' } });
    expect(await kvs.getSecret('provider:ada')).toEqual({ apiKey: 'k' });
    expect(await kvs.entity<CaseRow>('erasure-case').get('DSAR-7')).toEqual({
      ticketKey: 'DSAR-7',
      phase: 'erasing',
      dueOn: '2026-12-24',
      version: 3,
    });
    expect(await kvs.get('overwritten')).toBe('new');
    const indexed = await kvs
      .entity<CaseRow>('erasure-case')
      .query()
      .index('by-phase-due', { partition: ['erasing'] })
      .getMany();
    expect(indexed.results.map((r) => r.key)).toEqual(['DSAR-7']);
  });

  it('deletes and transactions (which answer 204) also reach the file', async () => {
    const kvsFile = join(bed.tmp, 'kvs-204.json');
    bed.platform.uninstall();
    const first = bed.newPlatform({ kvsFile }).install();
    await kvs.set('gone', 1);
    await kvs.set('kept', 1);
    await kvs.delete('gone');
    await kvs.transact().set('kept', 2).set('added', 'yes').execute();
    first.uninstall();

    bed.platform = bed.newPlatform({ kvsFile }).install();
    expect(await kvs.get('gone')).toBeUndefined();
    expect(await kvs.get('kept')).toBe(2);
    expect(await kvs.get('added')).toBe('yes');
  });

  it('a platform without kvsFile starts empty and shares nothing with the previous one', async () => {
    await kvs.set('only-here', 1);
    bed.platform.uninstall();
    bed.platform = bed.newPlatform().install();
    expect(await kvs.get('only-here')).toBeUndefined();
  });
});

describe('Forge runtime: scheduled triggers', () => {
  interface Fired {
    fn: string;
    at: number;
    moduleKey: unknown;
  }

  /** Handlers that record when they run, loaded through the runtime's manifest lookup instead of src/index. */
  function recordingModule(fired: Fired[]): () => Record<string, unknown> {
    const record = (fn: string) => (event: { context?: { moduleKey?: unknown } }) => {
      fired.push({ fn, at: bed.clock.now(), moduleKey: event.context?.moduleKey });
    };
    return () => ({
      amiqusDuePoll: record('amiqusDuePoll'),
      providerStatusPoll: record('providerStatusPoll'),
      deadlineWatch: record('deadlineWatch'),
      personalDataReport: record('personalDataReport'),
    });
  }

  it('fires each manifest scheduledTrigger at its interval as platform.advance() moves time', async () => {
    const fired: Fired[] = [];
    bed.platform.uninstall();
    bed.platform = bed.newPlatform({ loadModule: recordingModule(fired) }).install();

    await bed.platform.advance(4 * 60_000);
    expect(fired).toEqual([]);

    await bed.platform.advance(60_000);
    expect(fired).toEqual([
      { fn: 'providerStatusPoll', at: START + 5 * 60_000, moduleKey: 'provider-status-schedule' },
    ]);

    await bed.platform.advance(86_400_000 - 5 * 60_000);
    const polls = fired.filter((f) => f.fn === 'providerStatusPoll');
    expect(polls).toHaveLength(288);
    polls.forEach((p, i) => expect(p.at).toBe(START + (i + 1) * 5 * 60_000));
    expect(fired.filter((f) => f.fn === 'amiqusDuePoll')).toEqual([
      { fn: 'amiqusDuePoll', at: START + 86_400_000, moduleKey: 'amiqus-due-clients' },
    ]);
    expect(fired.filter((f) => f.fn === 'deadlineWatch')).toEqual([
      { fn: 'deadlineWatch', at: START + 86_400_000, moduleKey: 'deadline-watch-schedule' },
    ]);
    expect(fired.filter((f) => f.fn === 'personalDataReport')).toEqual([
      { fn: 'personalDataReport', at: START + 86_400_000, moduleKey: 'personal-data-report-schedule' },
    ]);

    expect(bed.platform.stats.get('provider-status-poll')?.count).toBe(288);
    expect(bed.platform.stats.get('amiqus-due-poll')?.count).toBe(1);
    expect(bed.platform.stats.get('deadline-watch')?.count).toBe(1);

    await bed.platform.advance(86_400_000);
    expect(bed.platform.stats.get('provider-status-poll')?.count).toBe(576);
    expect(bed.platform.stats.get('amiqus-due-poll')?.count).toBe(2);
    expect(bed.platform.stats.get('deadline-watch')?.count).toBe(2);
  });
});

describe('pinned @forge packages', () => {
  it('package.json pins, and node_modules holds, the @forge versions the emulators speak the wire protocol of', () => {
    // sandbox/forge/kvs-emulator.ts and runtime.ts emulate these exact versions' use of __forge_fetch__ and
    // __forge_runtime__; an upgrade must fail here until the emulators are checked against the new protocol.
    const pinned: Record<string, string> = {
      '@forge/api': '8.3.0',
      '@forge/kvs': '1.6.5',
      '@forge/events': '3.0.8',
      '@forge/bridge': '7.2.0',
      '@forge/resolver': '2.0.1',
      '@forge/react': '12.3.1',
    };
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const [name, version] of Object.entries(pinned)) {
      expect([name, pkg.dependencies[name]]).toEqual([name, version]);
      const installed = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect([name, installed.version]).toEqual([name, version]);
    }
    // The KVS emulator names the client version it was written against.
    expect(readFileSync(join(REPO_ROOT, 'sandbox', 'forge', 'kvs-emulator.ts'), 'utf8')).toContain(
      `\`@forge/kvs\` ${pinned['@forge/kvs']}`,
    );
  });
});
