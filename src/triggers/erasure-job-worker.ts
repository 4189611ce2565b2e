import { z } from 'zod';
import { runErasureJob, type RunJobResult } from '../app/run-job';
import { buildDeps } from '../deps';
import { jobMessageSchema } from '../core/records';

/** Consumer of the `erasure-jobs` queue: one event per provider job (manifest consumer `erasure-job-consumer`). */
const asyncEventSchema = z.object({ body: jobMessageSchema });

export async function erasureJobWorker(event: unknown): Promise<RunJobResult> {
  const parsed = asyncEventSchema.safeParse(event);
  // A malformed event can never succeed; rejecting it loudly would only make Forge retry it.
  if (!parsed.success) return { kind: 'ignored', reason: 'malformed queue event' };
  const deps = await buildDeps();
  return runErasureJob(deps, parsed.data.body);
}
