import { ConcurrentUpdate, type JobRecord } from '../core/records';
import type { AppDeps } from './ports';

/**
 * Saves a job unless another invocation changed it first (an optimistic write that lost): that invocation's
 * write stands and carries the job on, so losing is not an error. Returns the saved job, or null if it lost.
 */
export async function saveJobQuietly(deps: AppDeps, job: JobRecord): Promise<JobRecord | null> {
  try {
    return await deps.store.jobs.update(job);
  } catch (error) {
    if (error instanceof ConcurrentUpdate) return null;
    throw error;
  }
}
