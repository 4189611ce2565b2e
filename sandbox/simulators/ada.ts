import { randomUUID } from 'node:crypto';
import {
  bearer,
  Faults,
  Ledger,
  type LedgerEntry,
  parseJson,
  type SimResponse,
  type SimRoute,
  type SimServer,
  startSimServer,
  WindowLimiter,
} from './kit';

/**
 * Ada's Bulk End-User Deletion API on 127.0.0.1, after PROVIDERS.md and specs/ada-bulk-deletion-*.yml:
 * bearer API keys; 1..1000 identifiers and ≤ 512 KB; `client_reference` idempotency for 24 h; the 7-day rule
 * (an identifier submitted in the previous 7 days fails the whole job); jobs that move queued → in_progress →
 * completed / partial / failed on the simulator's clock with per-identifier dispositions; 10/s and 100/min
 * with 429; and the deprecated v1 endpoint, which accepts and tells nothing more.
 */

export interface AdaSeedEndUser {
  email?: string;
  chatterId?: string;
  /** Custom variables holding the person's email. */
  variables?: Record<string, string>;
}

export interface AdaJobState {
  id: string;
  clientReference: string | null;
  createdAt: number;
  identifiers: Array<{ type: string; value: string; variable: string | null }>;
  forcedOutcome: 'partial' | 'failed_cooldown' | null;
  settled: boolean;
  /** Identifiers (by the simulator's key) that were inside the 7-day cooldown when the job was submitted. */
  cooldown?: string[];
}

export interface AdaSimulator {
  url: string;
  apiKey: string;
  ledger: Ledger;
  faults: Faults;
  server: SimServer;
  seedEndUser(user: AdaSeedEndUser): void;
  /** Jobs containing this identifier value end `partial`, with it marked `exceeds_limit`. */
  partialFor(value: string): void;
  /** Ada reports this identifier value as `invalid` (with the reason) in every job that contains it. */
  invalidFor(value: string, reason: string): void;
  jobCount(): number;
  /** The simulator's data, for the sandbox to keep across restarts. */
  snapshot(): AdaSnapshot;
  close(): Promise<void>;
}

export interface AdaSnapshot {
  users: AdaSeedEndUser[];
  jobs: AdaJobState[];
  lastSubmitted: Array<[string, number]>;
  partialValues: string[];
  invalidValues?: Array<[string, string]>;
  ledger: LedgerEntry[];
}

const DAY = 86_400_000;
const userKey = (type: string, variable: string, value: string) => JSON.stringify([type, variable, value]);
const TYPES = new Set(['email', 'chatter_id', 'external_id', 'end_user_id', 'variable_match']);

