import { kvs } from '@forge/kvs';
import { z } from 'zod';
import type { AdaSubmissionLog } from '../providers/ada/cooldown';
import { kvsKeys } from './keys';

/**
 * When each Ada identifier was last submitted, and under which client_reference, keyed by its SHA-256
 * (no plain identifier is stored). Ada fails a whole job if an identifier was submitted in the previous
 * 7 days (PROVIDERS.md); entries expire after 8 days, when they no longer matter.
 */
const TTL_DAYS = 8;
const entrySchema = z.object({ at: z.string(), clientReference: z.string() });

export const adaSubmissionLog: AdaSubmissionLog = {
  async lastSubmission(identifierKey) {
    const raw = await kvs.get<unknown>(kvsKeys.adaSubmitted(identifierKey));
    return raw === undefined ? null : entrySchema.parse(raw);
  },
  async record(identifierKeys, at, clientReference) {
    for (const key of identifierKeys) {
      const earlier = await this.lastSubmission(key);
      if (earlier?.clientReference === clientReference) continue;
      await kvs.set(kvsKeys.adaSubmitted(key), { at, clientReference }, { ttl: { value: TTL_DAYS, unit: 'DAYS' } });
    }
  },
};
