import { Filter, FilterConditions, ForgeKvsAPIError, kvs, Sort, WhereConditions } from '@forge/kvs';
import type { z } from 'zod';
import { settingsSchema, type Settings } from '../core/settings';
import { type ProviderId } from '../core/erasure';
import {
  type CaseRecord,
  caseRecordSchema,
  type Claim,
  ConcurrentUpdate,
  type JobRecord,
  jobRecordSchema,
} from '../core/records';
import { fromEntityValue, readStoredTime, storedTime, toEntityValue } from './entity-codec';
import { noteCaseAccounts } from './account-registry';
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

type Encode = (record: object) => Record<string, unknown>;

async function createVersioned<T extends { version: number }>(
  entityName: string,
  key: string,
  value: T,
  encode: Encode = toEntityValue,
): Promise<boolean> {
  try {
    await kvs.entity(entityName).set(key, encode({ ...value, version: 0 }), { keyPolicy: 'FAIL_IF_EXISTS' });
    return true;
  } catch (error) {
    if (isConflict(error)) return false;
    throw error;
  }
}

async function updateVersioned<T extends { version: number }>(
  entityName: string,
  key: string,
  value: T,
  encode: Encode = toEntityValue,
): Promise<T> {
  const next = { ...value, version: value.version + 1 };
  try {
    await kvs
      .transact()
      .set(key, encode(next) as { version: number }, {
        entityName,
        conditions: new Filter<{ version: number }>().and('version', FilterConditions.equalTo(value.version)),
      })
      .execute();
    return next;
  } catch (error) {
    if (isConflict(error)) throw new ConcurrentUpdate(entityName, key);
    throw error;
  }
}

async function getParsed<S extends z.ZodObject>(
  entityName: string,
  key: string,
  schema: S,
  decode: (raw: unknown) => unknown = (raw) => raw,
): Promise<z.infer<S> | undefined> {
  const raw = await kvs.entity<unknown>(entityName).get(key);
  return raw === undefined ? undefined : schema.parse(fromEntityValue(schema, decode(raw)));
}

const parseCase = (raw: unknown): CaseRecord => caseRecordSchema.parse(fromEntityValue(caseRecordSchema, raw));

/** A job's poll time is epoch ms in the app and an ISO string in storage (see entity-codec). */
const encodeJob: Encode = (job) => {
  const value = toEntityValue(job);
  return { ...value, nextPollAt: storedTime(value.nextPollAt as number) };
};
const decodeJob = (raw: unknown): unknown => {
  const value = raw as Record<string, unknown>;
  return typeof value?.nextPollAt === 'string' ? { ...value, nextPollAt: readStoredTime(value.nextPollAt) } : raw;
};
const parseJob = (raw: unknown): JobRecord => jobRecordSchema.parse(fromEntityValue(jobRecordSchema, decodeJob(raw)));

export const caseStore = {
  get: (ticketKey: string): Promise<CaseRecord | undefined> =>
    getParsed(ENTITIES.case, entityKeys.case(ticketKey), caseRecordSchema),
  // Account ids in a case are registered for Atlassian's personal data reporting before they are stored.
  async create(record: CaseRecord): Promise<boolean> {
    await noteCaseAccounts(record, new Date().toISOString());
    return createVersioned(ENTITIES.case, entityKeys.case(record.ticketKey), record);
  },
  async update(record: CaseRecord): Promise<CaseRecord> {
    await noteCaseAccounts(record, new Date().toISOString());
    return updateVersioned(ENTITIES.case, entityKeys.case(record.ticketKey), record);
  },
  async listOpen(limit: number, cursor?: string): Promise<{ cases: CaseRecord[]; cursor?: string }> {
    let query = kvs
      .entity<CaseRecord>(ENTITIES.case)
      .query()
      .index('by-phase-due', { partition: ['open'] })
      .limit(limit);
    if (cursor) query = query.cursor(cursor);
    const page = await query.getMany();
    return {
      cases: page.results.map((r) => parseCase(r.value)),
      ...(page.nextCursor ? { cursor: page.nextCursor } : {}),
    };
  },
};

export const jobStore = {
  get: (ticketKey: string, provider: ProviderId): Promise<JobRecord | undefined> =>
    getParsed(ENTITIES.job, jobKey(ticketKey, provider), jobRecordSchema, decodeJob),
  create: (job: JobRecord): Promise<boolean> =>
    createVersioned(ENTITIES.job, jobKey(job.ticketKey, job.provider), job, encodeJob),
  update: (job: JobRecord): Promise<JobRecord> =>
    updateVersioned(ENTITIES.job, jobKey(job.ticketKey, job.provider), job, encodeJob),
  async listForCase(ticketKey: string): Promise<JobRecord[]> {
    const page = await kvs
      .entity<JobRecord>(ENTITIES.job)
      .query()
      .index('by-ticket', { partition: [ticketKey] })
      .limit(20)
      .getMany();
    return page.results.map((r) => parseJob(r.value));
  },
  /** Jobs whose next poll time has come, oldest first; the cursor lets a later invocation resume. */
  async dueForPoll(nowMs: number, limit: number, cursor?: string): Promise<{ jobs: JobRecord[]; cursor?: string }> {
    let query = kvs
      .entity<JobRecord>(ENTITIES.job)
      .query()
      .index('by-poll', { partition: ['waiting'] })
      .where(WhereConditions.lessThanEqualTo(storedTime(nowMs)))
      .sort(Sort.ASC)
      .limit(limit);
    if (cursor) query = query.cursor(cursor);
    const page = await query.getMany();
    return {
      jobs: page.results.map((r) => parseJob(r.value)),
      ...(page.nextCursor ? { cursor: page.nextCursor } : {}),
    };
  },
};

/**
 * One-time claims: the first invocation to write the key wins, every duplicate delivery sees it taken.
 * A claim may carry a lifetime so that a crashed owner's claim does not block recovery forever. Forge may
 * return expired data for up to 48 hours (https://developer.atlassian.com/platform/forge/storage-reference/kvs-api/),
 * so expiry is never trusted for correctness: the claim records when it lapses, and a lapsed claim is taken
 * over with a conditional write on that time, which exactly one contender can win. The storage TTL only
 * tidies up.
 */
type ClaimValue = { at: string; owner: string; expiresAt?: string };

export const claims = {
  async take(claim: Claim, owner: string, at: string, ttlSeconds?: number): Promise<boolean> {
    const key = entityKeys.claim(claim);
    const value: ClaimValue = {
      at,
      owner,
      ...(ttlSeconds ? { expiresAt: new Date(Date.parse(at) + ttlSeconds * 1000).toISOString() } : {}),
    };
    const ttl = ttlSeconds ? { ttl: { value: ttlSeconds, unit: 'SECONDS' as const } } : {};
    const entity = kvs.entity<ClaimValue>(ENTITIES.claim);
    try {
      await entity.set(key, value, { keyPolicy: 'FAIL_IF_EXISTS', ...ttl });
      return true;
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
    const held = await entity.get(key);
    if (!held?.expiresAt || Date.parse(held.expiresAt) > Date.parse(at)) return false;
    try {
      await kvs
        .transact()
        .set(
          key,
          value,
          {
            entityName: ENTITIES.claim,
            conditions: new Filter<ClaimValue>().and('expiresAt', FilterConditions.equalTo(held.expiresAt)),
          },
          ttl,
        )
        .execute();
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  },
  release: (claim: Claim): Promise<void> => kvs.entity(ENTITIES.claim).delete(entityKeys.claim(claim)),
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
