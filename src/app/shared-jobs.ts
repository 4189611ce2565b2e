import { createHash } from 'node:crypto';
import { planBatches, type BatchMember } from '../core/batch-plan';
import type { ProviderId } from '../core/erasure';
import type { Subject } from '../core/subject';
import { isTransient, OutcomeUnknown, ProviderError } from '../providers/errors';
import { type BatchEntry, type ErasureOutcome, idempotencyKey } from '../providers/port';
import { ConcurrentUpdate, type JobRecord } from '../core/records';
import { firstReadDelayMs, readWhenLikelyDone } from './completion-estimate';
import { applyOutcome } from './job-outcome';
import type { AppDeps } from './ports';
import { recordOutcome } from './record-outcome';
import { approvedSubject } from './run-job';
import { saveJobQuietly } from './job-writes';

/**
 * Use case (run by the scheduled poll): jobs enrolled for a provider that erases many subjects per job
 * (Ada) go out in as few provider jobs as its limits allow. Each ticket keeps its own job record and
 * later its own dispositions (by identifier digest). A subject whose identifiers are inside the
 * provider's cooldown never joins a shared job, since one such identifier fails the whole job. The
 * shared job's reference is written to every member before it is submitted, so a crash between the two
 * resubmits the same reference and the provider returns the same job (Ada: client_reference, 24 h).
 *
 * Returns the provider calls made.
 */

interface Member {
  job: JobRecord;
  subject: Subject;
  entry: BatchEntry;
}

export async function submitSharedJobs(
  deps: AppDeps,
  providerId: ProviderId,
  jobs: JobRecord[],
  outOfTime: () => boolean,
): Promise<number> {
  const provider = await deps.provider(providerId);
  const batching = provider?.batching;
  const at = deps.now().toISOString();
  if (!provider || !batching) {
    // The provider can no longer batch (its API setting changed): each job goes alone through the queue.
    for (const job of jobs) {
      if (await saveJobQuietly(deps, { ...job, batchEnrolled: false }))
        await deps.queue.push([{ ticketKey: job.ticketKey, provider: job.provider, attempt: job.attempt }]);
    }
    return 0;
  }

  const members: Member[] = [];
  for (const job of jobs) {
    if (outOfTime()) break;
    const approved = await approvedSubject(deps, job);
    if (approved.kind === 'case_closed') continue;
    if (approved.kind === 'problem') {
      await settle(deps, job, at, approved.outcome);
      continue;
    }
    const held = await batching.cooldown(approved.subject, job.batchRef ?? '');
    if (held) {
      await settle(deps, job, at, held);
      continue;
    }
    const entry = batching.entryFor(approved.subject, job.ticketKey);
    if (entry) members.push({ job, subject: approved.subject, entry });
  }

  // Members already given a reference (a crash after writing it) go again with that reference, unchanged.
  const assigned = new Map<string, Member[]>();
  for (const m of members.filter((x) => x.job.batchRef))
    assigned.set(m.job.batchRef as string, [...(assigned.get(m.job.batchRef as string) ?? []), m]);
  const plan = planBatches<Member>(
    members.filter((m) => !m.job.batchRef).map((m) => ({ item: m, digests: m.entry.digests, bytes: m.entry.bytes })),
    batching.limits,
  );
  const batches: Array<{ reference: string | null; members: Member[] }> = [
    ...[...assigned].map(([reference, list]) => ({ reference, members: list })),
    ...plan.batches.map((b: Array<BatchMember<Member>>) => ({ reference: null, members: b.map((x) => x.item) })),
  ];

  let calls = 0;
  const budget = await deps.budget?.(providerId);
  const readAfterMs = batches.length > 0 ? await firstReadDelayMs(deps, providerId) : null;
  for (const batch of batches) {
    if (outOfTime()) break;
    // No room now: the members stay enrolled and due, and the next poll tries again.
    if (budget && !(await budget.book(1)).ok) break;
    const reference = batch.reference ?? sharedReference(batch.members, at);
    const written: Member[] = [];
    for (const m of batch.members) {
      const job =
        m.job.batchRef === reference
          ? m.job
          : await saveJobQuietly(deps, { ...m.job, batchRef: reference, batchDigests: m.entry.digests });
      if (job) written.push({ ...m, job });
    }
    if (written.length === 0) continue;
    calls += 1;
    let accepted;
    try {
      accepted = await batching.submitBatch(
        written.map((m) => m.subject),
        reference,
      );
    } catch (error) {
      // Throttled, unavailable or unknown: the members keep the reference, so the next poll resubmits it as is.
      if (isTransient(error) || error instanceof OutcomeUnknown) {
        deps.log.warn('shared job deferred', { provider: providerId, tickets: written.length, error: error.name });
        break;
      }
      if (!(error instanceof ProviderError)) throw error;
      for (const m of written) {
        await settle(deps, m.job, at, {
          kind: 'needs_attention',
          providerRef: null,
          reason: error.message,
          nextStep:
            'Fix the cause named here (credentials, configuration or a provider-side problem), then use Retry on the panel',
        });
      }
      continue;
    }
    for (const m of written) {
      const submitted = applyOutcome(
        { ...m.job, batchEnrolled: false },
        { kind: 'submitted', providerRef: accepted.providerRef, providerStatus: accepted.providerStatus },
        at,
        {
          requests: [
            {
              endpoint: `POST /api/v2/end-users/delete (one job for ${written.length} tickets)`,
              identifierKinds: m.entry.kinds,
              providerRef: accepted.providerRef,
              reconciled: false,
            },
          ],
          withheld: [],
        },
      );
      try {
        await recordOutcome(deps, readWhenLikelyDone(submitted, at, readAfterMs));
      } catch (error) {
        if (!(error instanceof ConcurrentUpdate)) throw error;
      }
    }
    deps.log.info('shared job submitted', { provider: providerId, tickets: written.length });
  }
  return calls;
}

/**
 * A reference no other shared job has: derived from its members and the time it was formed. A job of
 * one ticket is just that ticket's own job, so it takes the ticket's idempotency key.
 */
function sharedReference(members: Member[], at: string): string {
  const [only] = members;
  if (members.length === 1 && only)
    return idempotencyKey(only.job.provider, {
      ticketKey: only.job.ticketKey,
      attempt: only.job.attempt,
      plannedAt: only.job.attemptPlannedAt,
    });
  const digest = createHash('sha256')
    .update(members.map((m) => `${m.job.ticketKey}#${m.job.attempt}`).join(','))
    .update(at)
    .digest('hex')
    .slice(0, 16);
  return `batch-${digest}`;
}

async function settle(deps: AppDeps, job: JobRecord, at: string, outcome: ErasureOutcome): Promise<void> {
  try {
    await recordOutcome(deps, applyOutcome({ ...job, batchEnrolled: false }, outcome, at));
  } catch (error) {
    if (!(error instanceof ConcurrentUpdate)) throw error;
  }
}
