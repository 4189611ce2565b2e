import { z } from 'zod';
import {
  type AuditEvent,
  auditEventSchema,
  type ClosingOutcome,
  canonicalJson,
  sha256,
  verifyAuditChain,
} from './audit';
import { type JobState, type ProviderId, SETTLED_STATES } from './erasure';

/**
 * The compliance record attached to the ticket: the whole event chain plus a summary for people. The summary
 * is a pure function of the events (`summarize`), so `verifyComplianceRecord` recomputes it and any edit to
 * either part is caught.
 */

/**
 * 2: the deadline is met only once every downstream system is confirmed too, and a round may close as
 * `pending_downstream`. A version 1 record (issued before) is still checked by the rules it was made under.
 */
export const RECORD_SCHEMA_VERSION = 2;
export const RECORD_SCHEMA_VERSIONS = [1, 2] as const;
export type RecordSchemaVersion = (typeof RECORD_SCHEMA_VERSIONS)[number];

type EventOf<K extends AuditEvent['kind']> = Extract<AuditEvent, { kind: K }>;

export interface ProviderSummary {
  finalState: JobState | null;
  attempts: number;
  requests: Array<{
    at: string;
    attempt: number;
    endpoint: string;
    identifierKinds: string[];
    providerRef: string | null;
    reconciled: boolean;
    note?: string;
  }>;
  providerRefs: string[];
  dispositions: Array<{ kind: string; disposition: string; matched: number | null; reason: string | null }>;
  withheld: Array<{ kind: string; reason: string }>;
  settledAt: string | null;
  lastDetail: string | null;
  nextStep: string | null;
  /** How the deletion was confirmed, where it was (absent when there is no such evidence). */
  confirmations?: Array<{
    at: string;
    attempt: number;
    providerRef: string;
    evidence: 'read_404' | 'webhook_client_deleted';
  }>;
}

export interface RecordSummary {
  subject: { fingerprint: string; identifierKinds: string[] } | null;
  approval: { by: string; at: string; fourEyes: boolean } | null;
  validationFailures: Array<{ at: string; problems: Array<{ field: string; message: string }> }>;
  deadline: {
    rule: string;
    receivedOn: string;
    due: string;
    extensions: Array<{ months: number; reason: string; by: string; at: string }>;
    completedOn: string | null;
    met: boolean | null;
  } | null;
  providers: Partial<Record<ProviderId, ProviderSummary>>;
  legalHolds: Array<{
    holdId: string;
    reason: string;
    expiresOn: string | null;
    providers: ProviderId[];
    recordedAt: string;
  }>;
  downstream: Array<{ system: string; confirmedBy: string | null; confirmedAt: string | null; note?: string }>;
  retries: Array<{
    at: string;
    by: string;
    providers: ProviderId[];
    genesysSupportCase?: string;
    genesysPartialConfirmed?: boolean;
  }>;
  outcome: { outcome: ClosingOutcome; status: string; at: string } | null;
}

export interface ComplianceRecord extends RecordSummary {
  schemaVersion: RecordSchemaVersion;
  ticketKey: string;
  generatedAt: string;
  events: AuditEvent[];
  chain: { algorithm: 'SHA-256'; length: number; head: string };
}

function providerSummary(summary: RecordSummary, provider: ProviderId): ProviderSummary {
  const existing = summary.providers[provider];
  if (existing) return existing;
  const fresh: ProviderSummary = {
    finalState: null,
    attempts: 0,
    requests: [],
    providerRefs: [],
    dispositions: [],
    withheld: [],
    settledAt: null,
    lastDetail: null,
    nextStep: null,
  };
  summary.providers[provider] = fresh;
  return fresh;
}

/** Job states that meet Art. 12(3)'s deadline: erased, nothing held, or lawfully withheld (Art. 17(3)(e)). */
export const MET_STATES: ReadonlySet<JobState> = new Set(['completed', 'not_found', 'blocked_legal_hold']);

