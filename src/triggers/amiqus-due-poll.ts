import { pollAmiqusDue, type DuePollReport } from '../app/intake';
import { buildAmiqusDirectory, buildDeps } from '../deps';
import { createAppJira } from '../jira/app-jira';

/** Daily: open or update a ticket for every Amiqus client due (or overdue) for deletion. */
export async function amiqusDuePoll(): Promise<DuePollReport | { skipped: string }> {
  const deps = await buildDeps();
  const directory = await buildAmiqusDirectory(deps.settings);
  if (!directory) return { skipped: 'Amiqus is disabled or has no credentials' };
  const report = await pollAmiqusDue(deps, createAppJira(), directory);
  deps.log.info('amiqus due poll', { seen: report.seen, created: report.created, updated: report.updated });
  return report;
}
