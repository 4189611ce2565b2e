import { z } from 'zod';

/**
 * One erasure job per provider per case, and the state machine it moves through.
 * The machine is a table of pure transition functions: every state change the app makes is one of these
 * rows, so "can the app ever go from X to Y?" is answered by reading this file.
 */

export const PROVIDERS = ['amiqus', 'ada', 'genesys'] as const;
export const providerIdSchema = z.enum(PROVIDERS);
export type ProviderId = z.infer<typeof providerIdSchema>;

export const PROVIDER_LABELS: Record<ProviderId, string> = {
  amiqus: 'Amiqus',
  ada: 'Ada',
  genesys: 'Genesys Cloud',
};

export const JOB_STATES = [
  'pending',
  'submitted',
  'in_progress',
  'completed',
  'partially_completed',
  'failed',
  'blocked_legal_hold',
  'not_found',
  'needs_attention',
] as const;
export const jobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof jobStateSchema>;

/** States in which a provider or the app is still working on the job. */
const ACTIVE_STATES: readonly JobState[] = ['pending', 'submitted', 'in_progress'];

/** States in which the app will do nothing more on its own: either finished or waiting for a person. */
export const SETTLED_STATES: ReadonlySet<JobState> = new Set(JOB_STATES.filter((s) => !ACTIVE_STATES.includes(s)));

/** Settled states that count as success: the data is gone, or there was none to erase. */
export const SUCCESS_STATES: ReadonlySet<JobState> = new Set(['completed', 'not_found']);

export const isSettled = (state: JobState): boolean => SETTLED_STATES.has(state);

export const jobEventSchema = z.discriminatedUnion('type', [
  /** The provider accepted the request; its reference is the key to every later poll and reconciliation. */
  z.object({ type: z.literal('submitted'), providerRef: z.string().min(1) }),
  z.object({ type: z.literal('progressed'), providerStatus: z.string() }),
  z.object({ type: z.literal('completed'), summary: z.string() }),
  z.object({ type: z.literal('partially_completed'), summary: z.string(), nextStep: z.string() }),
  z.object({ type: z.literal('failed'), reason: z.string(), nextStep: z.string() }),
  /** Nothing to erase: a valid, recorded outcome (not proof of absence where the provider says so). */
  z.object({ type: z.literal('not_found'), summary: z.string() }),
  z.object({ type: z.literal('legal_hold'), holdId: z.string(), reason: z.string(), expiresOn: z.string().nullable() }),
  z.object({ type: z.literal('needs_attention'), reason: z.string(), nextStep: z.string() }),
  /** A person asked to resume a job that did not complete; only those jobs restart. */
  z.object({ type: z.literal('retry_requested'), by: z.string() }),
  z.object({ type: z.literal('hold_released'), holdId: z.string() }),
]);
export type JobEvent = z.infer<typeof jobEventSchema>;
export type JobEventType = JobEvent['type'];

