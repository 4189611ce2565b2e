import type { FaultPlan } from './plan';

/**
 * Fault plans that once found a bug in the app, kept as plain data (a seed would stand for another plan as
 * soon as the generators change). The suite and the soak replay them before any generated plan.
 */
export const REGRESSION_PLANS: Array<{ found: string; plan: FaultPlan }> = [
  {
    found:
      'A worker died between saving the Amiqus job as settled and appending its audit entries: the ticket closed Done with a ' +
      'record that did not evidence the Amiqus outcome, and no comment said it (fixed: the job carries what it still owes).',
    plan: {
      subject: {
        amiqus: { held: false, onTicket: true, deletable: true },
        ada: { byEmail: false, chatterId: false },
        genesys: { held: true, externalIdOnTicket: false },
        phone: false,
        genesysErrors: false,
        adaPartial: false,
      },
      jira: {
        moves: ['Approved', 'Verifying identity', 'Approved'],
        events: [
          { copies: 2, lateBySteps: 3, orderKey: 8 },
          { copies: 2, lateBySteps: 3, orderKey: 9 },
          { copies: 2, lateBySteps: 0, orderKey: 8 },
        ],
      },
      queue: { duplicateDelivery: true },
      crash: { functionKey: 'erasure-job-worker', invocation: 1, step: 10, when: 'before' },
      providerFaults: [
        {
          provider: 'ada',
          label: 'GET /api/v2/jobs/{job_id}',
          fault: {
            kind: 'status',
            status: 429,
            headers: { 'Retry-After': '600' },
            body: { message: 'Too Many Attempts.' },
          },
          times: 2,
        },
      ],
      clockJumps: [],
      restartAtStep: 2,
    },
  },
  {
    found:
      'Soak seed 97: a shared Ada job whose answers were lost was sent again 35 hours later under its reference; Ada ' +
      'deduplicates for 24 hours only, so it made a second job, which failed on the 7-day rule (fixed: the submission is ' +
      'logged before it is sent, and a reference older than 23 hours is never resent; test/e2e/ada-lost-answer.test.ts).',
    plan: {
      subject: {
        amiqus: { held: false, onTicket: true, deletable: true },
        ada: { byEmail: false, chatterId: true },
        genesys: { held: false, externalIdOnTicket: false },
        phone: true,
        genesysErrors: false,
        adaPartial: false,
      },
      jira: { moves: ['Approved'], events: [{ copies: 2, lateBySteps: 0, orderKey: 2 }] },
      queue: { duplicateDelivery: false },
      crash: { functionKey: 'provider-status-poll', invocation: 2, step: 7, when: 'after' },
      providerFaults: [
        { provider: 'ada', label: 'POST /api/v2/end-users/delete', fault: { kind: 'dropAfterCommit' }, times: 2 },
        { provider: 'ada', label: 'POST /api/v2/end-users/delete', fault: { kind: 'dropAfterCommit' }, times: 1 },
        {
          provider: 'ada',
          label: 'GET /api/v2/jobs/{job_id}',
          fault: {
            kind: 'status',
            status: 429,
            headers: { 'Retry-After': '600' },
            body: { message: 'Too Many Attempts.' },
          },
          times: 6,
        },
      ],
      clockJumps: [{ atStep: 2, ms: 7200000 }],
      restartAtStep: 1,
    },
  },
  {
    found:
      'The approval died while making its jobs, and the earlier move to "Verifying identity", delivered after it, replaced ' +
      "the approval's inbox entry (one per ticket) and removed it: nothing was left to finish the approval, and the " +
      'ticket stayed in Approved with no job (fixed: one entry per changelog). Replayed after the other regressions.',
    plan: {
      subject: {
        amiqus: { held: false, onTicket: false, deletable: true },
        ada: { byEmail: false, chatterId: true },
        genesys: { held: false, externalIdOnTicket: false },
        phone: false,
        genesysErrors: true,
        adaPartial: false,
      },
      jira: {
        moves: ['Verifying identity', 'Approved'],
        events: [
          { copies: 1, lateBySteps: 0, orderKey: 4 },
          { copies: 2, lateBySteps: 0, orderKey: 7 },
        ],
      },
      queue: { duplicateDelivery: false },
      crash: { functionKey: 'on-issue-updated', invocation: 1, step: 23, when: 'before' },
      providerFaults: [
        {
          provider: 'amiqus',
          label: 'GET /clients/{id}',
          fault: { kind: 'status', status: 500, body: { message: 'Server Error' } },
          times: 1,
        },
        {
          provider: 'genesys',
          label: 'POST /oauth/token',
          fault: { kind: 'status', status: 503, body: { message: 'Server Error' } },
          times: 1,
        },
      ],
      clockJumps: [],
      restartAtStep: 6,
    },
  },
];
