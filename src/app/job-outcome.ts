import type { AuditEventInput } from '../core/audit';
import { applyJobEvent, isSettled, type JobEvent, type ProviderId } from '../core/erasure';
import { PROVIDER_DESCRIPTIONS } from '../providers/descriptions';
import type {
  ErasureOutcome,
  IdentifierDisposition,
  PollResult,
  RequestRecord,
  WithheldIdentifier,
} from '../providers/port';
import type { JobRecord } from '../core/records';

/**
 * Turns a provider's answer into job-state events and audit entries. Pure: the caller persists the job,
 * appends the audit entries and writes the comment, so the consumer and the poller share one mapping.
 */

export interface OutcomeApplied {
  job: JobRecord;
  audit: AuditEventInput[];
  /** Present when the job reached a settled state with this answer: the comment to write. */
  settled: { dispositions: IdentifierDisposition[] } | null;
}

const MINUTE = 60_000;

/** How long to wait before the next status poll: the provider's schedule, soon at first, then less often. */
export function nextPollDelayMs(provider: ProviderId, polls: number): number {
  const schedule = PROVIDER_DESCRIPTIONS[provider].limits.pollMinutes;
  return (schedule[Math.min(polls, schedule.length - 1)] as number) * MINUTE;
}

export function applyOutcome(
  job: JobRecord,
  outcome: ErasureOutcome | PollResult,
  at: string,
  extra: { requests?: RequestRecord[]; withheld?: WithheldIdentifier[] } = {},
): OutcomeApplied {
  const audit: AuditEventInput[] = (extra.requests ?? []).map((r) => ({
    at,
    kind: 'request_sent' as const,
    data: {
      provider: job.provider,
      attempt: job.attempt,
      endpoint: r.endpoint,
      identifierKinds: r.identifierKinds,
      providerRef: r.providerRef,
      reconciled: r.reconciled,
      ...(r.note ? { note: r.note } : {}),
    },
  }));
  const withheld = extra.withheld ?? job.withheld;
  let current: JobRecord = { ...job, withheld };
  const step = (event: JobEvent, dispositions?: IdentifierDisposition[]) => {
    const next = applyJobEvent(current, event, at, { ...(dispositions ? { dispositions } : {}), withheld });
    current = next.job;
    audit.push(next.audit);
  };

  const ref = 'providerRef' in outcome ? outcome.providerRef : null;
  // Synchronous providers (Amiqus) answer with the final result; the job still passes through "submitted"
  // so the record shows the request was made before it shows the result.
  const ensureSubmitted = () => {
    if (current.state === 'pending')
      step({ type: 'submitted', providerRef: ref ?? `${job.provider}:${job.ticketKey}` });
  };
  const withheldNote =
    withheld.length > 0
      ? ` ${withheld.length} identifier(s) withheld: ${withheld.map((w) => `${w.kind} (${w.reason})`).join('; ')}.`
      : '';

  switch (outcome.kind) {
    case 'submitted':
      step({ type: 'submitted', providerRef: outcome.providerRef });
      break;
    case 'in_progress':
      if (current.state === 'pending') step({ type: 'submitted', providerRef: outcome.providerRef });
      else if (current.detail !== `provider status ${outcome.providerStatus}`)
        step({ type: 'progressed', providerStatus: outcome.providerStatus });
      break;
    case 'completed':
      ensureSubmitted();
      if (outcome.confirmation) {
        audit.push({
          at,
          kind: 'deletion_confirmed',
          data: {
            provider: job.provider,
            attempt: job.attempt,
            providerRef: outcome.confirmation.providerRef,
            evidence: outcome.confirmation.evidence,
          },
        });
      }
      if (withheld.length > 0) {
        step(
          {
            type: 'partially_completed',
            summary: `${outcome.summary}${withheldNote}`,
            nextStep: 'Confirm the withheld identifiers (export preview on the panel), then retry this provider',
          },
          outcome.dispositions,
        );
      } else {
        step({ type: 'completed', summary: outcome.summary }, outcome.dispositions);
      }
      break;
    case 'partially_completed':
      ensureSubmitted();
      step(
        { type: 'partially_completed', summary: `${outcome.summary}${withheldNote}`, nextStep: outcome.nextStep },
        outcome.dispositions,
      );
      break;
    case 'not_found':
      step({ type: 'not_found', summary: outcome.summary }, outcome.dispositions);
      break;
    case 'failed':
      step({ type: 'failed', reason: outcome.reason, nextStep: outcome.nextStep }, outcome.dispositions);
      break;
    case 'needs_attention':
      step({ type: 'needs_attention', reason: outcome.reason, nextStep: outcome.nextStep });
      break;
  }

  const settled = isSettled(current.state);
  const polls = outcome.kind === 'in_progress' ? current.polls + 1 : current.polls;
  current = {
    ...current,
    polls,
    transientFailures: 0,
    pollQueue: settled ? 'idle' : 'waiting',
    nextPollAt: Date.parse(at) + nextPollDelayMs(job.provider, polls),
  };
  const dispositions = 'dispositions' in outcome && outcome.dispositions ? outcome.dispositions : [];
  return { job: current, audit, settled: settled ? { dispositions } : null };
}
