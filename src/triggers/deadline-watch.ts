import { watchDeadlines, type DeadlineReport } from '../app/deadline-watch';
import { buildDeps } from '../deps';

export async function deadlineWatch(): Promise<DeadlineReport> {
  const deps = await buildDeps();
  const report = await watchDeadlines(deps);
  deps.log.info('deadline watch', { checked: report.checked, warned: report.warned, swept: report.swept });
  return report;
}