export function summarize(
  events: readonly AuditEvent[],
  version: RecordSchemaVersion = RECORD_SCHEMA_VERSION,
): RecordSummary {
  const s: RecordSummary = {
    subject: null,
    approval: null,
    validationFailures: [],
    deadline: null,
    providers: {},
    legalHolds: [],
    downstream: [],
    retries: [],
    outcome: null,
  };
  for (const e of events) {
    switch (e.kind) {
      case 'subject_recorded':
        s.subject = { fingerprint: e.data.fingerprint, identifierKinds: e.data.identifierKinds };
        break;
      case 'approved':
        s.approval = { by: e.data.by, at: e.at, fourEyes: e.data.fourEyes };
        break;
      case 'validation_failed':
        s.validationFailures.push({ at: e.at, problems: e.data.problems });
        break;
      case 'deadline_set':
        s.deadline = {
          rule: e.data.rule,
          receivedOn: e.data.receivedOn,
          due: e.data.due,
          extensions: [],
          completedOn: null,
          met: null,
        };
        break;
      case 'deadline_extended':
        if (s.deadline) {
          s.deadline.extensions.push({ months: e.data.months, reason: e.data.reason, by: e.data.by, at: e.at });
          s.deadline.due = e.data.due;
        }
        break;
      case 'legal_hold_applied':
        s.legalHolds.push({
          holdId: e.data.holdId,
          reason: e.data.reason,
          expiresOn: e.data.expiresOn,
          providers: e.data.providers,
          recordedAt: e.at,
        });
        break;
      case 'job_planned': {
        const p = providerSummary(s, e.data.provider);
        p.attempts = Math.max(p.attempts, e.data.attempt);
        break;
      }
      case 'request_sent': {
        const p = providerSummary(s, e.data.provider);
        const { provider: _provider, ...request } = e.data;
        p.requests.push({ at: e.at, ...request });
        if (e.data.providerRef && !p.providerRefs.includes(e.data.providerRef)) p.providerRefs.push(e.data.providerRef);
        break;
      }
      case 'job_transition':
        applyTransition(providerSummary(s, e.data.provider), e);
        break;
      case 'deletion_confirmed': {
        const p = providerSummary(s, e.data.provider);
        p.confirmations = [
          ...(p.confirmations ?? []),
          { at: e.at, attempt: e.data.attempt, providerRef: e.data.providerRef, evidence: e.data.evidence },
        ];
        break;
      }
      case 'downstream_listed':
        s.downstream = e.data.systems.map((system) => ({ system, confirmedBy: null, confirmedAt: null }));
        break;
      case 'downstream_confirmed':
        s.downstream = s.downstream.map((d) =>
          d.system === e.data.system
            ? { ...d, confirmedBy: e.data.by, confirmedAt: e.at, ...(e.data.note ? { note: e.data.note } : {}) }
            : d,
        );
        break;
      case 'retry_requested':
        s.retries.push({
          at: e.at,
          by: e.data.by,
          providers: e.data.providers,
          ...(e.data.genesysSupportCase !== undefined ? { genesysSupportCase: e.data.genesysSupportCase } : {}),
          ...(e.data.genesysPartialConfirmed !== undefined
            ? { genesysPartialConfirmed: e.data.genesysPartialConfirmed }
            : {}),
        });
        break;
      case 'case_closed':
        s.outcome = { outcome: e.data.outcome, status: e.data.status, at: e.at };
        if (s.deadline) judgeDeadline(s.deadline, s, e.at.slice(0, 10), e.data.outcome, version);
        break;
      case 'case_opened':
      case 'legal_hold_added':
      case 'legal_hold_released':
        break;
    }
  }
  return s;
}

