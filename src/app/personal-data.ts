import { addDays } from 'date-fns';
import { z } from 'zod';
import { type AccountPlace, ERASED_ACCOUNT, type StoredAccount } from '../core/actor-commitment';
import { ConcurrentUpdate } from '../core/records';
import type { AppDeps, PersonalDataStore } from './ports';

/**
 * Use case: take part in Atlassian's personal data reporting
 * (https://developer.atlassian.com/cloud/jira/platform/user-privacy-developer-guide/). Every stored account id
 * is reported once a cycle (7 days), at most 90 a call; the cycle is resumable across invocations (the position
 * is saved after each call) and stops for as long as a 429's Retry-After says. Accounts Atlassian reports
 * `closed` are erased from everywhere the app stored them: audit openings are deleted (the hash chain keeps
 * its commitments and still verifies), and case, hold and preview records name `erased-account` instead.
 * We store account ids only, no profile data, so `updated` needs no refresh.
 */

export const REPORT_BATCH = 90;
export const CYCLE_DAYS = 7;
/** Stop starting calls after this long, well inside a scheduled trigger's limit; the next run resumes. */
const TIME_BUDGET_MS = 20_000;

export class ReportThrottled extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`personal data reporting throttled; retry after ${retryAfterSeconds}s`);
    this.name = 'ReportThrottled';
  }
}

export type AccountStatus = { accountId: string; status: 'closed' | 'updated' };
/** `privacy.reportPersonalData` for at most 90 accounts; throws ReportThrottled on 429. */
export type PersonalDataReporter = (accounts: StoredAccount[]) => Promise<AccountStatus[]>;

const stateSchema = z.object({
  cycleStartedAt: z.string().nullable().default(null),
  cursor: z.string().nullable().default(null),
  nextCycleAt: z.string().nullable().default(null),
  notBefore: z.string().nullable().default(null),
  reported: z.number().default(0),
});
type CycleState = z.infer<typeof stateSchema>;

export interface ReportOutcome {
  calls: number;
  reported: number;
  closed: number;
  updated: number;
  finishedCycle: boolean;
  waiting: 'cycle' | 'throttled' | null;
}

type ReportDeps = Pick<AppDeps, 'store' | 'now' | 'log'>;

export async function reportPersonalData(
  deps: ReportDeps,
  pd: PersonalDataStore,
  report: PersonalDataReporter,
): Promise<ReportOutcome> {
  const started = Date.now();
  const state: CycleState = stateSchema.parse((await pd.getCycle()) ?? {});
  const outcome: ReportOutcome = { calls: 0, reported: 0, closed: 0, updated: 0, finishedCycle: false, waiting: null };
  const now = deps.now();
  if (state.notBefore && now < new Date(state.notBefore)) return { ...outcome, waiting: 'throttled' };
  if (!state.cursor && state.nextCycleAt && now < new Date(state.nextCycleAt)) return { ...outcome, waiting: 'cycle' };
  if (!state.cursor) Object.assign(state, { cycleStartedAt: now.toISOString(), reported: 0 });
  state.notBefore = null;

  while (Date.now() - started < TIME_BUDGET_MS) {
    const page = await pd.page(REPORT_BATCH, state.cursor ?? undefined);
    if (page.accounts.length > 0) {
      let statuses: AccountStatus[];
      try {
        statuses = await report(page.accounts);
      } catch (error) {
        if (!(error instanceof ReportThrottled)) throw error;
        state.notBefore = new Date(deps.now().getTime() + error.retryAfterSeconds * 1000).toISOString();
        await pd.setCycle(state);
        deps.log.warn('personal data reporting throttled', { retryAfterSeconds: error.retryAfterSeconds });
        return { ...outcome, waiting: 'throttled' };
      }
      outcome.calls += 1;
      outcome.reported += page.accounts.length;
      state.reported += page.accounts.length;
      for (const s of statuses) {
        if (s.status === 'closed') {
          await eraseAccount(deps, pd, s.accountId);
          outcome.closed += 1;
        } else outcome.updated += 1;
      }
    }
    state.cursor = page.cursor ?? null;
    if (!state.cursor) {
      state.nextCycleAt = addDays(new Date(state.cycleStartedAt ?? now.toISOString()), CYCLE_DAYS).toISOString();
      await pd.setCycle(state);
      deps.log.info('personal data reporting cycle finished', { reported: state.reported });
      return { ...outcome, finishedCycle: true };
    }
    await pd.setCycle(state);
  }
  return outcome;
}

/** Removes a closed account from everywhere the registry says it is stored; safe to run again. */
export async function eraseAccount(deps: ReportDeps, pd: PersonalDataStore, accountId: string): Promise<void> {
  const places = await pd.places(accountId);
  for (const place of places) await erasePlace(deps, pd, accountId, place);
  await pd.forget(accountId, places);
}

const scrub = (value: string | null, accountId: string) => (value === accountId ? ERASED_ACCOUNT : value);

async function erasePlace(
  { store }: ReportDeps,
  pd: PersonalDataStore,
  accountId: string,
  place: AccountPlace,
): Promise<void> {
  switch (place.kind) {
    case 'audit-actor':
      await pd.eraseActorOpening(place.commitment);
      return;
    case 'hold': {
      const hold = (await store.holds.list()).find((h) => h.id === place.holdId);
      if (hold && hold.createdBy === accountId) await store.holds.save({ ...hold, createdBy: ERASED_ACCOUNT });
      return;
    }
    case 'preview': {
      const preview = await store.previews.get(place.ticketKey);
      if (preview && preview.requestedBy === accountId)
        await store.previews.set(place.ticketKey, { ...preview, requestedBy: ERASED_ACCOUNT });
      return;
    }
    case 'case':
      for (let attempt = 1; ; attempt += 1) {
        const record = await store.cases.get(place.ticketKey);
        if (!record) return;
        try {
          await store.cases.update({
            ...record,
            approvedBy: scrub(record.approvedBy, accountId) as string,
            extensions: record.extensions.map((e) => ({ ...e, by: scrub(e.by, accountId) as string })),
            downstream: record.downstream.map((d) => ({ ...d, confirmedBy: scrub(d.confirmedBy, accountId) })),
          });
          return;
        } catch (error) {
          if (!(error instanceof ConcurrentUpdate) || attempt >= 5) throw error;
        }
      }
  }
}
