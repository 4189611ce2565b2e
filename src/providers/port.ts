import type { z } from 'zod';
import type { ProviderId } from '../core/erasure';
import type { IdentifierKind } from '../core/legal-hold';
import type { Subject } from '../core/subject';
import type { RateWindow } from './rate-limit';

/**
 * The one interface every provider adapter offers the app (STYLE.md: one engine, providers described by
 * data). The app's use cases never see a provider's own payloads, only these outcomes.
 */

/** Identifies one submission: the idempotency key is ticket + provider + attempt (DESIGN.md). */
export interface ErasureRef {
  ticketKey: string;
  attempt: number;
  /**
   * When this attempt's job was planned (ISO). Reconciliation only adopts provider requests created at or
   * after it, so an earlier case's request for the same person is never mistaken for this one's.
   */
  plannedAt: string;
  /**
   * False when no earlier delivery of this attempt can have reached the provider (the job records that
   * before its first unkeyed call), so the adapter may skip reconciling. Absent means it may have.
   */
  mayHaveSubmitted?: boolean;
}

export function idempotencyKey(provider: ProviderId, ref: ErasureRef): string {
  return ref.attempt === 1 ? ref.ticketKey : `${ref.ticketKey}~${provider}~${ref.attempt}`;
}

/** A request the app made, as it goes into the compliance record: no personal data, only kinds and ids. */
export interface RequestRecord {
  endpoint: string;
  /** Identifier kinds sent (email, chatter_id, phone, …), never their values. */
  identifierKinds: string[];
  providerRef: string | null;
  /** True when the adapter found an earlier request for this ref instead of making a new one. */
  reconciled: boolean;
  /** Why the adapter did what it did, where the answer alone would not say (no personal data). */
  note?: string;
}

/** Per-identifier result where the provider reports one (Ada). Values are the ticket's own identifiers. */
export interface IdentifierDisposition {
  kind: string;
  disposition: string;
  matched: number | null;
  reason: string | null;
  /** Digest of the identifier, to give each ticket of a shared job its own dispositions; never recorded. */
  digest?: string;
}

/** An identifier deliberately not sent, and why (e.g. a phone number that may have been recycled). */
export interface WithheldIdentifier {
  kind: string;
  reason: string;
}

/** Evidence that a deletion took effect (recorded in the compliance record as `deletion_confirmed`). */
export interface DeletionConfirmation {
  evidence: 'read_404' | 'webhook_client_deleted';
  providerRef: string;
}

export type ErasureOutcome =
  /** Accepted; the result comes later through pollStatus. */
  | { kind: 'submitted'; providerRef: string; providerStatus: string }
  | {
      kind: 'completed';
      providerRef: string | null;
      summary: string;
      dispositions?: IdentifierDisposition[];
      confirmation?: DeletionConfirmation;
    }
  | {
      kind: 'partially_completed';
      providerRef: string | null;
      summary: string;
      nextStep: string;
      dispositions?: IdentifierDisposition[];
    }
  | { kind: 'not_found'; providerRef: string | null; summary: string; dispositions?: IdentifierDisposition[] }
  | {
      kind: 'failed';
      providerRef: string | null;
      reason: string;
      nextStep: string;
      dispositions?: IdentifierDisposition[];
    }
  | { kind: 'needs_attention'; providerRef: string | null; reason: string; nextStep: string };

export interface SubmitResult {
  outcome: ErasureOutcome;
  requests: RequestRecord[];
  withheld: WithheldIdentifier[];
}

/** Status of a submitted job; `in_progress` while the provider is still working. */
export type PollResult = (ErasureOutcome | { kind: 'in_progress'; providerRef: string; providerStatus: string }) & {
  /** A finished job's duration by the provider's own timestamps (Ada: created_at to completed_at), where given. */
  tookMs?: number;
};

export interface PreviewResult {
  providerRef: string;
  status: 'in_progress' | 'completed' | 'failed';
  /** Links to the provider's export, for a person to review (Genesys GDPR_EXPORT resultsUrls). */
  resultUrls: string[];
}

/** Where a provider puts what a person needs from its error bodies: paths into the JSON, first match wins. */
export interface ErrorBodyDescription {
  /** Statuses that mean the credentials were refused, so only a person fixing them can help. */
  authStatuses: readonly number[];
  /** Where the provider's own message (or stable error code) sits. */
  messageAt: readonly (readonly (string | number)[])[];
  /** Where a support reference sits, to quote when raising a ticket with the provider. */
  supportRefAt?: readonly (string | number)[];
}