export const erasureJobSchema = z.object({
  ticketKey: z.string(),
  provider: providerIdSchema,
  state: jobStateSchema,
  /** 1 for the first submission; a retry starts a new attempt so idempotency keys never collide. */
  attempt: z.number().int().positive(),
  providerRef: z.string().nullable(),
  /** The last human-readable outcome or reason, shown on the panel and in comments. */
  detail: z.string().nullable(),
  /** What a person should do next, when the job needs one. */
  nextStep: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ErasureJob = z.infer<typeof erasureJobSchema>;

export class IllegalTransition extends Error {
  constructor(
    readonly ticketKey: string,
    readonly provider: ProviderId,
    readonly from: JobState,
    readonly event: JobEventType,
  ) {
    super(`${ticketKey}/${provider}: cannot apply "${event}" to a job in state "${from}"`);
    this.name = 'IllegalTransition';
  }
}

type Rule = { from: readonly JobState[]; to: (job: ErasureJob, event: JobEvent) => Partial<ErasureJob> & { state: JobState } };

const ACTIVE = ['pending', 'submitted', 'in_progress'] as const;
const IN_FLIGHT = ['submitted', 'in_progress'] as const;

/** The transition table. */
const RULES: { [K in JobEventType]: Rule } = {
  submitted: {
    from: ['pending'],
    to: (_job, e) => ({ state: 'submitted', providerRef: (e as Extract<JobEvent, { type: 'submitted' }>).providerRef }),
  },
  progressed: {
    from: IN_FLIGHT,
    to: (_job, e) => ({ state: 'in_progress', detail: `provider status ${(e as Extract<JobEvent, { type: 'progressed' }>).providerStatus}` }),
  },
  completed: { from: IN_FLIGHT, to: (_job, e) => ({ state: 'completed', detail: summaryOf(e), nextStep: null }) },
  partially_completed: {
    from: IN_FLIGHT,
    to: (_job, e) => ({ state: 'partially_completed', detail: summaryOf(e), nextStep: nextStepOf(e) }),
  },
  failed: { from: ACTIVE, to: (_job, e) => ({ state: 'failed', detail: summaryOf(e), nextStep: nextStepOf(e) }) },
  not_found: { from: ACTIVE, to: (_job, e) => ({ state: 'not_found', detail: summaryOf(e), nextStep: null }) },
  legal_hold: {
    from: ['pending'],
    to: (_job, e) => ({ state: 'blocked_legal_hold', detail: summaryOf(e), nextStep: 'Wait for the hold to be released' }),
  },
  needs_attention: {
    from: ACTIVE,
    to: (_job, e) => ({ state: 'needs_attention', detail: summaryOf(e), nextStep: nextStepOf(e) }),
  },
  retry_requested: {
    from: ['failed', 'partially_completed', 'needs_attention'],
    to: (job) => ({ state: 'pending', attempt: job.attempt + 1, providerRef: null, detail: null, nextStep: null }),
  },
  hold_released: {
    from: ['blocked_legal_hold'],
    to: (job) => ({ state: 'pending', attempt: job.attempt + 1, detail: null, nextStep: null }),
  },
};

function summaryOf(e: JobEvent): string {
  switch (e.type) {
    case 'completed':
    case 'partially_completed':
    case 'not_found':
      return e.summary;
    case 'failed':
    case 'needs_attention':
      return e.reason;
    case 'legal_hold':
      return `withheld under legal hold ${e.holdId}: ${e.reason}${e.expiresOn ? ` (until ${e.expiresOn})` : ''}`;
    default:
      return e.type;
  }
}

function nextStepOf(e: JobEvent): string | null {
  return 'nextStep' in e ? e.nextStep : null;
}

export function canApply(state: JobState, event: JobEventType): boolean {
  return RULES[event].from.includes(state);
}

/** Applies one event to a job; a pure function that throws IllegalTransition rather than bending the rules. */
export function applyJobEvent(job: ErasureJob, event: JobEvent, at: string): ErasureJob {
  const rule = RULES[event.type];
  if (!rule.from.includes(job.state)) throw new IllegalTransition(job.ticketKey, job.provider, job.state, event.type);
  return { ...job, ...rule.to(job, event), updatedAt: at };
}

export function newJob(ticketKey: string, provider: ProviderId, at: string): ErasureJob {
  return {
    ticketKey,
    provider,
    state: 'pending',
    attempt: 1,
    providerRef: null,
    detail: null,
    nextStep: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** The state of a whole case, derived from its jobs every time so it can never disagree with them. */
export type CaseState = 'not_started' | 'in_progress' | 'done' | 'blocked';

export function caseStateOf(jobs: readonly Pick<ErasureJob, 'state'>[]): CaseState {
  if (jobs.length === 0) return 'not_started';
  if (jobs.some((j) => !isSettled(j.state))) return 'in_progress';
  return jobs.every((j) => SUCCESS_STATES.has(j.state)) ? 'done' : 'blocked';
}

/** Jobs a person's "retry" resumes: the ones that settled without success, except held ones. */
export function retryableJobs<T extends Pick<ErasureJob, 'state'>>(jobs: readonly T[]): T[] {
  return jobs.filter((j) => canApply(j.state, 'retry_requested'));
}
