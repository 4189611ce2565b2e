import { kvs } from '@forge/kvs';
import { z } from 'zod';

/**
 * When each Ada identifier was last submitted, keyed by its SHA-256 (no plain identifier is stored).
 * Ada fails a whole deletion job if any identifier was submitted in the previous 7 days (PROVIDERS.md), so
 * the adapter consults this before every submission. Entries expire after 8 days: older ones no longer matter.
 */
const TTL_DAYS = 8;
const entrySchema = z.object({ at: z.string() });

export const adaSubmissionLog = {
  async lastSubmittedAt(identifierKey: string): Promise<string | null> {
    const raw = await kvs.get<unknown>(`ada-submitted:${identifierKey}`);
    return raw === undefined ? null : entrySchema.parse(raw).at;
  },
  async record(identifierKeys: string[], at: string): Promise<void> {
    for (const key of identifierKeys) {
      await kvs.set(`ada-submitted:${key}`, { at }, { ttl: { value: TTL_DAYS, unit: 'DAYS' } });
    }
  },
};
