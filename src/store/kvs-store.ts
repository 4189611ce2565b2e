import { Filter, FilterConditions, ForgeKvsAPIError, kvs, Sort, WhereConditions } from '@forge/kvs';
import type { z } from 'zod';
import { settingsSchema, type Settings } from '../core/settings';
import { type ProviderId } from '../core/erasure';
import { type CaseRecord, caseRecordSchema, type Claim, ConcurrentUpdate, type JobRecord, jobRecordSchema } from '../core/records';
import { ENTITIES, entityKeys, kvsKeys } from './keys';

/**
 * Case and job records on Forge KVS custom entities (declared in manifest.yml `app.storage.entities`).
 * Updates are optimistic: each record carries a version and a write succeeds only if the stored version is
 * still the one read, so two workers handling the same case can never silently overwrite each other.
 */


/** A KVS write refused because the key exists or a condition failed (the emulator and Forge agree on 409/412). */
export function isConflict(error: unknown): boolean {
  if (!(error instanceof ForgeKvsAPIError)) return false;
  const status = error.responseDetails.status;
  return status === 409 || status === 412 || /EXIST|CONDITION/i.test(error.code);
}

const jobKey = entityKeys.job;

async function createVersioned<T extends { version: number }>(entityName: string, key: string, value: T): Promise<boolean> {
  try {
    await kvs.entity<T>(entityName).set(key, { ...value, version: 0 }, { keyPolicy: 'FAIL_IF_EXISTS' });
    return true;
  } catch (error) {
    if (isConflict(error)) return false;
    throw error;
  }
}

async function updateVersioned<T extends { version: number }>(entityName: string, key: string, value: T): Promise<T> {
  const next = { ...value, version: value.version + 1 };
  try {
    await kvs
      .transact()
      .set(key, next, { entityName, conditions: new Filter<T>().and('version', FilterConditions.equalTo(value.version)) })
      .execute();
    return next;
  } catch (error) {
    if (isConflict(error)) throw new ConcurrentUpdate(entityName, key);
    throw error;
  }
}

async function getParsed<S extends z.ZodType>(entityName: string, key: string, schema: S): Promise<z.infer<S> | undefined> {
  const raw = await kvs.entity<unknown>(entityName).get(key);
  return raw === undefined ? undefined : schema.parse(raw);
}

export const caseStore = {
  get: (ticketKey: string): Promise<CaseRecord | undefined> => getParsed(ENTITIES.case, entityKeys.case(ticketKey), caseRecordSchema),
  create: (record: CaseRecord): Promise<boolean> => createVersioned(ENTITIES.case, entityKeys.case(record.ticketKey), record),
  update: (record: CaseRecord): Promise<CaseRecord> => updateVersioned(ENTITIES.case, entityKeys.case(record.ticketKey), record),
  async listOpen(limit: number, cursor?: string): Promise<{ cases: CaseRecord[]; cursor?: string }> {
    let query = kvs
      .entity<CaseRecord>(ENTITIES.case)
      .query()
      .index('by-phase-due', { partition: ['open'] })
      .limit(limit);
    if (cursor) query = query.cursor(cursor);
    const page = await query.getMany();
    return { cases: page.results.map((r) => caseRecordSchema.parse(r.value)), ...(page.nextCursor ? { cursor: page.nextCursor } : {}) };
  },
};

export const jobStore = {
  get: (ticketKey: string, provider: ProviderId): Promise<JobRecord | undefined> =>
    getParsed(ENTITIES.job, jobKey(ticketKey, provider), jobRecordSchema),
  create: (job: JobRecord): Promise<boolean> => createVersioned(ENTITIES.job, jobKey(job.ticketKey, job.provider), job),
  update: (job: JobRecord): Promise<JobRecord> => updateVersioned(ENTITIES.job, jobKey(job.ticketKey, job.provider), job),
  async listForCase(ticketKey: string): Promise<JobRecord[]> {
    const page = await kvs
      .entity<JobRecord>(ENTITIES.job)
      .query()
      .index('by-ticket', { partition: [ticketKey] })
      .limit(20)
      .getMany();
    return page.results.map((r) => jobRecordSchema.parse(r.value));
  },
  /** Jobs whose next poll time has come, oldest first; the cursor lets a later invocation resume. */
  async dueForPoll(nowMs: number, limit: number, cursor?: string): Promise<{ jobs: JobRecord[]; cursor?: string }> {
    let query = kvs
      .entity<JobRecord>(ENTITIES.job)
      .query()
      .index('by-poll', { partition: ['waiting'] })
      .where(WhereConditions.lessThanEqualTo(nowMs))
      .sort(Sort.ASC)
      .limit(limit);
    if (cursor) query = query.cursor(cursor);
    const page = await query.getMany();
    return { jobs: page.results.map((r) => jobRecordSchema.parse(r.value)), ...(page.nextCursor ? { cursor: page.nextCursor } : {}) };
  },
};

/**
 * One-time claims: the first invocation to write the key wins, every duplicate delivery sees it taken.
 * A claim may carry a TTL so that a crashed owner's claim does not block recovery forever.
 */
export const claims = {
  async take(claim: Claim, owner: string, at: string, ttlSeconds?: number): Promise<boolean> {
    try {
      await kvs.set(kvsKeys.claim(claim), { at, owner }, {
        keyPolicy: 'FAIL_IF_EXISTS',
        ...(ttlSeconds ? { ttl: { value: ttlSeconds, unit: 'SECONDS' as const } } : {}),
      });
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  },
  release: (claim: Claim): Promise<void> => kvs.delete(kvsKeys.claim(claim)),
};

export const settingsStore = {
  async get(): Promise<Settings> {
    return settingsSchema.parse((await kvs.get<unknown>(kvsKeys.settings)) ?? {});
  },
  async save(settings: Settings): Promise<Settings> {
    const parsed = settingsSchema.parse(settings);
    await kvs.set(kvsKeys.settings, parsed);
    return parsed;
  },
};
