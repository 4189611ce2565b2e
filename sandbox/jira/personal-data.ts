import type { JiraState } from './state';

/**
 * Atlassian's personal data reporting endpoint (`POST /app/report-accounts`, which `@forge/api`'s
 * `privacy.reportPersonalData` calls), answered as the user privacy guide documents it:
 * https://developer.atlassian.com/cloud/jira/platform/user-privacy-developer-guide/
 *  - body `{ accounts: [{ accountId, updatedAt }] }`, 1 to 90 accounts, `updatedAt` an ISO 8601 date-time; else 400;
 *  - 200 `{ accounts: [{ accountId, status: 'closed' | 'updated' }] }` for the accounts that need action;
 *  - 204 when none do; 429 with Retry-After when the app reports too often.
 */

export const REPORT_LIMIT = 90;

export function answerReportAccounts(
  state: JiraState,
  body: unknown,
): { status: number; headers?: Record<string, string>; body?: unknown } {
  const pd = state.personalData;
  const record = (status: number, accountIds: string[] = []) =>
    pd.reports.push({ at: state.now().toISOString(), accountIds, status });
  if (pd.throttle.calls > 0) {
    pd.throttle.calls -= 1;
    record(429);
    return { status: 429, headers: { 'retry-after': String(pd.throttle.retryAfterSeconds) } };
  }
  const accounts = (body as { accounts?: unknown } | null)?.accounts;
  const valid =
    Array.isArray(accounts) &&
    accounts.length >= 1 &&
    accounts.length <= REPORT_LIMIT &&
    accounts.every(
      (a) =>
        typeof a?.accountId === 'string' &&
        a.accountId !== '' &&
        typeof a?.updatedAt === 'string' &&
        !Number.isNaN(Date.parse(a.updatedAt)),
    );
  if (!valid) {
    record(400);
    return {
      status: 400,
      body: { errorMessages: [`accounts must hold 1 to ${REPORT_LIMIT} { accountId, updatedAt } entries`] },
    };
  }
  const list = accounts as Array<{ accountId: string; updatedAt: string }>;
  record(
    200,
    list.map((a) => a.accountId),
  );
  const actions = list.flatMap((a): Array<{ accountId: string; status: 'closed' | 'updated' }> => {
    if (pd.closed.has(a.accountId)) return [{ accountId: a.accountId, status: 'closed' }];
    const changed = pd.profileUpdatedAt.get(a.accountId);
    return changed && Date.parse(changed) > Date.parse(a.updatedAt)
      ? [{ accountId: a.accountId, status: 'updated' }]
      : [];
  });
  return actions.length ? { status: 200, body: { accounts: actions } } : { status: 204 };
}
