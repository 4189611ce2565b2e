import type { Subject } from '../../core/subject';
import {
  type BatchEntry,
  type BatchingProvider,
  type ErasureOutcome,
  type ErasureProvider,
  type ErasureRef,
  idempotencyKey,
  type IdentifierDisposition,
  type PollResult,
  type SubmitResult,
} from '../port';
import { pollFailure } from '../errors';
import { ADA_COOLDOWN_MS, ADA_IDEMPOTENCY_MS, adaIdentifierKey, type AdaSubmissionLog } from './cooldown';
import type { AdaApi } from './client';
import type { AdaIdentifier, AdaJob } from './schemas';

/** docs.ada.cx, Bulk End-User Deletion: 1..1,000 identifiers a job, body at most 512 KB (413 beyond). */
const ADA_MAX_IDENTIFIERS = 1_000;
const ADA_MAX_BODY_BYTES = 512 * 1024;

export interface AdaOptions {
  api: 'v2' | 'v1';
  /** Custom variables that hold an email, erased through `variable_match`. */
  emailVariables: string[];
  log: AdaSubmissionLog;
  now: () => number;
}

export function adaIdentifiers(subject: Subject, emailVariables: string[]): AdaIdentifier[] {
  const ids: AdaIdentifier[] = [];
  if (subject.email) {
    ids.push({ type: 'email', value: subject.email, variable: null });
    for (const variable of emailVariables) ids.push({ type: 'variable_match', value: subject.email, variable });
  }
  if (subject.adaChatterId) ids.push({ type: 'chatter_id', value: subject.adaChatterId, variable: null });
  return ids;
}

const kindOf = (type: string) =>
  type === 'chatter_id' ? 'ada_chatter_id' : type === 'variable_match' ? 'email_variable' : type;

function dispositions(job: AdaJob): IdentifierDisposition[] {
  return job.identifiers.map((i) => ({
    kind: kindOf(i.type),
    disposition: i.disposition,
    matched: i.matched_chatters ?? null,
    reason: i.reason ?? null,
    digest: adaIdentifierKey({ type: i.type, value: i.value, variable: i.variable ?? null }),
  }));
}

/**
 * One ticket's outcome in a shared job, from its own identifiers' dispositions: another ticket's
 * `invalid` identifier makes the job `partial` but says nothing about this ticket. A failed job failed
 * for everyone in it.
 */
export function adaMemberOutcome(result: PollResult, digests: readonly string[]): PollResult {
  if (result.kind === 'in_progress' || result.kind === 'needs_attention' || result.kind === 'submitted') return result;
  const wanted = new Set(digests);
  const own = (result.dispositions ?? [])
    .filter((d) => d.digest !== undefined && wanted.has(d.digest))
    .map(({ digest: _digest, ...d }) => d);
  const ref = result.providerRef;
  if (result.kind === 'failed') return { ...result, dispositions: own };
  if (own.length === 0) {
    return {
      kind: 'needs_attention',
      providerRef: ref,
      reason: `Ada's job ${ref ?? ''} reports no result for this ticket's identifiers`,
      nextStep: 'Check the job with Ada quoting its id, then record the outcome',
    };
  }
  if (own.every((d) => d.disposition === 'not_found')) {
    return {
      kind: 'not_found',
      providerRef: ref,
      summary: 'Ada found no end user for any identifier (Ada notes this is not proof of absence)',
      dispositions: own,
    };
  }
  const failed = own.filter((d) => d.disposition !== 'accepted' && d.disposition !== 'not_found');
  if (failed.length === 0)
    return {
      kind: 'completed',
      providerRef: ref,
      summary: `Ada deletion job ${ref ?? ''} completed for this ticket's identifiers`,
      dispositions: own,
    };
  return {
    kind: 'partially_completed',
    providerRef: ref,
    summary: `Ada deletion job ${ref ?? ''} completed in part for this ticket`,
    nextStep: `Check with Ada why ${failed.map((f) => `${f.kind} (${f.disposition})`).join(', ')} did not erase; retry only those after 7 days`,
    dispositions: own,
  };
}

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Dispositions that mean an identifier contributed no erasure for a reason a person must look at. */
const UNERASED = new Set(['invalid', 'exceeds_limit', 'duplicate']);
const named = (list: IdentifierDisposition[]) =>
  list.map((x) => `${x.kind} (${x.disposition}${x.reason ? `: ${x.reason}` : ''})`).join(', ');

