import { auditEventInputSchema } from '../../src/core/audit';
import { applyJobEvent, type ErasureJob, IllegalTransition, type JobEvent, newJob } from '../../src/core/erasure';

const at = '2026-11-25T09:00:00.000Z';
const later = '2026-11-25T10:00:00.000Z';
const job = (state: ErasureJob['state'] = 'pending', extra: Partial<ErasureJob> = {}): ErasureJob => ({
  ...newJob('DSAR-7', 'ada', at),
  state,
  ...extra,
});

describe('applyJobEvent: every transition carries its own audit entry', () => {
  it.each<[ErasureJob['state'], JobEvent, ErasureJob['state']]>([
    ['pending', { type: 'submitted', providerRef: 'job-1' }, 'submitted'],
    ['submitted', { type: 'progressed', providerStatus: 'in_progress' }, 'in_progress'],
    ['in_progress', { type: 'completed', summary: 'erased' }, 'completed'],
    ['submitted', { type: 'partially_completed', summary: 'part', nextStep: 'ask Ada' }, 'partially_completed'],
    ['pending', { type: 'failed', reason: 'broken', nextStep: 'call support' }, 'failed'],
    ['in_progress', { type: 'not_found', summary: 'nothing held' }, 'not_found'],
    ['pending', { type: 'legal_hold', holdId: 'hold-1', reason: 'litigation', expiresOn: null }, 'blocked_legal_hold'],
    ['submitted', { type: 'needs_attention', reason: 'odd', nextStep: 'look' }, 'needs_attention'],
    ['needs_attention', { type: 'retry_requested', by: 'officer' }, 'pending'],
    ['blocked_legal_hold', { type: 'hold_released', holdId: 'hold-1' }, 'pending'],
  ])('%s + %o → %s, recorded as a job_transition the audit trail accepts', (from, event, to) => {
    const { job: next, audit } = applyJobEvent(job(from), event, later);
    expect(next.state).toBe(to);
    expect(next.updatedAt).toBe(later);
    expect(audit).toEqual({
      at: later,
      kind: 'job_transition',
      data: {
        provider: 'ada',
        attempt: next.attempt,
        from,
        to,
        detail: next.detail,
        nextStep: next.nextStep,
        providerRef: next.providerRef,
      },
    });
    expect(auditEventInputSchema.safeParse(audit).success).toBe(true);
  });

  it('records the new attempt number when a retry starts one', () => {
    const { job: next, audit } = applyJobEvent(
      job('failed', { attempt: 2, providerRef: 'job-1' }),
      { type: 'retry_requested', by: 'officer' },
      later,
    );
    expect(next).toMatchObject({ attempt: 3, providerRef: null, detail: null, nextStep: null });
    expect(audit.data).toMatchObject({ attempt: 3, from: 'failed', to: 'pending', providerRef: null });
  });

  it('keeps the hold id on the held job, states the hold and its expiry, and clears the id on release', () => {
    const held = applyJobEvent(
      job(),
      { type: 'legal_hold', holdId: 'hold-9', reason: 'pending claim', expiresOn: '2027-03-01' },
      at,
    );
    expect(held.job).toMatchObject({
      state: 'blocked_legal_hold',
      holdId: 'hold-9',
      nextStep: 'Wait for the hold to be released',
    });
    expect(held.audit.data.detail).toBe('withheld under legal hold hold-9: pending claim (until 2027-03-01)');
    const released = applyJobEvent(held.job, { type: 'hold_released', holdId: 'hold-9' }, later);
    expect(released.job).toMatchObject({ state: 'pending', holdId: null, attempt: 2, detail: null });
  });

  it('adds the provider’s per-identifier results and the withheld identifiers to the entry when given', () => {
    const dispositions = [{ kind: 'email', disposition: 'accepted', matched: 1, reason: null }];
    const withheld = [{ kind: 'phone', reason: 'not confirmed' }];
    const { audit } = applyJobEvent(job('submitted'), { type: 'completed', summary: 'erased' }, later, {
      dispositions,
      withheld,
    });
    expect(audit.data).toMatchObject({ dispositions, withheld });
    expect(
      applyJobEvent(job('submitted'), { type: 'completed', summary: 'erased' }, later, { withheld: [] }).audit.data,
    ).not.toHaveProperty('withheld');
  });

  it('keeps the fields a stored record adds to the core job', () => {
    const stored = { ...job('submitted'), polls: 4, version: 7 };
    const { job: next } = applyJobEvent(stored, { type: 'progressed', providerStatus: 'DELETING' }, later);
    expect(next).toMatchObject({ polls: 4, version: 7, state: 'in_progress' });
  });

  it.each<[ErasureJob['state'], JobEvent]>([
    ['completed', { type: 'completed', summary: 'again' }],
    ['not_found', { type: 'retry_requested', by: 'officer' }],
    ['blocked_legal_hold', { type: 'retry_requested', by: 'officer' }],
    ['in_progress', { type: 'submitted', providerRef: 'job-2' }],
    ['failed', { type: 'hold_released', holdId: 'hold-1' }],
  ])('refuses %s + %o, naming the job, the state and the event, and emits no entry', (from, event) => {
    let thrown: unknown;
    try {
      applyJobEvent(job(from), event, later);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IllegalTransition);
    expect(thrown).toMatchObject({ ticketKey: 'DSAR-7', provider: 'ada', from, event: event.type });
  });
});