/**
 * Whether the Art. 12(3) deadline was met, as an auditor reads it: the request was answered in full by the due
 * date. In full means every provider erased, held nothing or lawfully withheld (legal hold), and, from schema
 * version 2, every downstream system the controller itself listed was confirmed erased: data left in a CRM
 * the organisation knows about has not been erased, however fast the providers were. A round that closes
 * waiting on downstream systems has not answered the request: `met` stays undecided (null) while the deadline
 * runs and is false once the round closed after it. The day answered is the day the round closed (never
 * earlier than the last confirmation, which closes it), so the record claims no earlier completion than it saw.
 */
function judgeDeadline(
  deadline: NonNullable<RecordSummary['deadline']>,
  s: RecordSummary,
  closedOn: string,
  outcome: ClosingOutcome,
  version: RecordSchemaVersion,
): void {
  if (outcome === 'pending_downstream') {
    deadline.completedOn = null;
    deadline.met = closedOn > deadline.due ? false : null;
    return;
  }
  deadline.completedOn = closedOn;
  const providersAnswered = Object.values(s.providers).every((p) => !!p?.finalState && MET_STATES.has(p.finalState));
  const downstreamConfirmed = version < 2 || s.downstream.every((d) => d.confirmedAt !== null);
  deadline.met = closedOn <= deadline.due && providersAnswered && downstreamConfirmed;
}

function applyTransition(p: ProviderSummary, e: EventOf<'job_transition'>): void {
  p.attempts = Math.max(p.attempts, e.data.attempt);
  p.finalState = e.data.to;
  p.lastDetail = e.data.detail;
  p.nextStep = e.data.nextStep;
  if (e.data.providerRef && !p.providerRefs.includes(e.data.providerRef)) p.providerRefs.push(e.data.providerRef);
  if (e.data.dispositions) p.dispositions = e.data.dispositions;
  if (e.data.withheld) p.withheld = e.data.withheld;
  p.settledAt = SETTLED_STATES.has(e.data.to) ? e.at : null;
}

export function buildComplianceRecord(
  ticketKey: string,
  events: readonly AuditEvent[],
  generatedAt: string,
): ComplianceRecord {
  const verdict = verifyAuditChain(ticketKey, events);
  if (!verdict.ok)
    throw new Error(
      `${ticketKey}: the audit chain is broken at event ${verdict.brokenAt} (${verdict.reason}); refusing to build a record from it`,
    );
  return {
    schemaVersion: RECORD_SCHEMA_VERSION,
    ticketKey,
    generatedAt,
    ...summarize(events),
    events: [...events],
    chain: { algorithm: 'SHA-256', length: events.length, head: verdict.head },
  };
}

export const complianceRecordSchema = z
  .object({
    schemaVersion: z.union(RECORD_SCHEMA_VERSIONS.map((v) => z.literal(v))),
    ticketKey: z.string(),
    generatedAt: z.string(),
    events: z.array(auditEventSchema),
    chain: z.object({ algorithm: z.literal('SHA-256'), length: z.number().int(), head: z.string() }),
  })
  .loose();

export function verifyComplianceRecord(input: unknown): { ok: boolean; problems: string[] } {
  const parsed = complianceRecordSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`) };
  const record = parsed.data;
  const problems: string[] = [];
  const verdict = verifyAuditChain(record.ticketKey, record.events);
  if (!verdict.ok) problems.push(`event ${verdict.brokenAt}: ${verdict.reason}`);
  else {
    if (record.chain.head !== verdict.head) problems.push('chain.head does not match the last event');
    if (record.chain.length !== record.events.length) problems.push('chain.length does not match the number of events');
  }
  const expected = summarize(record.events, record.schemaVersion) as unknown as Record<string, unknown>;
  const actual = input as Record<string, unknown>;
  for (const key of Object.keys(expected)) {
    if (canonicalJson(expected[key]) !== canonicalJson(actual[key]))
      problems.push(`summary field "${key}" does not match the events`);
  }
  return { ok: problems.length === 0, problems };
}

/** Stable, readable JSON: the bytes attached to the ticket. */
export function complianceRecordJson(record: ComplianceRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

export function complianceRecordDigest(json: string): string {
  return sha256(json);
}