/**
 * The outcome comes from the per-identifier dispositions, not the top-level status: Ada's job spec says to
 * "inspect this array to understand exactly what was erased, rather than relying on the top-level status
 * alone" (specs/ada-bulk-deletion-job-openapi.yml). `failure_reason` is "opaque, machine-readable" and
 * "subject to change", so it is quoted to the officer and never parsed.
 */
export function adaOutcome(job: AdaJob): PollResult {
  const d = dispositions(job);
  switch (job.status) {
    case 'queued':
    case 'in_progress':
      return { kind: 'in_progress', providerRef: job.job_id, providerStatus: job.status };
    case 'completed':
    case 'partial': {
      const unerased = d.filter((x) => UNERASED.has(x.disposition));
      if (unerased.length > 0 || job.status === 'partial') {
        return {
          kind: 'partially_completed',
          providerRef: job.job_id,
          summary: `Ada deletion job ${job.job_id} ${job.status === 'partial' ? 'completed in part' : 'completed, but not every identifier was erased'}${unerased.length > 0 ? `: ${named(unerased)}` : ''}`,
          nextStep: `Check with Ada why ${unerased.map((f) => `${f.kind} (${f.disposition})`).join(', ') || 'some identifiers'} did not erase; retry only those after 7 days`,
          dispositions: d,
        };
      }
      if (d.length > 0 && d.every((x) => x.disposition === 'not_found')) {
        return {
          kind: 'not_found',
          providerRef: job.job_id,
          summary: 'Ada found no end user for any identifier (Ada notes this is not proof of absence)',
          dispositions: d,
        };
      }
      return {
        kind: 'completed',
        providerRef: job.job_id,
        summary: `Ada deletion job ${job.job_id} completed`,
        dispositions: d,
      };
    }
    case 'failed': {
      const marked = d.filter((x) => x.disposition !== 'accepted');
      const created = job.created_at ? Date.parse(job.created_at) : Number.NaN;
      return {
        kind: 'failed',
        providerRef: job.job_id,
        reason: `Ada deletion job ${job.job_id} failed (failure_reason: ${job.failure_reason ?? 'none given'})${marked.length > 0 ? `; Ada marked ${named(marked)}` : ''}`,
        nextStep: Number.isFinite(created)
          ? `Ada fails a whole job when one identifier was sent in the previous 7 days, and this job counts as a submission too: retry on or after ${dateOf(created + ADA_COOLDOWN_MS)}, or contact Ada support quoting job ${job.job_id} and its failure_reason`
          : `Contact Ada support quoting job ${job.job_id} and its failure_reason, then use Retry on the panel`,
        dispositions: d,
      };
    }
  }
}

/**
 * Whether an identifier's last submission stops this one. docs.ada.cx, "Submit a bulk end-user deletion
 * request": `client_reference` makes an identical resubmission return the original job for 24 hours only, and
 * an identifier submitted in the previous 7 days fails the whole job. So the same reference is reused only
 * inside the 24 hours (less a margin for the call itself); after that, until the 7 days end, a resubmission
 * would create a second job that fails, and a person must wait for the date named.
 */
export function cooldownFor(
  last: { at: string; clientReference: string } | null,
  clientReference: string,
  now: number,
): ErasureOutcome | null {
  if (!last) return null;
  const at = Date.parse(last.at);
  const until = at + ADA_COOLDOWN_MS;
  if (now >= until) return null;
  const sameCase = last.clientReference === clientReference;
  if (sameCase && now - at < ADA_IDEMPOTENCY_MS) return null;
  return {
    kind: 'needs_attention',
    providerRef: null,
    reason: sameCase
      ? `this case sent the identifier to Ada on ${dateOf(at)}, more than 24 hours ago: Ada no longer returns that job for the same client_reference, and a new job inside Ada's 7-day window would fail as a whole`
      : 'an identifier was submitted to Ada in the last 7 days, and Ada would fail the whole job',
    nextStep: `Retry on or after ${dateOf(until)}`,
  };
}

/** Ada's Bulk End-User Deletion API: many tickets per job where their identifiers allow, polled up to 30 days. */
export class AdaProvider implements ErasureProvider {
  readonly batching: BatchingProvider | undefined;
  constructor(
    private readonly api: AdaApi,
    private readonly options: AdaOptions,
  ) {
    this.batching = options.api === 'v2' ? this.batchingSide() : undefined;
  }

  /** One GET per distinct job: tickets sharing a job share its poll. */
  callsToPoll(providerRefs: readonly string[]): number {
    return new Set(providerRefs).size;
  }

