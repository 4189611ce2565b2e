import {
  applyJobEvent,
  caseStateOf,
  type ErasureJob,
  IllegalTransition,
  type JobEvent,
  newJob,
  retryableJobs,
} from '../../src/core/erasure';

const at = '2026-11-25T09:00:00.000Z';
const job = (state: ErasureJob['state'] = 'pending'): ErasureJob => ({ ...newJob('DSAR-1', 'genesys', at), state });

describe('the erasure job state machine', () => {
  it('follows pending → submitted → in_progress → completed, keeping the provider reference', () => {
    let j = applyJobEvent(job(), { type: 'submitted', providerRef: 'req-1' }, at).job;
    j = applyJobEvent(j, { type: 'progressed', providerStatus: 'DELETING' }, at).job;
    j = applyJobEvent(j, { type: 'completed', summary: 'done' }, at).job;
    expect(j).toMatchObject({ state: 'completed', providerRef: 'req-1', detail: 'done', nextStep: null });
  });

  it.each<[ErasureJob['state'], JobEvent]>([
    ['submitted', { type: 'partially_completed', summary: 's', nextStep: 'n' }],
    ['in_progress', { type: 'failed', reason: 'r', nextStep: 'n' }],
    ['pending', { type: 'not_found', summary: 'none' }],
    ['pending', { type: 'legal_hold', holdId: 'h1', reason: 'litigation', expiresOn: '2027-01-01' }],
    ['submitted', { type: 'needs_attention', reason: 'r', nextStep: 'n' }],
    ['failed', { type: 'retry_requested', by: 'u' }],
    ['blocked_legal_hold', { type: 'hold_released', holdId: 'h1' }],
  ])('allows %s + %o', (from, event) => {
    expect(() => applyJobEvent(job(from), event, at)).not.toThrow();
  });

  it.each<[ErasureJob['state'], JobEvent]>([
    ['pending', { type: 'completed', summary: 'x' }],
    ['completed', { type: 'submitted', providerRef: 'again' }],
    ['completed', { type: 'retry_requested', by: 'u' }],
    ['not_found', { type: 'failed', reason: 'r', nextStep: 'n' }],
    ['submitted', { type: 'legal_hold', holdId: 'h', reason: 'r', expiresOn: null }],
    ['pending', { type: 'hold_released', holdId: 'h' }],
  ])('refuses %s + %o with a typed IllegalTransition', (from, event) => {
    expect(() => applyJobEvent(job(from), event, at)).toThrow(IllegalTransition);
  });

  it('starts a retry as a new attempt without the old provider reference', () => {
    const failed = { ...job('failed'), providerRef: 'req-1' };
    expect(applyJobEvent(failed, { type: 'retry_requested', by: 'u' }, at).job).toMatchObject({
      state: 'pending',
      attempt: 2,
      providerRef: null,
    });
  });

  it('derives the case state from its jobs', () => {
    expect(caseStateOf([])).toBe('not_started');
    expect(caseStateOf([{ state: 'completed' }, { state: 'in_progress' }])).toBe('in_progress');
    expect(caseStateOf([{ state: 'completed' }, { state: 'not_found' }])).toBe('done');
    expect(caseStateOf([{ state: 'completed' }, { state: 'blocked_legal_hold' }])).toBe('blocked');
    expect(caseStateOf([{ state: 'partially_completed' }])).toBe('blocked');
  });

  it('retries only the jobs that settled without success, never a completed or held one', () => {
    const jobs = [
      job('completed'),
      job('failed'),
      job('partially_completed'),
      job('needs_attention'),
      job('blocked_legal_hold'),
      job('not_found'),
    ];
    expect(retryableJobs(jobs).map((j) => j.state)).toEqual(['failed', 'partially_completed', 'needs_attention']);
  });
});
