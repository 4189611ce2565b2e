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
  /** The legal hold withholding this job, while it is `blocked_legal_hold`: the key to its release. */
  holdId: z.string().nullable().default(null),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ErasureJob = z.infer<typeof erasureJobSchema>;

const dispositionSchema = z.object({
  kind: z.string(),
  disposition: z.string(),
  matched: z.number().nullable(),
  reason: z.string().nullable(),
});
const withheldSchema = z.object({ kind: z.string(), reason: z.string() });

/** What the audit trail records of one transition: enough to replay the job's history without the job. */
export const jobTransitionSchema = z.object({
  provider: providerIdSchema,
  attempt: z.number(),
  from: jobStateSchema,
  to: jobStateSchema,
  detail: z.string().nullable(),
  nextStep: z.string().nullable(),
  providerRef: z.string().nullable(),
  /** Per-identifier results, where the provider reports them. */
  dispositions: z.array(dispositionSchema).optional(),
  /** Identifiers deliberately not sent this attempt. */
  withheld: z.array(withheldSchema).optional(),
});
export type JobTransition = z.infer<typeof jobTransitionSchema>;
/** The `job_transition` audit entry, in the shape core/audit.ts appends to the chain. */
export type JobTransitionEntry = { at: string; kind: 'job_transition'; data: JobTransition };
/** What the provider's answer showed beyond the event itself, recorded with the transition. */
export type TransitionEvidence = Pick<JobTransition, 'dispositions' | 'withheld'>;

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

type Rule = {
  from: readonly JobState[];
  to: (job: ErasureJob, event: JobEvent) => Partial<ErasureJob> & { state: JobState };
};

const IN_FLIGHT = ['submitted', 'in_progress'] as const;

/** The transition table. */
const RULES: { [K in JobEventType]: Rule } = {
  submitted: {
    from: ['pending'],
    to: (_job, e) => ({ state: 'submitted', providerRef: (e as Extract<JobEvent, { type: 'submitted' }>).providerRef }),
  },
  progressed: {
    from: IN_FLIGHT,
    to: (_job, e) => ({
      state: 'in_progress',
      detail: `provider status ${(e as Extract<JobEvent, { type: 'progressed' }>).providerStatus}`,
    }),
  },
  completed: { from: IN_FLIGHT, to: (_job, e) => ({ state: 'completed', detail: summaryOf(e), nextStep: null }) },
  partially_completed: {
    from: IN_FLIGHT,
    to: (_job, e) => ({ state: 'partially_completed', detail: summaryOf(e), nextStep: nextStepOf(e) }),
  },
  failed: {
    from: ACTIVE_STATES,
    to: (_job, e) => ({ state: 'failed', detail: summaryOf(e), nextStep: nextStepOf(e) }),
  },
  not_found: { from: ACTIVE_STATES, to: (_job, e) => ({ state: 'not_found', detail: summaryOf(e), nextStep: null }) },
  legal_hold: {
    from: ['pending'],
    to: (_job, e) => ({
      state: 'blocked_legal_hold',
      holdId: (e as Extract<JobEvent, { type: 'legal_hold' }>).holdId,
      detail: summaryOf(e),
      nextStep: 'Wait for the hold to be released',
    }),
  },
  needs_attention: {
    from: ACTIVE_STATES,
    to: (_job, e) => ({ state: 'needs_attention', detail: summaryOf(e), nextStep: nextStepOf(e) }),
  },
  retry_requested: {
    from: ['failed', 'partially_completed', 'needs_attention'],
    to: (job) => ({ state: 'pending', attempt: job.attempt + 1, providerRef: null, detail: null, nextStep: null }),
  },
  hold_released: {
    from: ['blocked_legal_hold'],
    to: (job) => ({ state: 'pending', attempt: job.attempt + 1, holdId: null, detail: null, nextStep: null }),
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

/**
 * Applies one event to a job and returns the new job with the audit entry that records the change: the
 * only way a job changes state, so no transition can happen without its entry. Pure; throws
 * IllegalTransition rather than bending the rules. Fields beyond the core job (a stored record's) are kept.
 */
export function applyJobEvent<J extends ErasureJob>(
  job: J,
  event: JobEvent,
  at: string,
  evidence: TransitionEvidence = {},
): { job: J; audit: JobTransitionEntry } {
  const rule = RULES[event.type];
  if (!rule.from.includes(job.state)) throw new IllegalTransition(job.ticketKey, job.provider, job.state, event.type);
  const next: J = { ...job, ...rule.to(job, event), updatedAt: at };
  const audit: JobTransitionEntry = {
    at,
    kind: 'job_transition',
    data: {
      provider: next.provider,
      attempt: next.attempt,
      from: job.state,
      to: next.state,
      detail: next.detail,
      nextStep: next.nextStep,
      providerRef: next.providerRef,
      ...(evidence.dispositions ? { dispositions: evidence.dispositions } : {}),
      ...(evidence.withheld && evidence.withheld.length > 0 ? { withheld: evidence.withheld } : {}),
    },
  };
  return { job: next, audit };
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
    holdId: null,
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
