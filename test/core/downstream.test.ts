import { appendAuditEvent, type AuditEvent, type AuditEventInput } from '../../src/core/audit';
import { MET_STATES, summarize, verifyComplianceRecord, buildComplianceRecord } from '../../src/core/compliance-record';
import {
  answeredOn,
  checkConfirmation,
  closingOutcome,
  reopensForNewRound,
  waitsOnNothing,
  withConfirmation,
} from '../../src/core/downstream';
import type { DownstreamItem } from '../../src/core/records';

const open = (system: string): DownstreamItem => ({ system, confirmedBy: null, confirmedAt: null, note: null });
const done = (system: string, at = '2026-11-26T10:00:00Z'): DownstreamItem => ({
  system,
  confirmedBy: 'acc-officer',
  confirmedAt: at,
  note: null,
});

describe('downstream systems in the domain', () => {
  it.each([
    { state: 'done', checklist: 'none', items: [], outcome: 'done' },
    { state: 'done', checklist: 'all confirmed', items: [done('CRM')], outcome: 'done' },
    { state: 'done', checklist: 'one open', items: [done('CRM'), open('Warehouse')], outcome: 'pending_downstream' },
    { state: 'blocked', checklist: 'one open', items: [open('CRM')], outcome: 'blocked' },
  ] as const)('a $state round with checklist $checklist closes as $outcome', ({ state, items, outcome }) => {
    expect(closingOutcome(state, items)).toBe(outcome);
  });

  it('checks a confirmation: the system must be listed and open, the reference at most 200 characters and trimmed', () => {
    const items = [open('CRM'), done('Warehouse')];
    expect(checkConfirmation(items, 'ERP', undefined)).toEqual({ kind: 'unknown_system' });
    expect(checkConfirmation(items, 'Warehouse', undefined)).toMatchObject({ kind: 'already_confirmed' });
    expect(checkConfirmation(items, 'CRM', 'x'.repeat(201))).toEqual({ kind: 'note_too_long' });
    expect(checkConfirmation(items, 'CRM', '  CRM-9 ')).toEqual({ kind: 'confirmable', note: 'CRM-9' });
    expect(checkConfirmation(items, 'CRM', '   ')).toEqual({ kind: 'confirmable', note: null });
  });

  it('never overwrites who confirmed a system', () => {
    const items = [done('CRM', '2026-11-26T09:00:00Z')];
    expect(withConfirmation(items, { system: 'CRM', by: 'acc-other', at: 'later', note: 'x' })).toEqual(items);
  });

  it.each([
    {
      what: 'the last system of a waiting case',
      phase: 'pending_downstream',
      state: 'done',
      before: [open('CRM')],
      after: [done('CRM')],
      reopens: true,
    },
    {
      what: 'the last system of a blocked, closed case',
      phase: 'closed',
      state: 'blocked',
      before: [open('CRM')],
      after: [done('CRM')],
      reopens: true,
    },
    {
      what: 'one of two systems',
      phase: 'pending_downstream',
      state: 'done',
      before: [open('A'), open('B')],
      after: [done('A'), open('B')],
      reopens: false,
    },
    {
      what: 'the last system while the case runs',
      phase: 'open',
      state: 'in_progress',
      before: [open('CRM')],
      after: [done('CRM')],
      reopens: false,
    },
    {
      what: 'nothing new',
      phase: 'closed',
      state: 'done',
      before: [done('CRM')],
      after: [done('CRM')],
      reopens: false,
    },
  ] as const)('confirming $what opens a new round: $reopens', ({ phase, state, before, after, reopens }) => {
    expect(reopensForNewRound(phase, state, before, after)).toBe(reopens);
  });

  it('owes a waiting case its closing round once nothing is left to confirm', () => {
    expect(waitsOnNothing({ phase: 'pending_downstream', downstream: [done('CRM')] })).toBe(true);
    expect(waitsOnNothing({ phase: 'pending_downstream', downstream: [open('CRM')] })).toBe(false);
    expect(waitsOnNothing({ phase: 'closed', downstream: [done('CRM')] })).toBe(false);
  });

  it('answers the request on the later of the last job and the last confirmation, and not while anything is open', () => {
    const jobs = [{ state: 'completed' as const, updatedAt: '2026-11-25T09:00:00Z' }];
    expect(answeredOn({ phase: 'closed', downstream: [done('CRM', '2026-12-01T08:00:00Z')] }, jobs, MET_STATES)).toBe(
      '2026-12-01',
    );
    expect(answeredOn({ phase: 'closed', downstream: [] }, jobs, MET_STATES)).toBe('2026-11-25');
    expect(answeredOn({ phase: 'pending_downstream', downstream: [open('CRM')] }, jobs, MET_STATES)).toBeNull();
    expect(
      answeredOn({ phase: 'closed', downstream: [] }, [{ state: 'failed', updatedAt: 'x' }], MET_STATES),
    ).toBeNull();
  });
});

