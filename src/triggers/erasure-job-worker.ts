import { InvocationError, InvocationErrorCode } from '@forge/events';
import { z } from 'zod';
import { runJobGroup, type RunJobResult } from '../app/run-job';
import { buildDeps } from '../deps';
import { jobMessageSchema } from '../core/records';

/** Consumer of the `erasure-jobs` queue: one event per provider job (manifest consumer `erasure-job-consumer`). */
const asyncEventSchema = z.object({ body: jobMessageSchema });
/** A redelivery the worker asked for (InvocationError) brings the slot reserved for it in its retryData. */
const redeliverySchema = z.object({
  retryContext: z.object({ retryData: z.object({ slot: jobMessageSchema.shape.slot }) }),
});

/** Manifest timeoutSeconds is 120: a group of jobs stops starting new ones after a quarter of it. */
const GROUP_BUDGET_MS = 30_000;

export async function erasureJobWorker(event: unknown): Promise<RunJobResult | InvocationError> {
  const parsed = asyncEventSchema.safeParse(event);
  // A malformed event can never succeed; rejecting it loudly would only make Forge retry it.
  if (!parsed.success) return { kind: 'ignored', reason: 'malformed queue event' };
  const deps = await buildDeps();
  const slot = redeliverySchema.safeParse(event).data?.retryContext.retryData.slot;
  const result = await runJobGroup(deps, { ...parsed.data.body, ...(slot ? { slot } : {}) }, GROUP_BUDGET_MS);
  // Forge refused the re-queue push (500 events a minute): it delivers this same event again instead, which is
  // not a push (https://developer.atlassian.com/platform/forge/runtime-reference/async-events-api/, retrying).
  if (result.kind === 'redeliver')
    return new InvocationError({
      retryAfter: result.delaySeconds,
      retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
      ...(result.slot ? { retryData: { slot: result.slot } } : {}),
    });
  return result;
}
