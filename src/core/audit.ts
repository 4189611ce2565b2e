import { createHash } from 'node:crypto';
import { z } from 'zod';
import { jobTransitionSchema, providerIdSchema } from './erasure';
import type { Subject } from './subject';

/**
 * The accountability record (GDPR Art. 5(2)): every step of a case is an event, and each event carries the
 * SHA-256 of the one before it, starting from a hash of the ticket key. Altering, removing, inserting or
 * reordering an event, or moving the record to another ticket, breaks the chain. The summary an auditor
 * reads is derived from the events, so it cannot say anything the events do not.
 */

const problemSchema = z.object({ field: z.string(), message: z.string() });

/** How a round closes: as its jobs say (done, blocked), or waiting on downstream systems (src/core/downstream.ts). */
export const closingOutcomeSchema = z.enum(['done', 'blocked', 'pending_downstream']);
export type ClosingOutcome = z.infer<typeof closingOutcomeSchema>;

export const auditEventInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('case_opened'),
    data: z.object({ source: z.enum(['jira', 'amiqus_poll', 'amiqus_webhook']), receivedOn: z.string() }),
  }),
  z.object({
    kind: z.literal('subject_recorded'),
    data: z.object({ fingerprint: z.string(), identifierKinds: z.array(z.string()) }),
  }),
  z.object({ kind: z.literal('approved'), data: z.object({ by: z.string(), fourEyes: z.boolean() }) }),
  z.object({ kind: z.literal('validation_failed'), data: z.object({ problems: z.array(problemSchema) }) }),
  z.object({
    kind: z.literal('legal_hold_applied'),
    data: z.object({
      holdId: z.string(),
      reason: z.string(),
      expiresOn: z.string().nullable(),
      providers: z.array(providerIdSchema),
    }),
  }),
  z.object({
    kind: z.literal('deadline_set'),
    data: z.object({ rule: z.string(), receivedOn: z.string(), due: z.string() }),
  }),
  z.object({
    kind: z.literal('deadline_extended'),
    data: z.object({ months: z.number(), reason: z.string(), by: z.string(), due: z.string() }),
  }),
  z.object({ kind: z.literal('job_planned'), data: z.object({ provider: providerIdSchema, attempt: z.number() }) }),
  z.object({
    kind: z.literal('request_sent'),
    data: z.object({
      provider: providerIdSchema,
      attempt: z.number(),
      endpoint: z.string(),
      identifierKinds: z.array(z.string()),
      providerRef: z.string().nullable(),
      reconciled: z.boolean(),
      note: z.string().optional(),
    }),
  }),
  z.object({ kind: z.literal('job_transition'), data: jobTransitionSchema }),
  /**
   * Evidence that a deletion took effect, beyond the provider's 2xx: the record read back as 404, or the
   * provider's own event (Amiqus `client.deleted`).
   */
  z.object({
    kind: z.literal('deletion_confirmed'),
    data: z.object({
      provider: providerIdSchema,
      attempt: z.number(),
      providerRef: z.string(),
      evidence: z.enum(['read_404', 'webhook_client_deleted']),
    }),
  }),
  z.object({ kind: z.literal('downstream_listed'), data: z.object({ systems: z.array(z.string()) }) }),
  z.object({
    kind: z.literal('downstream_confirmed'),
    data: z.object({ system: z.string(), by: z.string(), note: z.string().optional() }),
  }),
  z.object({
    kind: z.literal('retry_requested'),
    data: z.object({
      providers: z.array(providerIdSchema),
      by: z.string(),
      /** A Genesys job that ended in ERROR may have deleted part of the data: resubmitting needs both. */
      genesysSupportCase: z.string().optional(),
      genesysPartialConfirmed: z.boolean().optional(),
    }),
  }),
  z.object({
    kind: z.literal('case_closed'),
    /** `pending_downstream`: every provider succeeded, downstream systems remain; a later round closes it. */
    data: z.object({ outcome: closingOutcomeSchema, status: z.string() }),
  }),
  // The legal-hold register's own trail (chain key LEGAL_HOLD_REGISTER): who placed and released each hold, why.
  z.object({
    kind: z.literal('legal_hold_added'),
    data: z.object({
      holdId: z.string(),
      reason: z.string(),
      expiresOn: z.string().nullable(),
      providers: z.union([z.literal('all'), z.array(providerIdSchema)]),
      identifierCount: z.number().int(),
      by: z.string(),
      affectedTickets: z.array(z.string()),
    }),
  }),
  z.object({
    kind: z.literal('legal_hold_released'),
    data: z.object({ holdId: z.string(), reason: z.string(), by: z.string(), affectedTickets: z.array(z.string()) }),
  }),
]);

