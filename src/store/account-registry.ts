import { kvs, WhereConditions } from '@forge/kvs';
import {
  type AccountPlace,
  accountPlaceSchema,
  ERASED_ACCOUNT,
  type StoredAccount,
  storedAccountSchema,
} from '../core/actor-commitment';
import type { CaseRecord } from '../core/records';
import { kvsKeys } from './keys';

/**
 * Every Atlassian account id the app stores, and where, so that all of them can be reported to Atlassian's
 * personal data reporting API and erased when an account is closed. One key per account (with when its data
 * was last stored) and one per place it is stored: idempotent writes, so concurrent invocations never lose a place.
 */

const placeId = (p: AccountPlace) =>
  p.kind === 'audit-actor'
    ? `${p.kind}:${p.commitment}`
    : p.kind === 'hold'
      ? `${p.kind}:${p.holdId}`
      : `${p.kind}:${p.ticketKey}`;
const placeKey = (accountId: string, p: AccountPlace) => `${kvsKeys.accountPlacePrefix(accountId)}${placeId(p)}`;

/**
 * Registered in this instance already: a case is rewritten on every job step, and re-registering the same
 * account and place is an idempotent write that only costs KVS calls. A new instance registers again.
 */
const registered = new Set<string>();

export const accountRegistry = {
  async note(accountId: string, at: string, place: AccountPlace): Promise<void> {
    if (accountId === '' || accountId === ERASED_ACCOUNT) return;
    await kvs.set(placeKey(accountId, place), place);
    await kvs.set(kvsKeys.storedAccount(accountId), { accountId, updatedAt: at });
  },

  /** One page of stored accounts, in key order, for a resumable reporting cycle. */
  async page(limit: number, cursor?: string): Promise<{ accounts: StoredAccount[]; cursor?: string }> {
    let query = kvs.query().where('key', WhereConditions.beginsWith(kvsKeys.storedAccountPrefix)).limit(limit);
    if (cursor) query = query.cursor(cursor);
    const page = await query.getMany();
    return {
      accounts: page.results.map((r) => storedAccountSchema.parse(r.value)),
      ...(page.nextCursor ? { cursor: page.nextCursor } : {}),
    };
  },

  async places(accountId: string): Promise<AccountPlace[]> {
    const places: AccountPlace[] = [];
    let cursor: string | undefined;
    do {
      let query = kvs
        .query()
        .where('key', WhereConditions.beginsWith(kvsKeys.accountPlacePrefix(accountId)))
        .limit(100);
      if (cursor) query = query.cursor(cursor);
      const page = await query.getMany();
      places.push(...page.results.map((r) => accountPlaceSchema.parse(r.value)));
      cursor = page.nextCursor;
    } while (cursor);
    return places;
  },

  async forget(accountId: string, places: AccountPlace[]): Promise<void> {
    for (const p of places) await kvs.delete(placeKey(accountId, p));
    await kvs.delete(kvsKeys.storedAccount(accountId));
    for (const key of registered) if (key.startsWith(`${accountId}|`)) registered.delete(key);
  },

  eraseActorOpening: (commitment: string): Promise<void> => kvs.delete(kvsKeys.actorOpening(commitment)),
  getCycle: (): Promise<unknown> => kvs.get(kvsKeys.reportingCycle),
  setCycle: (state: unknown): Promise<void> => kvs.set(kvsKeys.reportingCycle, state),
};

/** The account ids a case record names: its approver, who extended its deadline, who confirmed downstream. */
export function caseAccounts(record: CaseRecord): string[] {
  const ids = [
    record.approvedBy,
    ...record.extensions.map((e) => e.by),
    ...record.downstream.map((d) => d.confirmedBy),
  ];
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== '' && id !== ERASED_ACCOUNT))];
}

/** Registers a case's account ids before the case is written. */
export async function noteCaseAccounts(record: CaseRecord, at: string): Promise<void> {
  for (const accountId of caseAccounts(record)) {
    const key = `${accountId}|${record.ticketKey}`;
    if (registered.has(key)) continue;
    await accountRegistry.note(accountId, at, { kind: 'case', ticketKey: record.ticketKey });
    registered.add(key);
  }
}
