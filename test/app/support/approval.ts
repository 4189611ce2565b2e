import { handleApproval } from '../../../src/app/approve';
import { runErasureJob } from '../../../src/app/run-job';
import { OFFICER, type World } from './world';

let changelog = 100;

/** An officer moves the ticket to Approved, and Forge delivers the issue-updated event once. */
export async function approve(world: World, key: string, actor = OFFICER) {
  world.jira.setStatus(key, world.deps.settings.statuses.approved);
  changelog += 1;
  return handleApproval(world.deps, { issueKey: key, changelogId: String(changelog), toStatus: world.deps.settings.statuses.approved, actorAccountId: actor });
}

/** Delivers every queued job event to the worker, as the Forge queue would. */
export async function deliverQueue(world: World) {
  const results = [];
  for (const message of world.queue.take()) results.push(await runErasureJob(world.deps, message));
  return results;
}
