import {
  appendAuditEvent,
  type AuditEvent,
  type AuditEventInput,
  subjectFingerprint,
  verifyAuditChain,
} from '../../src/core/audit';
import {
  buildComplianceRecord,
  complianceRecordDigest,
  complianceRecordJson,
  verifyComplianceRecord,
} from '../../src/core/compliance-record';
import { parseSubject } from '../../src/core/subject';

const T = 'DSAR-42';
const inputs: AuditEventInput[] = [
  { at: '2026-11-25T09:00:00Z', kind: 'case_opened', data: { source: 'jira', receivedOn: '2026-11-22' } },
  { at: '2026-11-25T09:00:00Z', kind: 'approved', data: { by: '712020:officer', fourEyes: true } },
  {
    at: '2026-11-25T09:00:00Z',
    kind: 'deadline_set',
    data: { rule: 'calendar_month', receivedOn: '2026-11-22', due: '2026-12-22' },
  },
  { at: '2026-11-25T09:00:00Z', kind: 'job_planned', data: { provider: 'amiqus', attempt: 1 } },
  {
    at: '2026-11-25T09:00:01Z',
    kind: 'request_sent',
    data: {
      provider: 'amiqus',
      attempt: 1,
      endpoint: 'DELETE /clients/{id}',
      identifierKinds: ['amiqus_client_id'],
      providerRef: '73823',
      reconciled: false,
    },
  },
  {
    at: '2026-11-25T09:00:01Z',
    kind: 'job_transition',
    data: {
      provider: 'amiqus',
      attempt: 1,
      from: 'submitted',
      to: 'completed',
      detail: 'deleted',
      nextStep: null,
      providerRef: '73823',
    },
  },
  { at: '2026-11-25T09:00:02Z', kind: 'case_closed', data: { outcome: 'done', status: 'Done' } },
];
const chain = (): AuditEvent[] => inputs.reduce<AuditEvent[]>((c, i) => appendAuditEvent(c, T, i), []);

describe('the hash-chained audit trail', () => {
  it('verifies an untouched chain and reports its head', () => {
    const events = chain();
    expect(verifyAuditChain(T, events)).toEqual({ ok: true, head: events.at(-1)?.hash });
  });

  it('detects altered data, a deleted event, an inserted event, a reordering, and a move to another ticket', () => {
    const events = chain();
    const altered = events.map((e, i) =>
      i === 1 ? ({ ...e, data: { by: '712020:intruder', fourEyes: true } } as AuditEvent) : e,
    );
    expect(verifyAuditChain(T, altered)).toMatchObject({ ok: false, brokenAt: 2 });
    expect(verifyAuditChain(T, [...events.slice(0, 2), ...events.slice(3)]).ok).toBe(false);
    const forged = appendAuditEvent(events.slice(0, 2), T, inputs[3] as AuditEventInput);
    expect(verifyAuditChain(T, [...forged, ...events.slice(2)]).ok).toBe(false);
    expect(verifyAuditChain(T, [events[1] as AuditEvent, events[0] as AuditEvent, ...events.slice(2)]).ok).toBe(false);
    expect(verifyAuditChain('DSAR-43', events)).toMatchObject({ ok: false, brokenAt: 1 });
  });

  it('refuses an event that does not match its kind’s schema', () => {
    expect(() =>
      appendAuditEvent([], T, { at: 'x', kind: 'approved', data: { by: 5 } } as unknown as AuditEventInput),
    ).toThrow();
  });
});

describe('the compliance record', () => {
  const record = () => buildComplianceRecord(T, chain(), '2026-11-25T09:00:03Z');

  it('summarises the events for an auditor: approval, deadline met, each provider’s requests and final state', () => {
    const r = record();
    expect(r.approval).toEqual({ by: '712020:officer', at: '2026-11-25T09:00:00Z', fourEyes: true });
    expect(r.deadline).toMatchObject({ due: '2026-12-22', completedOn: '2026-11-25', met: true });
    expect(r.providers.amiqus).toMatchObject({ finalState: 'completed', attempts: 1, providerRefs: ['73823'] });
    expect(r.providers.amiqus?.requests[0]).toMatchObject({
      endpoint: 'DELETE /clients/{id}',
      identifierKinds: ['amiqus_client_id'],
    });
    expect(r.chain).toMatchObject({ algorithm: 'SHA-256', length: 7 });
  });

  it('round-trips through JSON and still verifies; its digest is the SHA-256 of those bytes', () => {
    const json = complianceRecordJson(record());
    expect(verifyComplianceRecord(JSON.parse(json))).toEqual({ ok: true, problems: [] });
    expect(complianceRecordDigest(json)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('catches a summary edited to disagree with its events', () => {
    const r = JSON.parse(complianceRecordJson(record())) as Record<string, unknown>;
    const edited = { ...r, approval: { by: '712020:someone-else', at: '2026-11-25T09:00:00Z', fourEyes: true } };
    expect(verifyComplianceRecord(edited)).toEqual({
      ok: false,
      problems: ['summary field "approval" does not match the events'],
    });
  });

  it('refuses to build a record from a broken chain', () => {
    const broken = chain().map((e, i) => (i === 0 ? ({ ...e, at: '2020-01-01T00:00:00Z' } as AuditEvent) : e));
    expect(() => buildComplianceRecord(T, broken, 'now')).toThrow(/audit chain is broken at event 1/);
  });

  it('fingerprints the subject per ticket, so an auditor can recompute it but tickets cannot be linked', () => {
    const s = parseSubject({ email: 'alex@example.org' });
    if (!s.ok) throw new Error('bad');
    expect(subjectFingerprint(T, s.subject)).toBe(subjectFingerprint(T, s.subject));
    expect(subjectFingerprint(T, s.subject)).not.toBe(subjectFingerprint('DSAR-43', s.subject));
  });
});
