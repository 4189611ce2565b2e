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
];
