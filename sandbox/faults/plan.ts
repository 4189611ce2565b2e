import fc from 'fast-check';
import type { CrashPoint, LabelledCrashPoint } from '../forge/crash';
import type { Fault } from '../simulators/kit';

/**
 * One generated fault sequence: who the data subject is and what each provider holds, how the officer moves
 * the ticket and how Jira delivers those events (duplicated, late, out of order), how Forge delivers the queue
 * (twice, concurrently), where an invocation dies, which provider calls fail and how, when the clock jumps
 * and when the sandbox restarts. Plans are plain data, so a failing seed prints as something a person reads.
 */

export type ProviderKey = 'amiqus' | 'ada' | 'genesys';

export interface SubjectPlan {
  /** Which providers hold data about the person (the ticket names what the requester gave). */
  amiqus: { held: boolean; onTicket: boolean; deletable: boolean };
  ada: { byEmail: boolean; chatterId: boolean };
  genesys: { held: boolean; externalIdOnTicket: boolean };
  phone: boolean;
  genesysErrors: boolean;
  adaPartial: boolean;
}

export interface JiraDelivery {
  /** The officer's moves, in order; all end in the approval status. */
  moves: string[];
  /** For each event the officer's moves raise, in the order Jira emits them. */
  events: Array<{ copies: 1 | 2; lateBySteps: number; orderKey: number }>;
}

export interface ProviderFaultPlan {
  provider: ProviderKey;
  label: string;
  fault: Fault;
  times: number;
}

export interface FaultPlan {
  subject: SubjectPlan;
  jira: JiraDelivery;
  /** Forge delivers the queue concurrently (the queue emulator's own concurrency); this adds certain duplicates. */
  queue: { duplicateDelivery: boolean };
  /** Generated plans name a step; a test may name a kind of step instead (see LabelledCrashPoint). */
  crash: CrashPoint | LabelledCrashPoint | null;
  providerFaults: ProviderFaultPlan[];
  clockJumps: Array<{ atStep: number; ms: number }>;
  /** The step at which the sandbox restarts, losing every queue event not yet delivered. */
  restartAtStep: number | null;
}

/** Every provider route the app calls, by the simulators' labels. */
export const PROVIDER_ROUTES: Record<ProviderKey, string[]> = {
  amiqus: ['GET /clients/{id}', 'DELETE /clients/{id}'],
  ada: ['POST /api/v2/end-users/delete', 'GET /api/v2/jobs/{job_id}'],
  genesys: [
    'POST /oauth/token',
    'GET /api/v2/gdpr/subjects',
    'POST /api/v2/gdpr/requests',
    'GET /api/v2/gdpr/requests/{requestId}',
    'GET /api/v2/gdpr/requests',
  ],
};

export const MOVE_SEQUENCES: string[][] = [
  ['Approved'],
  ['Verifying identity', 'Approved'],
  ['Approved', 'Verifying identity', 'Approved'],
];

const subjectArb: fc.Arbitrary<SubjectPlan> = fc.record({
  amiqus: fc.record({
    held: fc.boolean(),
    onTicket: fc.boolean(),
    deletable: fc.constantFrom(true, true, true, false),
  }),
  ada: fc.record({ byEmail: fc.boolean(), chatterId: fc.boolean() }),
  genesys: fc.record({ held: fc.boolean(), externalIdOnTicket: fc.boolean() }),
  phone: fc.boolean(),
  genesysErrors: fc.constantFrom(false, false, false, false, true),
  adaPartial: fc.constantFrom(false, false, false, false, true),
});

const jiraArb: fc.Arbitrary<JiraDelivery> = fc.constantFrom(...MOVE_SEQUENCES).chain((moves) =>
  fc.record({
    moves: fc.constant(moves),
    events: fc.array(
      fc.record({
        copies: fc.constantFrom<1 | 2>(1, 1, 2),
        lateBySteps: fc.constantFrom(0, 0, 0, 1, 3),
        orderKey: fc.integer({ min: 0, max: 9 }),
      }),
      { minLength: moves.length, maxLength: moves.length },
    ),
  }),
);

/**
 * Provider failures: 429 storms (with a `Retry-After` longer than one invocation may wait, so the job is
 * re-queued, or without one), 5xx, connections reset before the provider saw the call, answers lost after
 * the provider acted (what a timeout is: the app cannot know whether the work was done), and truncated bodies.
 */
const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.constantFrom(30, 90, 600).map((s): Fault => ({
    kind: 'status',
    status: 429,
    headers: { 'Retry-After': String(s) },
    body: { message: 'Too Many Attempts.' },
  })),
  fc.constant<Fault>({ kind: 'status', status: 429, body: { message: 'Too Many Attempts.' } }),
  fc
    .constantFrom(500, 502, 503)
    .map((status): Fault => ({ kind: 'status', status, body: { message: 'Server Error' } })),
  fc.constant<Fault>({ kind: 'drop' }),
  fc.constant<Fault>({ kind: 'dropAfterCommit' }),
  fc.constant<Fault>({ kind: 'malformed' }),
);

/**
 * A storm is the same failure on many calls in a row. Long storms are 429s with a `Retry-After`: the app
 * re-queues them at once, as it should, whereas a long 5xx storm mostly measures the in-invocation backoff.
 */
const providerFaultArb: fc.Arbitrary<ProviderFaultPlan> = fc
  .constantFrom<ProviderKey>('amiqus', 'ada', 'genesys')
  .chain((provider) =>
    fc.record({
      provider: fc.constant(provider),
      label: fc.constantFrom(...PROVIDER_ROUTES[provider]),
      fault: faultArb,
      times: fc.constantFrom(1, 1, 2, 3),
    }),
  )
  .chain((f) =>
    f.fault.kind === 'status' && f.fault.status === 429 && f.fault.headers
      ? fc.constantFrom(f, { ...f, times: 6 })
      : fc.constant(f),
  );

/**
 * The approval's trigger is crashed too: one that dies before its inbox write has left no trace (as if Forge
 * never delivered the event), and the daily deadline watch finds the approval on the ticket's changelog.
 */
export const crashArb: fc.Arbitrary<CrashPoint> = fc.record({
  functionKey: fc.constantFrom('erasure-job-worker', 'erasure-job-worker', 'provider-status-poll', 'on-issue-updated'),
  invocation: fc.integer({ min: 1, max: 4 }),
  step: fc.integer({ min: 1, max: 24 }),
  when: fc.constantFrom<'before' | 'after'>('before', 'after'),
});

export const faultPlanArb: fc.Arbitrary<FaultPlan> = fc.record({
  subject: subjectArb,
  jira: jiraArb,
  queue: fc.record({ duplicateDelivery: fc.boolean() }),
  crash: fc.option(crashArb, { freq: 4, nil: null }),
  providerFaults: fc.array(providerFaultArb, { maxLength: 3 }),
  clockJumps: fc.array(
    fc.record({
      atStep: fc.integer({ min: 0, max: 6 }),
      ms: fc.constantFrom(15 * 60_000, 2 * 3_600_000, 26 * 3_600_000),
    }),
    { maxLength: 2 },
  ),
  restartAtStep: fc.option(fc.integer({ min: 0, max: 8 }), { freq: 4, nil: null }),
});

/** The plan a seed stands for: `npm run soak -- --seed S` replays exactly this. */
export function planForSeed(seed: number): FaultPlan {
  const [plan] = fc.sample(faultPlanArb, { seed, numRuns: 1 });
  if (!plan) throw new Error(`fast-check produced no plan for seed ${seed}`);
  return plan;
}