export async function startAdaSimulator(
  options: {
    port?: number;
    now?: () => number;
    jobDurationMs?: number;
    perSecond?: number;
    perMinute?: number;
    perDay?: number;
    restore?: AdaSnapshot;
  } = {},
): Promise<AdaSimulator> {
  const now = options.now ?? Date.now;
  const duration = options.jobDurationMs ?? 20 * 60_000;
  const apiKey = 'ada_sandbox_key_0123456789abcdef';
  const users: AdaSeedEndUser[] = [];
  const jobs: AdaJobState[] = [];
  // Lookups a backlog needs: end users by identifier, jobs by id and reference, and the jobs not yet settled.
  const usersBy = new Map<string, number>();
  const jobsById = new Map<string, AdaJobState>();
  const jobsByReference = new Map<string, AdaJobState[]>();
  let unsettled: AdaJobState[] = [];
  const lastSubmitted = new Map<string, number>();
  const partialValues = new Set<string>();
  const invalidValues = new Map<string, string>();
  const perSecond = new WindowLimiter(options.perSecond ?? 10, 1_000);
  const perMinute = new WindowLimiter(options.perMinute ?? 100, 60_000);
  // 10 requests/s, 100/min and 10,000/day per instance (PROVIDERS.md; docs.ada.cx Bulk End-User Deletion API, rate limits).
  const perDay = new WindowLimiter(options.perDay ?? 10_000, DAY);
  /** The window the last counted call left, for the success answer's X-RateLimit-* headers. */
  let counted: { limit: number; remaining: number; resetAt: number } | null = null;
  const ledger = new Ledger(options.restore?.ledger);
  const faults = new Faults();
  const addUser = (u: AdaSeedEndUser) => {
    users.push(u);
    const keys = [
      ...(u.email ? [userKey('email', '', u.email.toLowerCase())] : []),
      ...(u.chatterId ? [userKey('chatter_id', '', u.chatterId)] : []),
      ...Object.entries(u.variables ?? {}).map(([name, v]) => userKey('variable_match', name, v.toLowerCase())),
    ];
    for (const key of keys) usersBy.set(key, (usersBy.get(key) ?? 0) + 1);
  };
  const addJob = (job: AdaJobState) => {
    jobs.push(job);
    jobsById.set(job.id, job);
    if (job.clientReference !== null)
      jobsByReference.set(job.clientReference, [...(jobsByReference.get(job.clientReference) ?? []), job]);
    if (!job.settled) unsettled.push(job);
  };
  if (options.restore) {
    for (const u of options.restore.users) addUser(u);
    for (const job of options.restore.jobs) addJob(job);
    for (const [k, v] of options.restore.lastSubmitted) lastSubmitted.set(k, v);
    for (const v of options.restore.partialValues) partialValues.add(v);
    for (const [v, why] of options.restore.invalidValues ?? []) invalidValues.set(v, why);
  }
  const errors = (status: number, type: string, message: string): SimResponse => ({
    status,
    body: { errors: [{ type, message, details: null }] },
  });
  const idKey = (i: { type: string; value: string; variable: string | null }) =>
    `${i.type}|${i.variable ?? ''}|${i.value.toLowerCase()}`;

  /** End users an identifier matches: emails and variables case-insensitively, chatter ids exactly. */
  function matches(i: AdaJobState['identifiers'][number]): number {
    const v = i.value.toLowerCase();
    const key =
      i.type === 'email'
        ? userKey('email', '', v)
        : i.type === 'chatter_id'
          ? userKey('chatter_id', '', i.value)
          : i.type === 'variable_match'
            ? userKey('variable_match', i.variable ?? '', v)
            : null;
    return key === null ? 0 : (usersBy.get(key) ?? 0);
  }

  function render(job: AdaJobState) {
    const elapsed = now() - job.createdAt;
    const done = elapsed >= duration;
    const status = !done
      ? elapsed >= duration / 4
        ? 'in_progress'
        : 'queued'
      : job.forcedOutcome === 'failed_cooldown'
        ? 'failed'
        : job.forcedOutcome === 'partial'
          ? 'partial'
          : 'completed';
    const failed = job.forcedOutcome === 'failed_cooldown';
    const seen = new Set<string>();
    const identifiers = job.identifiers.map((i) => {
      const key = idKey(i);
      const repeated = seen.has(key);
      seen.add(key);
      const matched = matches(i);
      const invalid = invalidValues.get(i.value.toLowerCase());
      // Assumed (Ada documents the values, not when each is given): a repeat of an identifier earlier in the
      // same request is `duplicate`; in a job failed by the 7-day rule, the identifiers inside it are marked.
      const disposition = failed
        ? job.cooldown?.includes(key)
          ? 'duplicate'
          : 'accepted'
        : invalid !== undefined
          ? 'invalid'
          : repeated
            ? 'duplicate'
            : job.forcedOutcome === 'partial' && partialValues.has(i.value.toLowerCase()) && i.type !== 'email'
              ? 'exceeds_limit'
              : matched > 0
                ? 'accepted'
                : 'not_found';
      const reason =
        disposition === 'exceeds_limit'
          ? 'too many conversations to erase in one job'
          : disposition === 'invalid'
            ? (invalid ?? null)
            : disposition === 'duplicate'
              ? failed
                ? 'submitted within the previous 7 days'
                : 'repeats an earlier identifier in this request'
              : null;
      return {
        type: i.type,
        value: i.value,
        variable: i.variable,
        disposition,
        matched_chatters: disposition === 'accepted' ? matched : 0,
        reason,
      };
    });
    if (done && !job.settled) {
      job.settled = true;
      if (status !== 'failed')
        for (const i of identifiers.filter((x) => x.disposition === 'accepted'))
          ledger.record({ at: now(), action: 'end_user_erased', subject: idKey(i) });
    }
    return {
      job_id: job.id,
      type: 'end_user_deletion',
      client_reference: job.clientReference,
      status,
      identifiers: done ? identifiers : identifiers.map((i) => ({ ...i, disposition: 'accepted' })),
      created_at: new Date(job.createdAt).toISOString(),
      completed_at: done ? new Date(job.createdAt + duration).toISOString() : null,
      failure_reason: status === 'failed' ? 'identifier_in_cooldown' : null,
    };
  }

  const routes: SimRoute[] = [
    {
      label: 'POST /api/v2/end-users/delete',
      method: 'POST',
      pattern: /^\/api\/v2\/end-users\/delete$/,
      handle: (req) => {
        if (Buffer.byteLength(req.body) > 512 * 1024)
          return errors(413, 'payload_too_large', 'The request body exceeds 512 KB');
        const body = parseJson(req.body) as { identifiers?: unknown; client_reference?: unknown } | undefined;
        const ids = body?.identifiers;
        if (!Array.isArray(ids) || ids.length === 0)
          return errors(400, 'invalid_request', 'identifiers must contain at least one identifier');
        if (ids.length > 1000) return errors(400, 'invalid_request', 'a request accepts at most 1000 identifiers');
        for (const [n, i] of (ids as Array<Record<string, unknown>>).entries()) {
          if (!TYPES.has(String(i.type)) || typeof i.value !== 'string' || i.value === '')
            return errors(400, 'invalid_request', `identifiers[${n}] needs a known type and a value`);
          if (i.type === 'variable_match' && !i.variable)
            return errors(400, 'invalid_request', `identifiers[${n}]: variable_match needs a variable`);
        }
        const rawRef = body?.client_reference;
        if (rawRef !== undefined && rawRef !== null && typeof rawRef !== 'string')
          return errors(400, 'invalid_request', 'client_reference must be a string or null');
        const ref = typeof rawRef === 'string' ? rawRef : null;
        const identifiers = (ids as Array<Record<string, unknown>>).map((i) => ({
          type: String(i.type),
          value: String(i.value),
          variable: (i.variable as string | null | undefined) ?? null,
        }));
        // Only an identical resubmission (same reference and body) within 24 hours returns the original job.
        const same = (j: AdaJobState) => JSON.stringify(j.identifiers) === JSON.stringify(identifiers);
        const existing = ref ? jobsByReference.get(ref)?.find((j) => now() - j.createdAt < DAY && same(j)) : undefined;
        // Ada does not document a replay's status; the simulator answers 200 so the client must accept any 2xx.
        if (existing)
          return {
            status: 200,
            body: {
              job_id: existing.id,
              status: render(existing).status,
              submitted_count: existing.identifiers.length,
              created_at: new Date(existing.createdAt).toISOString(),
            },
          };
        const cooldown = identifiers
          .filter((i) => {
            const last = lastSubmitted.get(idKey(i));
            return last !== undefined && now() - last < 7 * DAY;
          })
          .map(idKey);
        const inCooldown = cooldown.length > 0;
        const partial = identifiers.some((i) => partialValues.has(i.value.toLowerCase()));
        const job: AdaJobState = {
          id: randomUUID(),
          clientReference: ref,
          createdAt: now(),
          identifiers,
          forcedOutcome: inCooldown ? 'failed_cooldown' : partial ? 'partial' : null,
          settled: false,
          ...(inCooldown ? { cooldown } : {}),
        };
        for (const i of identifiers) lastSubmitted.set(idKey(i), now());
        addJob(job);
        ledger.record({ at: now(), action: 'job_created', subject: ref ?? job.id });
        return {
          status: 202,
          body: {
            job_id: job.id,
            status: 'queued',
            submitted_count: identifiers.length,
            created_at: new Date(job.createdAt).toISOString(),
          },
        };
      },
    },
    {
      label: 'GET /api/v2/jobs/{job_id}',
      method: 'GET',
      pattern: /^\/api\/v2\/jobs\/([^/]+)$/,
      handle: (_req, m) => {
        const job = jobsById.get(m[1] as string);
        return job ? { status: 200, body: render(job) } : errors(404, 'not_found', 'No job with that id');
      },
    },
    {
      label: 'POST /api/v1/data-subject-request',
      method: 'POST',
      pattern: /^\/api\/v1\/data-subject-request$/,
      handle: (req) => {
        const body = parseJson(req.body) as { type?: string; email?: string } | undefined;
        if (body?.type !== 'ERASURE') return errors(400, 'invalid_request', 'type must be ERASURE');
        ledger.record({ at: now(), action: 'v1_erasure', subject: body.email ?? 'chatter' });
        return { status: 200, body: { email: body.email ?? null } };
      },
    },
  ];

  const server = await startSimServer(routes, faults, {
    ...(options.port ? { port: options.port } : {}),
    notFound: errors(404, 'not_found', 'Not found'),
    before: (req) => {
      // Jobs finish on Ada's side whether or not anyone asks: settle every due job before answering.
      if (unsettled.some((job) => now() - job.createdAt >= duration)) {
        for (const job of unsettled) if (now() - job.createdAt >= duration) render(job);
        unsettled = unsettled.filter((job) => !job.settled);
      }
      if (bearer(req) !== apiKey) return errors(401, 'unauthorized', 'Authentication token is missing or invalid');
      const t = now();
      counted = null;
      const windows = [perSecond, perMinute, perDay];
      for (const w of windows) {
        const hit = w.hit(apiKey, t);
        if (hit.retryAfterMs !== null) {
          // The 429 names the window that actually tripped.
          const res = errors(429, 'rate_limited', 'Too many requests');
          return {
            ...res,
            headers: {
              'X-RateLimit-Limit': String(w.limit),
              'X-RateLimit-Remaining': '0',
              'X-RateLimit-Reset': String(Math.ceil(hit.resetAt / 1000)),
            },
          };
        }
        // Assumed: success answers describe the minute window, or the day's once fewer calls are left in it
        // (Ada declares the headers on successful answers without saying which window they describe).
        if (w !== perSecond && (counted === null || hit.remaining < counted.remaining))
          counted = { limit: w.limit, remaining: hit.remaining, resetAt: hit.resetAt };
      }
      return null;
    },
    // specs: X-RateLimit-Limit/Remaining/Reset are "present on an authenticated successful response".
    decorate: (res) =>
      counted && res.status >= 200 && res.status < 300
        ? {
            ...res,
            headers: {
              'X-RateLimit-Limit': String(counted.limit),
              'X-RateLimit-Remaining': String(counted.remaining),
              'X-RateLimit-Reset': String(Math.ceil(counted.resetAt / 1000)),
              ...res.headers,
            },
          }
        : res,
  });

  return {
    url: server.url,
    apiKey,
    ledger,
    faults,
    server,
    seedEndUser: addUser,
    partialFor: (value) => partialValues.add(value.toLowerCase()),
    invalidFor: (value, reason) => invalidValues.set(value.toLowerCase(), reason),
    jobCount: () => jobs.length,
    snapshot: () => ({
      users: [...users],
      jobs: [...jobs],
      lastSubmitted: [...lastSubmitted],
      partialValues: [...partialValues],
      invalidValues: [...invalidValues],
      ledger: [...ledger.entries],
    }),
    close: () => server.close(),
  };
}
