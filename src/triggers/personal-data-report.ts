import { privacy } from '@forge/api';
import {
  type AccountStatus,
  type PersonalDataReporter,
  reportPersonalData,
  ReportThrottled,
} from '../app/personal-data';
import { buildDeps, personalDataStore } from '../deps';

/** `privacy.reportPersonalData` rejects with the HTTP response on anything but 200/204; a 429 carries Retry-After. */
const reporter: PersonalDataReporter = async (accounts) => {
  try {
    return (await privacy.reportPersonalData(
      accounts.map((a) => ({ accountId: a.accountId, updatedAt: a.updatedAt })),
    )) as AccountStatus[];
  } catch (error) {
    const response = error as { status?: number; headers?: { get(name: string): string | null } };
    if (response?.status === 429) {
      const hinted = Number(response.headers?.get('retry-after'));
      throw new ReportThrottled(Number.isFinite(hinted) && hinted > 0 ? hinted : 60);
    }
    throw error;
  }
};

/** Scheduled trigger `personal-data-report`: resumes or starts the reporting cycle. */
export async function personalDataReport(): Promise<{ statusCode: number }> {
  const deps = await buildDeps();
  const outcome = await reportPersonalData(deps, personalDataStore, reporter);
  deps.log.info('personal data reporting run', {
    calls: outcome.calls,
    reported: outcome.reported,
    closed: outcome.closed,
    waiting: outcome.waiting,
  });
  return { statusCode: 204 };
}