  private batchingSide(): BatchingProvider {
    const emailVariables = this.options.emailVariables;
    const log = this.options.log;
    const now = () => this.options.now();
    return {
      limits: { maxIdentifiers: ADA_MAX_IDENTIFIERS, maxBodyBytes: ADA_MAX_BODY_BYTES },
      entryFor(subject, ticketKey): BatchEntry | null {
        const identifiers = adaIdentifiers(subject, emailVariables);
        if (identifiers.length === 0) return null;
        return {
          ticketKey,
          digests: identifiers.map(adaIdentifierKey),
          kinds: [...new Set(identifiers.map((i) => kindOf(i.type)))],
          bytes: Buffer.byteLength(JSON.stringify(identifiers)) + 1,
        };
      },
      cooldown: (subject, ownReference) =>
        this.cooldownOf(adaIdentifiers(subject, emailVariables).map(adaIdentifierKey), ownReference),
      submitBatch: async (subjects, reference) => {
        const identifiers = subjects.flatMap((s) => adaIdentifiers(s, emailVariables));
        // Logged before the call: if its answer is lost, Ada may still have made the job, and the log must say
        // so (a later job with these identifiers inside 7 days fails as a whole).
        await log.record(identifiers.map(adaIdentifierKey), new Date(now()).toISOString(), reference);
        const accepted = await this.api.submitDeletion(identifiers, reference);
        return { providerRef: accepted.jobId, providerStatus: accepted.status };
      },
      memberOutcome: adaMemberOutcome,
    };
  }

  callsToSubmit(): number {
    return 1;
  }

  async submitErasure(subject: Subject, ref: ErasureRef): Promise<SubmitResult> {
    const identifiers = adaIdentifiers(subject, this.options.emailVariables);
    const kinds = [...new Set(identifiers.map((i) => kindOf(i.type)))];
    if (this.options.api === 'v1') {
      await this.api.submitV1Erasure(subject.email, subject.adaChatterId);
      return {
        outcome: {
          kind: 'needs_attention',
          providerRef: null,
          reason: "submitted through Ada's deprecated v1 Data Compliance API, which offers no status",
          nextStep:
            'Confirm completion with Ada, then record it; move this Ada instance to the Bulk End-User Deletion API',
        },
        requests: [
          {
            endpoint: 'POST /api/v1/data-subject-request',
            identifierKinds: kinds,
            providerRef: null,
            reconciled: false,
          },
        ],
        withheld: [],
      };
    }
    const clientReference = idempotencyKey('ada', ref);
    const keys = identifiers.map(adaIdentifierKey);
    const now = this.options.now();
    const held = await this.cooldownOf(keys, clientReference);
    if (held) return { outcome: held, requests: [], withheld: [] };
    // Logged before the call, as for a shared job: a lost answer may still have made a job at Ada.
    await this.options.log.record(keys, new Date(now).toISOString(), clientReference);
    const accepted = await this.api.submitDeletion(identifiers, clientReference);
    return {
      outcome: { kind: 'submitted', providerRef: accepted.jobId, providerStatus: accepted.status },
      requests: [
        {
          endpoint: 'POST /api/v2/end-users/delete',
          identifierKinds: kinds,
          providerRef: accepted.jobId,
          reconciled: false,
        },
      ],
      withheld: [],
    };
  }

  /** The first identifier that may not be sent under `clientReference` now, as the outcome that says why. */
  private async cooldownOf(identifierKeys: string[], clientReference: string): Promise<ErasureOutcome | null> {
    const now = this.options.now();
    for (const key of identifierKeys) {
      const held = cooldownFor(await this.options.log.lastSubmission(key), clientReference, now);
      if (held) return held;
    }
    return null;
  }

  /** Ada has no job listing: one GET per job, kept under the rate limit by the shared limiter. */
  async pollStatus(providerRefs: readonly string[]): Promise<Map<string, PollResult>> {
    const out = new Map<string, PollResult>();
    for (const id of providerRefs) {
      const job = await this.api.getJob(id).catch((error: unknown) => {
        throw pollFailure(out, error);
      });
      if (!job) continue;
      const outcome = adaOutcome(job);
      const took = job.completed_at && job.created_at ? Date.parse(job.completed_at) - Date.parse(job.created_at) : NaN;
      out.set(id, outcome.kind !== 'in_progress' && took >= 0 ? { ...outcome, tookMs: took } : outcome);
    }
    return out;
  }
}
