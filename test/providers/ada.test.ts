import { parseSubject, type Subject } from '../../src/core/subject';
import { createAdaProvider } from '../../src/providers/ada';
import { adaIdentifierKey } from '../../src/providers/ada/cooldown';
import { ADA_DESCRIPTION } from '../../src/providers/ada/description';
import { AdaApi } from '../../src/providers/ada/client';
import { ProviderAuthError, ProviderContractError, ProviderHttpError, RateLimited } from '../../src/providers/errors';
import { ProviderHttp } from '../../src/providers/http';
import { type AdaSimulator, startAdaSimulator } from '../../sandbox/simulators/ada';
import { nodeFetch, virtualClock } from './scripted-server';
import { memoryAdaSubmissionLog } from '../support/ada-submission-log';

const MINUTE = 60_000;
const DAY = 86_400_000;

function subject(input: Record<string, unknown>): Subject {
  const r = parseSubject(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.subject;
}

const memoryLog = memoryAdaSubmissionLog;

const ref = (ticketKey = 'DSAR-1', attempt = 1) => ({ ticketKey, attempt, plannedAt: '2026-11-25T09:00:00Z' });

describe('Ada Bulk End-User Deletion client against the simulator', () => {
  let sim: AdaSimulator;
  let clock: ReturnType<typeof virtualClock>;
  let log: ReturnType<typeof memoryLog>;
  const extra: AdaSimulator[] = [];
  beforeEach(async () => {
    clock = virtualClock();
    log = memoryLog();
    sim = await startAdaSimulator({ now: clock.now, jobDurationMs: 20 * MINUTE });
  });
  afterEach(async () => {
    await Promise.all([sim, ...extra.splice(0)].map((s) => s.close()));
  });

  const provider = (overrides: Partial<Parameters<typeof createAdaProvider>[0]> = {}) =>
    createAdaProvider({
      fetch: nodeFetch,
      apiKey: sim.apiKey,
      handle: 'acme',
      region: 'eu',
      api: 'v2',
      emailVariables: ['contact_email'],
      log,
      baseUrl: sim.url,
      clock,
      ...overrides,
    });

  it('submits email, email variables and chatter id in one job keyed by the ticket, then polls it to completed', async () => {
    sim.seedEndUser({ email: 'sam@example.org', chatterId: 'chat-1', variables: { contact_email: 'sam@example.org' } });
    const ada = provider();
    const submitted = await ada.submitErasure(subject({ email: 'Sam@Example.org', adaChatterId: 'chat-1' }), ref());
    expect(submitted.outcome.kind).toBe('submitted');
    expect(submitted.requests[0]?.identifierKinds.sort()).toEqual(['ada_chatter_id', 'email', 'email_variable']);
    const jobId = (submitted.outcome as { providerRef: string }).providerRef;

    clock.advance(6 * MINUTE);
    expect((await ada.pollStatus([jobId])).get(jobId)).toMatchObject({
      kind: 'in_progress',
      providerStatus: 'in_progress',
    });
    clock.advance(15 * MINUTE);
    const done = (await ada.pollStatus([jobId])).get(jobId);
    expect(done).toMatchObject({ kind: 'completed', providerRef: jobId });
    expect(done && 'dispositions' in done ? done.dispositions?.map((d) => [d.kind, d.disposition]) : []).toEqual([
      ['email', 'accepted'],
      ['email_variable', 'accepted'],
      ['ada_chatter_id', 'accepted'],
    ]);
    expect(sim.ledger.entries.filter((e) => e.action === 'end_user_erased')).toHaveLength(3);
    expect(sim.ledger.count('job_created', 'DSAR-1')).toBe(1);
    // The log holds hashes only, never the identifiers themselves.
    expect(
      await log.lastSubmission(adaIdentifierKey({ type: 'email', value: 'sam@example.org', variable: null })),
    ).toMatchObject({ clientReference: 'DSAR-1' });
  });

  it('gets the same job back when the submission is repeated after a crash (client_reference, 24 h)', async () => {
    sim.seedEndUser({ email: 'sam@example.org' });
    const first = await provider().submitErasure(subject({ email: 'sam@example.org' }), ref());
    // A new invocation whose log write was lost: nothing remembered locally, the provider dedupes.
    log = memoryLog();
    const again = await provider().submitErasure(subject({ email: 'sam@example.org' }), ref());
    expect(again.outcome).toEqual(first.outcome);
    expect(sim.jobCount()).toBe(1);
  });

  it('accepts any 2xx for a submit: an idempotent replay answering 200 is the same job, not an error', async () => {
    sim.seedEndUser({ email: 'sam@example.org' });
    const first = await provider().submitErasure(subject({ email: 'sam@example.org' }), ref('DSAR-14'));
    const replay = await provider({ log: memoryLog() }).submitErasure(
      subject({ email: 'sam@example.org' }),
      ref('DSAR-14'),
    );
    expect(
      sim.server.exchanges.filter((e) => e.label === 'POST /api/v2/end-users/delete').map((e) => e.status),
    ).toEqual([202, 200]);
    expect(replay.outcome).toEqual(first.outcome);
  });

  it('records not_found, not success, when Ada finds no end user for any identifier', async () => {
    const ada = provider({ emailVariables: [] });
    const submitted = await ada.submitErasure(subject({ email: 'nobody@example.org' }), ref());
    const jobId = (submitted.outcome as { providerRef: string }).providerRef;
    clock.advance(21 * MINUTE);
    expect((await ada.pollStatus([jobId])).get(jobId)).toMatchObject({
      kind: 'not_found',
      summary: expect.stringContaining('not proof of absence'),
    });
  });

  it('maps a partial job to partially_completed with the failing identifier and the next step', async () => {
    sim.seedEndUser({ email: 'pat@example.org', chatterId: 'chat-big' });
    sim.partialFor('chat-big');
    const ada = provider({ emailVariables: [] });
    const submitted = await ada.submitErasure(subject({ email: 'pat@example.org', adaChatterId: 'chat-big' }), ref());
    const jobId = (submitted.outcome as { providerRef: string }).providerRef;
    clock.advance(21 * MINUTE);
    const result = (await ada.pollStatus([jobId])).get(jobId);
    expect(result).toMatchObject({
      kind: 'partially_completed',
      nextStep: expect.stringContaining('ada_chatter_id (exceeds_limit)'),
    });
    expect(sim.ledger.entries.filter((e) => e.action === 'end_user_erased').map((e) => e.subject)).toEqual([
      'email||pat@example.org',
    ]);
  });

  it('reuses its client_reference only inside Ada’s 24 hours: a retry 25 h after a crash waits for the 7-day window instead of creating a job that fails', async () => {
    sim.seedEndUser({ email: 'sam@example.org' });
    // The job was created and the log written, then the invocation died before the job record was saved.
    await provider({ emailVariables: [] }).submitErasure(subject({ email: 'sam@example.org' }), ref('DSAR-7'));
    clock.advance(25 * 60 * MINUTE);
    const retried = await provider({ emailVariables: [] }).submitErasure(
      subject({ email: 'sam@example.org' }),
      ref('DSAR-7'),
    );
    expect(retried.outcome).toMatchObject({
      kind: 'needs_attention',
      reason: expect.stringContaining('more than 24 hours ago'),
      nextStep: 'Retry on or after 2026-12-02',
    });
    expect(retried.requests).toEqual([]);
    expect(sim.jobCount()).toBe(1);

    // Inside the 24 hours the same reference is safe to send again: Ada answers with the original job.
    const early = memoryLog();
    await provider({ emailVariables: [], log: early }).submitErasure(
      subject({ email: 'kim@example.org' }),
      ref('DSAR-8'),
    );
    clock.advance(2 * 60 * MINUTE);
    const again = await provider({ emailVariables: [], log: early }).submitErasure(
      subject({ email: 'kim@example.org' }),
      ref('DSAR-8'),
    );
    expect(again.outcome.kind).toBe('submitted');
    expect(sim.jobCount()).toBe(2);
  });

  it('logs a submission before sending it: an answer lost after Ada made the job still starts the 7-day and 24-hour clocks', async () => {
    sim.seedEndUser({ email: 'lou@example.org' });
    // Every answer lost, the client's own retries included (each replay returns the same job, unheard).
    sim.faults.inject('POST /api/v2/end-users/delete', { kind: 'dropAfterCommit' }, 10);
    const ada = provider({ emailVariables: [] });
    await expect(ada.submitErasure(subject({ email: 'lou@example.org' }), ref('DSAR-9'))).rejects.toThrow();
    expect(sim.jobCount()).toBe(1);
    expect(log.size()).toBe(1);

    // Another case with the same identifier waits out the 7 days; this case may resend for 23 hours, not after.
    const lou = subject({ email: 'lou@example.org' });
    expect((await ada.submitErasure(lou, ref('DSAR-10'))).outcome).toMatchObject({ kind: 'needs_attention' });
    expect(await ada.batching?.cooldown(lou, 'DSAR-9')).toBeNull();
    clock.advance(25 * 60 * MINUTE);
    expect(await ada.batching?.cooldown(lou, 'DSAR-9')).toMatchObject({
      kind: 'needs_attention',
      reason: expect.stringContaining('more than 24 hours ago'),
    });
    expect(sim.jobCount()).toBe(1);
  });

  it('reads the outcome from the dispositions: a "completed" job with an invalid or duplicate identifier is partially completed, naming which and why', async () => {
    sim.seedEndUser({ email: 'ola@example.org', chatterId: 'chat-ola' });
    sim.invalidFor('chat-ola', 'not a chatter id of this AI Agent');
    const ada = provider({ emailVariables: [] });
    const jobId = (
      await ada.submitErasure(subject({ email: 'ola@example.org', adaChatterId: 'chat-ola' }), ref('DSAR-11'))
    ).outcome as { providerRef: string };
    // A request that repeats an identifier: Ada marks the repeat `duplicate`.
    const api = new AdaApi(new ProviderHttp({ provider: 'ada', fetch: nodeFetch, clock }), sim.url, sim.apiKey);
    sim.seedEndUser({ email: 'kim@example.org' });
    const email = { type: 'email' as const, value: 'kim@example.org', variable: null };
    const twice = await api.submitDeletion([email, email], 'DSAR-12');
    clock.advance(21 * MINUTE);
    const statuses = await ada.pollStatus([jobId.providerRef, twice.jobId]);
    expect(
      sim.server.exchanges
        .filter((e) => e.label === 'GET /api/v2/jobs/{job_id}')
        .map((e) => (e.body as { status: string }).status),
    ).toEqual(['completed', 'completed']);
    expect(statuses.get(jobId.providerRef)).toMatchObject({
      kind: 'partially_completed',
      summary: expect.stringContaining('ada_chatter_id (invalid: not a chatter id of this AI Agent)'),
    });
    expect(statuses.get(twice.jobId)).toMatchObject({
      kind: 'partially_completed',
      nextStep: expect.stringContaining('email (duplicate)'),
    });
  });

  it('quotes Ada’s opaque failure_reason without parsing it, names the identifiers Ada marked, and dates the retry from the job', async () => {
    sim.seedEndUser({ email: 'sam@example.org' });
    const elsewhere = createAdaProvider({
      fetch: nodeFetch,
      apiKey: sim.apiKey,
      handle: 'acme',
      region: 'eu',
      api: 'v2',
      emailVariables: [],
      log: memoryLog(),
      baseUrl: sim.url,
      clock,
    });
    await elsewhere.submitErasure(subject({ email: 'sam@example.org' }), ref('OTHER-3'));
    clock.advance(DAY);
    const ours = await provider({ emailVariables: [] }).submitErasure(
      subject({ email: 'sam@example.org', adaChatterId: 'chat-9' }),
      ref('DSAR-13'),
    );
    const jobId = (ours.outcome as { providerRef: string }).providerRef;
    clock.advance(21 * MINUTE);
    const failed = (await provider().pollStatus([jobId])).get(jobId);
    const job = sim.server.exchanges.at(-1)?.body as {
      failure_reason: string;
      identifiers: Array<{ type: string; disposition: string }>;
    };
    expect(job.failure_reason).toBe('identifier_in_cooldown');
    expect(job.identifiers.map((i) => [i.type, i.disposition])).toEqual([
      ['email', 'duplicate'],
      ['chatter_id', 'accepted'],
    ]);
    expect(failed).toMatchObject({
      kind: 'failed',
      reason: expect.stringContaining('failure_reason: identifier_in_cooldown'),
      nextStep: expect.stringContaining('retry on or after 2026-12-03'),
    });
    expect(failed && 'reason' in failed ? failed.reason : '').toContain(
      'email (duplicate: submitted within the previous 7 days)',
    );
  });

  it('holds back a resubmission within 7 days under another reference instead of letting Ada fail the whole job', async () => {
    sim.seedEndUser({ email: 'sam@example.org' });
    await provider({ emailVariables: [] }).submitErasure(subject({ email: 'sam@example.org' }), ref('DSAR-1'));
    clock.advance(3 * DAY);
    const second = await provider({ emailVariables: [] }).submitErasure(
      subject({ email: 'sam@example.org' }),
      ref('DSAR-2'),
    );
    expect(second.outcome).toMatchObject({ kind: 'needs_attention', nextStep: 'Retry on or after 2026-12-02' });
    expect(second.requests).toEqual([]);
    expect(sim.jobCount()).toBe(1);
  });

  it('reports Ada’s own cooldown rejection (identifier sent by someone else) as failed with the next step', async () => {
    sim.seedEndUser({ email: 'sam@example.org' });
    const elsewhere = createAdaProvider({
      fetch: nodeFetch,
      apiKey: sim.apiKey,
      handle: 'acme',
      region: 'eu',
      api: 'v2',
      emailVariables: [],
      log: memoryLog(),
      baseUrl: sim.url,
      clock,
    });
    await elsewhere.submitErasure(subject({ email: 'sam@example.org' }), ref('OTHER-9'));
    const ours = await provider({ emailVariables: [] }).submitErasure(
      subject({ email: 'sam@example.org' }),
      ref('DSAR-3'),
    );
    const jobId = (ours.outcome as { providerRef: string }).providerRef;
    clock.advance(21 * MINUTE);
    expect((await provider().pollStatus([jobId])).get(jobId)).toMatchObject({
      kind: 'failed',
      nextStep: expect.stringContaining('7 days'),
    });
    expect(sim.ledger.entries.filter((e) => e.action === 'end_user_erased')).toHaveLength(1);
  });

  it('uses the deprecated v1 API only when configured, and reports it as submitted with no status available', async () => {
    const result = await provider({ api: 'v1' }).submitErasure(subject({ email: 'sam@example.org' }), ref());
    expect(result.outcome).toMatchObject({
      kind: 'needs_attention',
      providerRef: null,
      reason: expect.stringContaining('no status'),
    });
    expect(sim.ledger.entries.map((e) => e.action)).toEqual(['v1_erasure']);
  });

  it('keeps polls under 10 requests a second without a single 429', async () => {
    sim.seedEndUser({ email: 'sam@example.org' });
    const ada = provider({ emailVariables: [] });
    const submitted = await ada.submitErasure(subject({ email: 'sam@example.org' }), ref());
    const jobId = (submitted.outcome as { providerRef: string }).providerRef;
    for (let i = 0; i < 25; i += 1) await ada.pollStatus([jobId]);
    expect(sim.server.exchanges.filter((e) => e.status === 429)).toHaveLength(0);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1_500);
  });

  it('waits out Ada’s 429 using X-RateLimit-Reset when Ada’s limit is lower than ours', async () => {
    const strict = await startAdaSimulator({ now: clock.now, perSecond: 2 });
    extra.push(strict);
    strict.seedEndUser({ email: 'sam@example.org' });
    const ada = createAdaProvider({
      fetch: nodeFetch,
      apiKey: strict.apiKey,
      handle: 'acme',
      region: 'us',
      api: 'v2',
      emailVariables: [],
      log,
      baseUrl: strict.url,
      clock,
    });
    const submitted = await ada.submitErasure(subject({ email: 'sam@example.org' }), ref());
    const jobId = (submitted.outcome as { providerRef: string }).providerRef;
    for (let i = 0; i < 3; i += 1) await ada.pollStatus([jobId]);
    const statuses = strict.server.exchanges.map((e) => e.status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 429)).toHaveLength(4);
  });

  it('simulator: deduplicates only an identical resubmission, and refuses a client_reference that is not a string', async () => {
    const post = (body: unknown) =>
      fetch(`${sim.url}/api/v2/end-users/delete`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${sim.apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const a = { identifiers: [{ type: 'email', value: 'a@example.org', variable: null }], client_reference: 'DSAR-20' };
    const b = { identifiers: [{ type: 'email', value: 'b@example.org', variable: null }], client_reference: 'DSAR-20' };
    const first = (await (await post(a)).json()) as { job_id: string };
    const replay = await post(a);
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { job_id: string }).job_id).toBe(first.job_id);
    const other = await post(b);
    expect(other.status).toBe(202);
    expect(((await other.json()) as { job_id: string }).job_id).not.toBe(first.job_id);
    const numeric = await post({ ...a, client_reference: 42 });
    expect(numeric.status).toBe(400);
    expect(sim.jobCount()).toBe(2);
  });

  it('simulator: successful answers carry X-RateLimit-*, and a 429 names the window that tripped', async () => {
    const get = () => fetch(`${sim.url}/api/v2/jobs/none`, { headers: { Authorization: `Bearer ${sim.apiKey}` } });
    const submit = await fetch(`${sim.url}/api/v2/end-users/delete`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sim.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ identifiers: [{ type: 'email', value: 'c@example.org', variable: null }] }),
    });
    expect(submit.status).toBe(202);
    expect([submit.headers.get('x-ratelimit-limit'), submit.headers.get('x-ratelimit-remaining')]).toEqual([
      '100',
      '99',
    ]);
    expect(Number(submit.headers.get('x-ratelimit-reset'))).toBe(
      Math.ceil(((Math.floor(clock.now() / MINUTE) + 1) * MINUTE) / 1000),
    );
    const burst = await Promise.all(Array.from({ length: 10 }, get));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    expect(limited[0]?.headers.get('x-ratelimit-limit')).toBe('10');
    expect(Number(limited[0]?.headers.get('x-ratelimit-reset')) * 1000 - clock.now()).toBeLessThanOrEqual(1_000);
  });

  it('paces to Ada’s 10,000/day: once the day’s window says none are left it stops calling until the reset, without a 429', async () => {
    const daily = await startAdaSimulator({ now: clock.now, perDay: 4 });
    extra.push(daily);
    daily.seedEndUser({ email: 'sam@example.org' });
    const ada = createAdaProvider({
      fetch: nodeFetch,
      apiKey: daily.apiKey,
      handle: 'acme',
      region: 'us',
      api: 'v2',
      emailVariables: [],
      log,
      baseUrl: daily.url,
      clock,
    });
    const jobId = (
      (await ada.submitErasure(subject({ email: 'sam@example.org' }), ref())).outcome as { providerRef: string }
    ).providerRef;
    for (let i = 0; i < 3; i += 1) await ada.pollStatus([jobId]);
    const error = await ada.pollStatus([jobId]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RateLimited);
    const midnight = Date.parse('2026-11-26T00:00:00Z');
    expect((error as RateLimited).retryAfterMs).toBeGreaterThan(midnight - clock.now() - 60_000);
    expect(daily.server.exchanges.map((e) => e.status)).toEqual([202, 200, 200, 200]);
    expect(ADA_DESCRIPTION.limits.rate).toContainEqual({ limit: 10_000, windowMs: DAY });
  });

  it('raises a typed auth error for a refused key, and a contract error naming the field for a bad job body', async () => {
    await expect(provider({ apiKey: 'wrong' }).pollStatus(['x'])).rejects.toBeInstanceOf(ProviderAuthError);
    sim.faults.inject('GET /api/v2/jobs/{job_id}', {
      kind: 'status',
      status: 200,
      body: { job_id: 'j', status: 'exploded', identifiers: [] },
    });
    const error = await provider()
      .pollStatus(['j'])
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ProviderContractError);
    expect((error as ProviderContractError).field).toBe('status');
  });

  it('turns Ada’s validation error into a ProviderHttpError carrying Ada’s message', async () => {
    const api = new AdaApi(new ProviderHttp({ provider: 'ada', fetch: nodeFetch, clock }), sim.url, sim.apiKey);
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({
      type: 'email' as const,
      value: `p${i}@example.org`,
      variable: null,
    }));
    const error = await api.submitDeletion(tooMany, 'DSAR-9').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderHttpError);
    expect((error as ProviderHttpError).providerMessage).toBe('a request accepts at most 1000 identifiers');
  });
});
