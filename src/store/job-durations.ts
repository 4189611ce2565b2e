import { kvs } from '@forge/kvs';
import { z } from 'zod';
import type { ProviderId } from '../core/erasure';
import { kvsKeys } from './keys';

/** The durations of a provider's recent jobs, one small KVS value per provider: no identifier, no reference. */
const durationsSchema = z.array(z.number().nonnegative());

export const jobDurations = {
  async recent(provider: ProviderId): Promise<number[]> {
    const parsed = durationsSchema.safeParse(await kvs.get<unknown>(kvsKeys.jobDurations(provider)));
    return parsed.success ? parsed.data : [];
  },
  async save(provider: ProviderId, durationsMs: number[]): Promise<void> {
    await kvs.set(kvsKeys.jobDurations(provider), durationsMs);
  },
};
