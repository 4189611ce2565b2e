import { z } from 'zod';
import { auditEventInputSchema, closingOutcomeSchema } from './audit';
import { erasureJobSchema, providerIdSchema } from './erasure';

/**
 * What the app keeps in Forge storage. Personal data stays on the Jira ticket: a case holds the subject's
 * fingerprint and identifier kinds, never the identifiers themselves, and account ids only where the
 * record must say who acted (Atlassian's personal-data reporting covers those).
 */

export const extensionSchema = z.object({
  months: z.number().int().min(1).max(2),
  reason: z.string().min(1),
  by: z.string(),
  at: z.string(),
});

export const downstreamItemSchema = z.object({
  system: z.string(),
  confirmedBy: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  /** The officer's reference for the erasure there (a deletion ticket, a job id), if they gave one. */
  note: z.string().nullable().default(null),
});
export type DownstreamItem = z.infer<typeof downstreamItemSchema>;

export const finalizationSchema = z.object({
  /**
   * Each retry by a person opens a new round, and so does the last downstream confirmation of a settled case;
   * each round is finalised (record, comment, transition) once.
   */
  round: z.number().int().min(0),
  /**
   * `closing`: the round's closing time and outcome are chosen (written before anything else, so a crash after
   * the record went out finds it and attaches nothing twice); then the record is attached, the summary
   * commented, the ticket moved.
   */
  step: z.enum(['none', 'closing', 'attached', 'commented', 'transitioned']),
  /** When the round closed: the time of its `case_closed` entry and its record's `generatedAt`. */
  closedAt: z.string().nullable().default(null),
  attachmentId: z.string().nullable(),
  digest: z.string().nullable(),
  /** The last event's hash in the attached record: quoted in the summary comment beside the file's digest. */
  chainHead: z.string().nullable().default(null),
  /** The providers whose outcome the round's closing comment told (their own comment was not posted). */
  told: z.array(providerIdSchema).default([]),
  /** How the attached record closed the round, so a closing resumed after a crash finishes the same way. */
  outcome: closingOutcomeSchema.nullable().default(null),
});

/** A round's finalisation before any step of its closing. */
export const unstartedFinalization = (round: number): z.infer<typeof finalizationSchema> => ({
  round,
  step: 'none',
  closedAt: null,
  attachmentId: null,
  digest: null,
  chainHead: null,
  told: [],
  outcome: null,
});

export const caseRecordSchema = z.object({
  ticketKey: z.string(),
  projectKey: z.string(),
  /**
   * `open` while jobs run or the round is being closed; `pending_downstream` once every provider succeeded but
   * downstream systems are still to be confirmed (src/core/downstream.ts); `closed` when the round is settled.
   */
  phase: z.enum(['open', 'pending_downstream', 'closed']),
  round: z.number().int().min(1),
  approvedBy: z.string(),
  approvedAt: z.string(),
  approvalId: z.string(),
  subjectFingerprint: z.string(),
  identifierKinds: z.array(z.string()),
  receivedOn: z.string(),
  dueOn: z.string(),
  extensions: z.array(extensionSchema),
  downstream: z.array(downstreamItemSchema),
  finalization: finalizationSchema,
  deadlineWarning: z.enum(['none', 'at_risk', 'overdue']),
  /**
   * What the approval that opened the case still owes (its jobs, audit entries, status move and comment), set
   * in the same write that records the case and removed once all are made: an approval whose invocation died
   * after recording the case is finished from here by its redelivery or the poll's inbox sweep, and the case
   * cannot close before its jobs exist. Absent, not null, when nothing is owed (Forge stores no null).
   */
  opening: z
    .object({
      providers: z.array(providerIdSchema),
      /** The legal holds in force for the subject at approval (their ids in the register). */
      holds: z.array(z.string()),
      /** The providers a legal hold withholds, with the hold's id in the register. */
      held: z.array(z.object({ provider: providerIdSchema, holdId: z.string() })),
    })
    .optional(),
  version: z.number().int().min(0),
});
export type CaseRecord = z.infer<typeof caseRecordSchema>;

