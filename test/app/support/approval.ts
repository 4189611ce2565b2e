import { handleApproval } from '../../../src/app/approve';
import { pollProviderStatus } from '../../../src/app/poll';
import { runErasureJob } from '../../../src/app/run-job';
import { OFFICER, type World } from './world';

let changelog = 100;

/** An officer moves the ticket to Approved, and Forge delivers the issue-updated event once. */
export async function approve(world: World, key: string, actor = OFFICER) {
  world.jira.setStatus(key, world.deps.settings.statuses.approved);
  changelog += 1;
  return handleApproval(world.deps, {
    issueKey: key,
    changelogId: String(changelog),
    toStatus: world.deps.settings.statuses.approved,
    actorAccountId: actor,
  });
}

/** Delivers every queued job event to the worker, as the Forge queue would. */
export async function deliverQueue(world: World) {
  const results = [];
  for (const message of world.queue.take()) results.push(await runErasureJob(world.deps, message));
  return results;
}

/** Lets the submitted jobs finish: Ada's first poll comes after 5 minutes, the next 15 minutes later. */
export async function pollUntilSettled(world: World) {
  world.advance(5 * 60_000);
  await pollProviderStatus(world.deps, 10_000);
  world.advance(15 * 60_000);
  await pollProviderStatus(world.deps, 10_000);
}
