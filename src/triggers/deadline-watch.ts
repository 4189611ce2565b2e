import { watchDeadlines } from '../app/deadline-watch';
import { buildDeps, buildTicketSearch } from '../deps';
import { SCHEDULED_OK, type ScheduledResult } from './scheduled-result';

export async function deadlineWatch(): Promise<ScheduledResult> {
  const deps = await buildDeps();
  const report = await watchDeadlines(deps, buildTicketSearch());
  deps.log.info('deadline watch', {
    checked: report.checked,
    warned: report.warned,
    swept: report.swept,
    recovered: report.recovered,
  });
  return SCHEDULED_OK;
}
