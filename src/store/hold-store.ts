import { kvs } from '@forge/kvs';
import { type LegalHold, legalHoldSchema } from '../core/legal-hold';
import { fromEntityValue, toEntityValue } from './entity-codec';
import { accountRegistry } from './account-registry';
import { ENTITIES } from './keys';

/**
 * The legal-hold register (GDPR Art. 17(3)(e)). Entries hold identifier hashes, not identifiers, so the
 * register itself adds no personal data to storage.
 */
export const holdStore = {
  async list(): Promise<LegalHold[]> {
    const holds: LegalHold[] = [];
    let cursor: string | undefined;
    do {
      let query = kvs.entity<LegalHold>(ENTITIES.hold).query().index('by-created').limit(100);
      if (cursor) query = query.cursor(cursor);
      const page = await query.getMany();
      holds.push(...page.results.map((r) => legalHoldSchema.parse(fromEntityValue(legalHoldSchema, r.value))));
      cursor = page.nextCursor;
    } while (cursor);
    return holds;
  },
  async save(hold: LegalHold): Promise<LegalHold> {
    const parsed = legalHoldSchema.parse(hold);
    await accountRegistry.note(parsed.createdBy, parsed.createdAt, { kind: 'hold', holdId: parsed.id });
    await kvs.entity(ENTITIES.hold).set(parsed.id, toEntityValue(parsed));
    return parsed;
  },
  remove: (id: string): Promise<void> => kvs.entity(ENTITIES.hold).delete(id),
};
