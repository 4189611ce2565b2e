import { pollAmiqusDue } from '../app/intake';
import { buildAmiqusDirectory, buildDeps } from '../deps';
import { createAppJira } from '../jira/app-jira';
import { SCHEDULED_OK, type ScheduledResult } from './scheduled-result';

/** manifest.yml declares 300 s for this function; stop taking new clients well before it (the rest is overdue tomorrow). */
const BUDGET_MS = 240_000;

/** Daily: open or update a ticket for every Amiqus client due (or overdue) for deletion. */
export async function amiqusDuePoll(): Promise<ScheduledResult> {
  const deps = await buildDeps();
  const directory = await buildAmiqusDirectory(deps.settings);
  if (!directory) {
    deps.log.info('amiqus due poll skipped', { reason: 'Amiqus is disabled or has no credentials' });
    return SCHEDULED_OK;
  }
  const report = await pollAmiqusDue(deps, createAppJira(), directory, BUDGET_MS);
  deps.log.info('amiqus due poll', {
    seen: report.seen,
    created: report.created,
    updated: report.updated,
    stoppedForTime: report.stoppedForTime,
  });
  return SCHEDULED_OK;
}
