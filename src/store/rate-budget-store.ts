import { Filter, FilterConditions, kvs } from '@forge/kvs';
import { z } from 'zod';
import type { BudgetState } from '../core/rate-budget';
import { ENTITIES } from './keys';
import { isConflict } from './kvs-store';

/**
 * Rate budgets on the `rate-budget` custom entity (manifest.yml). The state is one JSON string: bucket
 * indexes and epoch times are beyond Forge's 32-bit entity integers, and one attribute keeps the record
 * to a single conditional write. The key is a hash of the credential, never the credential.
 */
const RATE_BUDGET_ENTITY = ENTITIES.rateBudget;

const stateSchema = z.object({
  windows: z.array(
    z.object({
      windowMs: z.number().positive(),
      limit: z.number().int().positive(),
      buckets: z.array(z.tuple([z.number(), z.number()])),
    }),
  ),
  blockedUntil: z.number(),
});
const recordSchema = z.object({ state: z.string(), version: z.number().int().min(0) });
type BudgetRecord = z.infer<typeof recordSchema>;

/** Implements src/app/rate-budget.ts `RateBudgetStore` (typed where it is wired, src/deps.ts). */
export const rateBudgetStore = {
  async read(key: string): Promise<{ state: BudgetState; version: number } | undefined> {
    const raw = await kvs.entity<unknown>(RATE_BUDGET_ENTITY).get(key);
    if (raw === undefined) return undefined;
    const record = recordSchema.parse(raw);
    return { state: stateSchema.parse(JSON.parse(record.state)) as BudgetState, version: record.version };
  },
  async write(key: string, state: BudgetState, expectedVersion: number | null): Promise<boolean> {
    const value: BudgetRecord = {
      state: JSON.stringify(state),
      version: expectedVersion === null ? 0 : expectedVersion + 1,
    };
    try {
      if (expectedVersion === null) {
        await kvs.entity<BudgetRecord>(RATE_BUDGET_ENTITY).set(key, value, { keyPolicy: 'FAIL_IF_EXISTS' });
      } else {
        await kvs
          .transact()
          .set(key, value, {
            entityName: RATE_BUDGET_ENTITY,
            conditions: new Filter<BudgetRecord>().and('version', FilterConditions.equalTo(expectedVersion)),
          })
          .execute();
      }
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  },
};