export const jobRecordSchema = erasureJobSchema.extend({
  /** When the current attempt was planned: reconciliation never adopts provider requests from before it. */
  attemptPlannedAt: z.string(),
  /** `waiting` puts the job in the poll index; the poller reads only jobs whose nextPollAt has come (epoch ms; stored as ISO). */
  pollQueue: z.enum(['waiting', 'idle']),
  nextPollAt: z.number().int(),
  /** Identifiers deliberately not sent this attempt (e.g. unconfirmed phone numbers): the job cannot fully complete. */
  withheld: z.array(z.object({ kind: z.string(), reason: z.string() })),
  /** Polls made for this attempt, for the poll interval's backoff. */
  polls: z.number().int().min(0),
  /** Consecutive transient failures, for backoff and for handing a stuck job to a person. */
  transientFailures: z.number().int().min(0),
  /**
   * Set just before this attempt's first call that the provider cannot de-duplicate (Genesys has no
   * idempotency key): only an attempt that may already have reached the provider reconciles first.
   */
  submitStartedAt: z.string().nullable().default(null),
  /** Waiting to go into the next shared provider job (Ada), instead of a job of its own. */
  batchEnrolled: z.boolean().default(false),
  /** The shared job's reference once assigned (written before it is submitted, so a crash resubmits the same). */
  batchRef: z.string().nullable().default(null),
  /** Digests of this ticket's identifiers in the shared job, to read its own dispositions. */
  batchDigests: z.array(z.string()).default([]),
  /**
   * What recording the job's last change still owes: its audit entries and, once settled, the comment.
   * Written in the same write as the change, so an invocation that dies right after it cannot lose them;
   * whichever invocation meets the job next (a redelivery, the poller) finishes recording (an outbox).
   * `settled` is absent, not null, when no comment is owed: Forge stores no null in an entity.
   */
  unrecorded: z
    .object({
      audit: z.array(z.intersection(auditEventInputSchema, z.object({ at: z.string() }))),
      settled: z
        .object({
          dispositions: z.array(
            z.object({
              kind: z.string(),
              disposition: z.string(),
              matched: z.number().nullable(),
              reason: z.string().nullable(),
            }),
          ),
        })
        .optional(),
    })
    .optional(),
  version: z.number().int().min(0),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

/** Jobs one queue event carries after its first: a backlog is dispatched in groups (src/app/dispatch.ts). */
export const MAX_JOBS_PER_EVENT = 25;

export const jobMessageSchema = z.object({
  ticketKey: z.string(),
  provider: providerIdSchema,
  attempt: z.number().int().positive(),
  /** Calls the shared rate budget reserved for this delivery (src/app/rate-budget.ts). */
  slot: z.object({ at: z.number(), calls: z.number().int().positive() }).optional(),
  /** Further jobs of the same provider, run in turn by the same delivery (src/app/run-job.ts, runJobGroup). */
  then: z
    .array(z.object({ ticketKey: z.string(), attempt: z.number().int().positive() }))
    .max(MAX_JOBS_PER_EVENT - 1)
    .optional(),
});
export type JobMessage = z.infer<typeof jobMessageSchema>;

/**
 * The one-time claims the app takes, one kind per operation that must happen once however often Forge
 * delivers its event. Each becomes a storage key (src/store/keys.ts), so the store can refuse a second taker.
 */
export type Claim =
  | { kind: 'approval'; ticketKey: string; changelogId: string }
  | { kind: 'submit'; ticketKey: string; provider: z.infer<typeof providerIdSchema>; attempt: number }
  | { kind: 'finalize'; ticketKey: string; round: number }
  | { kind: 'downstream'; ticketKey: string; system: string }
  | { kind: 'amiqus-delivery'; deliveryId: string }
  | { kind: 'amiqus-reminder'; clientId: number; day: string }
  | { kind: 'amiqus-intake'; clientId: number };

/** A versioned record was changed by another invocation between this one's read and its write. */
export class ConcurrentUpdate extends Error {
  constructor(
    readonly entity: string,
    readonly key: string,
  ) {
    super(`${entity} ${key} was changed by another invocation; reload and try again`);
    this.name = 'ConcurrentUpdate';
  }
}

/**
 * An approval not yet fully handled: written as soon as the trigger sees a move into the approval status and
 * removed when its handling ends, so an approval whose invocation died (Forge does not redeliver a trigger
 * that crashed or timed out) is handled by the poll's sweep instead of being lost. It names no one: the sweep
 * reads who made the move from the ticket's changelog, so the inbox holds no personal data.
 */
export const pendingApprovalSchema = z.object({
  ticketKey: z.string(),
  changelogId: z.string(),
  toStatus: z.string(),
  receivedAt: z.string(),
  /** How many sweeps have tried to finish it and failed (src/app/approval-inbox.ts gives up after a day's worth). */
  sweepFailures: z.number().int().min(0).default(0),
});
export type PendingApproval = z.infer<typeof pendingApprovalSchema>;

/** A Genesys export preview a privacy officer asked for (the export's links are read live, never stored). */
export const previewRequestSchema = z.object({
  providerRef: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
});
export type PreviewRequest = z.infer<typeof previewRequestSchema>;
