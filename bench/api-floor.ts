/**
 * What the providers' APIs allow a backlog at best, whoever the client: the fewest calls each erasure needs,
 * and from those, the providers' published limits and the providers' own processing time, the shortest time
 * in which any client could settle the backlog. The bench sets its figures against these, so "how fast" is
 * read as "how close to what the APIs allow", and the speedup any client could show over the naive run has a
 * ceiling printed beside the speedup measured.
 */

export const PROVIDERS = ['amiqus', 'ada', 'genesys'] as const;
export type Provider = (typeof PROVIDERS)[number];
export type PerProvider<T> = Record<Provider, T>;

/**
 * The fewest calls per erasure each API allows for this backlog (all-three subjects: one Amiqus client,
 * an email and a chatter id at Ada, an external contact id and an email at Genesys):
 * - Amiqus: 3. GET /clients/{id}, which is the only way to see, before an irreversible DELETE, that the
 *   client is the ticket's subject (its email or name; a mistyped id would otherwise erase someone else) and
 *   `is_deletable` (PROVIDERS.md: a client with requests is routed to a person); DELETE /clients/{id}; and
 *   the read-back that confirms it took effect (404). Amiqus has no bulk delete.
 * - Ada: per shared job one submit and one status read that finds it terminal; a job takes 1,000
 *   identifiers, so 2 × ceil(2N / 1000) / N. Ada sends no completion webhook and documents only that a job
 *   can take up to 30 days, so in general reads before completion cannot be avoided: no client knows when a
 *   job will be done. They are not defined away here: every read is counted, and the minimum is what a
 *   client that read each job exactly once, when it had just finished, would make. The app comes close by
 *   reading a job first when Ada's recent jobs had finished (src/app/completion-estimate.ts); a job slower
 *   than those costs one more read per step of its back-off schedule.
 * - Genesys: 2 + the listing pages that show every request terminal once. GET /gdpr/subjects (the
 *   documented way to find the subject) and POST /gdpr/requests per subject (no bulk request); the
 *   listing answers for 100 requests a page: ceil(N / 100) / N; plus one OAuth token for the run.
 */
export function minimumCallsPerErasure(n: number): PerProvider<number> {
  return { amiqus: 3, ada: (2 * Math.ceil((2 * n) / 1000)) / n, genesys: 2 + (Math.ceil(n / 100) + 1) / n };
}

export interface SettleFloor {
  /** No client settles the backlog sooner: the largest of the bounds below. */
  minutes: number;
  /** What sets it. */
  boundBy: string;
  bounds: Array<{ cause: string; minutes: number }>;
}

/**
 * The shortest time in which any client could settle `subjects` erasures: each provider's minimum calls at its
 * published minute limit (a client could not send them faster without 429s), and each provider's own time to
 * finish one erasure once asked (a ticket is not settled before its provider says the erasure is done; a client
 * can ask for every subject in the first minute, so this counts once, not per subject).
 */
export function settleFloor(input: {
  subjects: number;
  minuteLimit: PerProvider<number>;
  providerMinutes: { ada: number; genesys: number };
}): SettleFloor {
  const minimum = minimumCallsPerErasure(input.subjects);
  const bounds = [
    ...PROVIDERS.map((p) => ({
      cause: `${p}: ${round(minimum[p] * input.subjects)} calls at ${input.minuteLimit[p]}/min`,
      minutes: (minimum[p] * input.subjects) / input.minuteLimit[p],
    })),
    { cause: `ada: its jobs take ${input.providerMinutes.ada} min`, minutes: input.providerMinutes.ada },
    {
      cause: `genesys: its requests take ${input.providerMinutes.genesys} min`,
      minutes: input.providerMinutes.genesys,
    },
  ].sort((a, b) => b.minutes - a.minutes);
  const top = bounds[0] as { cause: string; minutes: number };
  return {
    minutes: round(top.minutes),
    boundBy: top.cause,
    bounds: bounds.map((b) => ({ ...b, minutes: round(b.minutes) })),
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