/**
 * A provider described by data (src/providers/<provider>/description.ts): the app decides from it whether
 * a provider applies to a subject, how its errors read, what its credentials are and how fast to call it.
 */
export interface ProviderDescription {
  id: ProviderId;
  /** Identifier kinds this provider can erase by: a subject with none of them is not sent there. */
  acceptsIdentifiers: readonly IdentifierKind[];
  /** Identifiers that name a record at this provider alone: a ticket that carries one expects it to run. */
  recordIdentifiers: readonly IdentifierKind[];
  /** What the admin page stores in secret storage for this provider. */
  credentials: z.ZodType;
  errors: ErrorBodyDescription;
  limits: {
    /** Client-side limits we keep under (PROVIDERS.md). */
    rate: readonly RateWindow[];
    /** Whether the provider states its own limit in `X-RateLimit-Limit`, which then replaces ours. */
    adoptStatedLimit: boolean;
    /** Minutes between status polls: the n-th poll waits the n-th entry, then the last one. */
    pollMinutes: readonly number[];
  };
  /**
   * Whether a repeated submit is harmless without reconciling first (Amiqus: deleting one client twice
   * answers 404; Ada: client_reference returns the same job for 24 h). Genesys has no idempotency key.
   */
  idempotentSubmit?: boolean;
}

export interface ErasureProvider {
  /**
   * Starts (or, for synchronous providers, performs) the erasure. Safe to call again for the same ref after a
   * crash: the adapter reconciles with the provider and returns the existing request instead of a second one.
   */
  submitErasure(subject: Subject, ref: ErasureRef): Promise<SubmitResult>;
  /**
   * How many provider calls submitErasure will make for a subject with these identifier kinds, booked from the
   * rate budget at once (before the ticket is read, so from the kinds the case recorded at approval).
   */
  callsToSubmit?(identifierKinds: readonly string[], ref: ErasureRef): number;
  /** Status of many submitted jobs in as few calls as the provider allows. */
  pollStatus(providerRefs: readonly string[]): Promise<Map<string, PollResult>>;
  /** How many calls pollStatus will make for these refs, booked from the rate budget at once. */
  callsToPoll?(providerRefs: readonly string[]): number;
  /** Shared jobs (several tickets in one provider job), where the provider takes them. */
  readonly batching?: BatchingProvider;
  /** An export of what the provider holds, where it offers one. Read-only: never erases anything. */
  preview?(subject: Subject, ref: ErasureRef): Promise<PreviewResult>;
  /** Where a preview export has got to, with its result links once ready. */
  previewStatus?(providerRef: string): Promise<PreviewResult | null>;
}

/** An Amiqus client due for deletion, as intake reads it (src/app/intake.ts). */
export interface DueClient {
  id: number;
  email: string | null;
  fullName: string | null;
  deletionDate: string | null;
}

/** Where Amiqus's clients due for deletion are read from (src/providers/amiqus). */
export interface AmiqusDirectory {
  listDue(which: 'today' | 'overdue'): Promise<DueClient[]>;
  getClient(id: number): Promise<DueClient | null>;
}

/** One ticket's part of a shared provider job. */
export interface BatchEntry {
  ticketKey: string;
  /** Digests of the identifiers the entry adds to the job (for its own dispositions later). */
  digests: string[];
  /** Identifier kinds, for the ticket's record (never the values). */
  kinds: string[];
  bytes: number;
}

/** A provider that erases many subjects in one job (Ada's Bulk End-User Deletion). */
export interface BatchingProvider {
  limits: { maxIdentifiers: number; maxBodyBytes: number };
  /** What this subject adds to a shared job; null when the API version cannot batch. */
  entryFor(subject: Subject, ticketKey: string): BatchEntry | null;
  /**
   * Why this subject may not be sent now under `ownReference`, or null: an identifier was sent in another job
   * within the provider's cooldown (Ada: 7 days, and the whole job fails), or this reference was first sent
   * longer ago than the provider deduplicates it (Ada: 24 h), so resending would create a second job. Such a
   * subject is never put in a shared job; the outcome says when it may be sent again.
   */
  cooldown(subject: Subject, ownReference: string): Promise<ErasureOutcome | null>;
  /** Submits one shared job; `reference` makes repeating it (after a crash) return the same job. */
  submitBatch(subjects: Subject[], reference: string): Promise<{ providerRef: string; providerStatus: string }>;
  /** A shared job's status, narrowed to one ticket's identifiers. */
  memberOutcome(result: PollResult, digests: readonly string[]): PollResult;
}