/** The audit chain the legal-hold register writes to (not a ticket: holds span tickets). */
export const LEGAL_HOLD_REGISTER = 'legal-hold-register';
type EventBody = z.infer<typeof auditEventInputSchema>;
export type AuditEventKind = EventBody['kind'];
export type AuditEventInput = EventBody & { at: string };

const chainFields = {
  seq: z.number().int().min(1),
  at: z.string(),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
};
export const auditEventSchema = z.intersection(auditEventInputSchema, z.object(chainFields));
export type AuditEvent = z.infer<typeof auditEventSchema>;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted at every depth and no whitespace: the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The same entry (time, kind and data), however its keys are ordered: for appending an entry only once. */
export function sameAuditEvent(a: AuditEventInput, b: AuditEventInput): boolean {
  return a.at === b.at && a.kind === b.kind && canonicalJson(a.data) === canonicalJson(b.data);
}

export const genesisHash = (ticketKey: string): string => sha256(`erasure-desk:${ticketKey}`);

function hashEvent(e: { seq: number; at: string; kind: string; data: unknown; prevHash: string }): string {
  return sha256(canonicalJson({ seq: e.seq, at: e.at, kind: e.kind, data: e.data, prevHash: e.prevHash }));
}

/** Appends one event (validated) and returns the new chain; the input chain is not modified. */
export function appendAuditEvent(
  chain: readonly AuditEvent[],
  ticketKey: string,
  input: AuditEventInput,
): AuditEvent[] {
  const body = auditEventInputSchema.parse({ kind: input.kind, data: input.data });
  const last = chain[chain.length - 1];
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? genesisHash(ticketKey);
  const event = { ...body, seq, at: input.at, prevHash } as Omit<AuditEvent, 'hash'>;
  return [...chain, { ...event, hash: hashEvent(event) } as AuditEvent];
}

export type ChainVerdict = { ok: true; head: string } | { ok: false; brokenAt: number; reason: string };

export function verifyAuditChain(ticketKey: string, events: readonly AuditEvent[]): ChainVerdict {
  let prev = genesisHash(ticketKey);
  for (const [i, event] of events.entries()) {
    if (event.seq !== i + 1)
      return {
        ok: false,
        brokenAt: event.seq,
        reason: `expected event ${i + 1}, found ${event.seq} (missing or reordered)`,
      };
    if (event.prevHash !== prev)
      return {
        ok: false,
        brokenAt: event.seq,
        reason: 'does not follow the previous event (or belongs to another ticket)',
      };
    if (hashEvent(event) !== event.hash)
      return { ok: false, brokenAt: event.seq, reason: 'content was altered after it was recorded' };
    prev = event.hash;
  }
  return { ok: true, head: prev };
}

/** Lets an auditor holding the ticket recompute the subject reference; differs per ticket, so it links nothing. */
export function subjectFingerprint(ticketKey: string, subject: Subject): string {
  const identifiers = {
    email: subject.email ?? null,
    phones: subject.phones.map((p) => `${p.number}|${p.heldFrom}|${p.heldTo ?? ''}`).sort(),
    amiqusClientId: subject.amiqusClientId ?? null,
    adaChatterId: subject.adaChatterId ?? null,
    genesysUserId: subject.genesysUserId?.toLowerCase() ?? null,
    genesysExternalContactId: subject.genesysExternalContactId?.toLowerCase() ?? null,
  };
  return sha256(`${ticketKey}|${canonicalJson(identifiers)}`);
}