describe('the Art. 12(3) rule in the compliance record, with downstream systems', () => {
  const T = 'DSAR-7';
  const base: AuditEventInput[] = [
    {
      at: '2026-11-25T09:00:00Z',
      kind: 'deadline_set',
      data: { rule: 'calendar_month', receivedOn: '2026-11-22', due: '2026-12-22' },
    },
    { at: '2026-11-25T09:00:00Z', kind: 'downstream_listed', data: { systems: ['CRM'] } },
    {
      at: '2026-11-25T09:01:00Z',
      kind: 'job_transition',
      data: {
        provider: 'amiqus',
        attempt: 1,
        from: 'submitted',
        to: 'completed',
        detail: null,
        nextStep: null,
        providerRef: '1',
      },
    },
  ];
  const chain = (inputs: AuditEventInput[]): AuditEvent[] =>
    inputs.reduce<AuditEvent[]>((c, i) => appendAuditEvent(c, T, i), []);
  const closed = (at: string, outcome: 'done' | 'pending_downstream'): AuditEventInput => ({
    at,
    kind: 'case_closed',
    data: { outcome, status: outcome === 'done' ? 'Done' : 'Pending downstream' },
  });
  const confirmed = (at: string): AuditEventInput => ({
    at,
    kind: 'downstream_confirmed',
    data: { system: 'CRM', by: 'actor:x', note: 'CRM-9' },
  });

  it.each([
    [
      'waiting on a system within the deadline: undecided',
      [closed('2026-11-25T09:02:00Z', 'pending_downstream')],
      null,
    ],
    ['waiting on a system past the deadline: not met', [closed('2026-12-23T09:00:00Z', 'pending_downstream')], false],
    [
      'the system confirmed in time, then closed',
      [
        closed('2026-11-25T09:02:00Z', 'pending_downstream'),
        confirmed('2026-12-01T09:00:00Z'),
        closed('2026-12-01T09:00:01Z', 'done'),
      ],
      true,
    ],
    [
      'the system confirmed only after the deadline',
      [
        closed('2026-11-25T09:02:00Z', 'pending_downstream'),
        confirmed('2026-12-23T09:00:00Z'),
        closed('2026-12-23T09:00:01Z', 'done'),
      ],
      false,
    ],
    ['closed as done with the system never confirmed', [closed('2026-11-25T09:02:00Z', 'done')], false],
  ])('%s', (_what, rest, met) => {
    expect(summarize(chain([...base, ...rest])).deadline?.met).toBe(met);
  });

  it('still verifies a version 1 record, which counted no downstream confirmation, under its own rule', () => {
    const events = chain([...base, closed('2026-11-25T09:02:00Z', 'done')]);
    const v1 = { ...buildComplianceRecord(T, events, 'now'), ...summarize(events, 1), schemaVersion: 1 };
    expect(v1.deadline?.met).toBe(true);
    expect(verifyComplianceRecord(JSON.parse(JSON.stringify(v1)))).toEqual({ ok: true, problems: [] });
    // The same events as a version 2 record must say not met.
    expect(verifyComplianceRecord(JSON.parse(JSON.stringify({ ...v1, schemaVersion: 2 }))).ok).toBe(false);
  });

  it('keeps the officer’s reference with the confirmation in the summary', () => {
    const s = summarize(chain([...base, confirmed('2026-11-26T09:00:00Z')]));
    expect(s.downstream).toEqual([
      { system: 'CRM', confirmedBy: 'actor:x', confirmedAt: '2026-11-26T09:00:00Z', note: 'CRM-9' },
    ]);
  });
});
