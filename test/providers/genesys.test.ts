import { parseSubject, type Subject } from '../../src/core/subject';
import {
  PollCutShort,
  ProviderAuthError,
  ProviderContractError,
  ProviderHttpError,
  ProviderUnavailable,
} from '../../src/providers/errors';
import { createGenesysApi, createGenesysProvider, type GenesysConfig } from '../../src/providers/genesys';
import { genesysHosts } from '../../src/providers/genesys/regions';
import { type GenesysSimulator, startGenesysSimulator } from '../../sandbox/simulators/genesys';
import { nodeFetch, virtualClock } from './scripted-server';

const MINUTE = 60_000;

function subject(input: Record<string, unknown>): Subject {
  const r = parseSubject(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.subject;
}

const plannedAt = '2026-11-25T09:00:00.000Z';
const ref = (ticketKey = 'DSAR-1') => ({ ticketKey, attempt: 1, plannedAt });
const providerRefOf = (o: { outcome: unknown }) => (o.outcome as { providerRef: string }).providerRef;

describe('Genesys Cloud GDPR client against the simulator', () => {
  let sim: GenesysSimulator;
  let clock: ReturnType<typeof virtualClock>;
  const extra: GenesysSimulator[] = [];
  beforeEach(async () => {
    clock = virtualClock(Date.parse(plannedAt));
    sim = await startGenesysSimulator({ now: clock.now, stepMs: 2 * MINUTE, tokenTtlSeconds: 3600 });
    sim.seedContact({
      externalContactId: 'ec-1',
      name: 'Sam Example',
      emails: ['sam@example.org'],
      phones: ['+447700900123'],
    });
  });
  afterEach(async () => {
    await Promise.all([sim, ...extra.splice(0)].map((s) => s.close()));
  });
  const config = (s: GenesysSimulator = sim, over: Partial<GenesysConfig> = {}): GenesysConfig => ({
    fetch: nodeFetch,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    region: 'eu_west_1',
    loginBaseUrl: s.loginUrl,
    apiBaseUrl: s.apiUrl,
    clock,
    ...over,
  });
  const tokenCalls = (s: GenesysSimulator = sim) =>
    s.server.exchanges.filter((e) => e.label === 'POST /oauth/token').length;

  it('finds the subject by email, deletes with deleteConfirmed=true, and follows the request to COMPLETED', async () => {
    const genesys = createGenesysProvider(config());
    const submitted = await genesys.submitErasure(subject({ email: 'sam@example.org' }), ref());
    expect(submitted.outcome).toMatchObject({ kind: 'submitted', providerStatus: 'INITIATED' });
    expect(submitted.requests.map((r) => r.endpoint)).toEqual([
      'GET /api/v2/gdpr/subjects?searchType=EMAIL',
      'GET /api/v2/gdpr/requests',
      'POST /api/v2/gdpr/requests?deleteConfirmed=true',
    ]);
    const id = providerRefOf(submitted);
    clock.advance(5 * MINUTE);
    expect((await genesys.pollStatus([id])).get(id)).toMatchObject({ kind: 'in_progress', providerStatus: 'DELETING' });
    clock.advance(5 * MINUTE);
    expect((await genesys.pollStatus([id])).get(id)).toMatchObject({ kind: 'completed', providerRef: id });
    expect(sim.ledger.count('delete_request', 'ec-1')).toBe(1);
    expect(sim.ledger.count('subject_deleted', 'ec-1')).toBe(1);
  });

  it('adopts its own earlier request after a crash instead of submitting a second delete', async () => {
    const first = await createGenesysProvider(config()).submitErasure(subject({ email: 'sam@example.org' }), ref());
    clock.advance(MINUTE);
    const again = await createGenesysProvider(config()).submitErasure(subject({ email: 'sam@example.org' }), ref());
    expect(providerRefOf(again)).toBe(providerRefOf(first));
    expect(again.requests.find((r) => r.endpoint === 'GET /api/v2/gdpr/requests')?.reconciled).toBe(true);
    expect(sim.requestCount('GDPR_DELETE')).toBe(1);
  });

  it('does not mistake a request from before this attempt was planned for its own', async () => {
    await createGenesysProvider(config()).submitErasure(subject({ email: 'sam@example.org' }), {
      ticketKey: 'OLD-1',
      attempt: 1,
      plannedAt: '2026-01-01T00:00:00.000Z',
    });
    clock.advance(MINUTE);
    const later = { ticketKey: 'DSAR-2', attempt: 1, plannedAt: new Date(clock.now()).toISOString() };
    await createGenesysProvider(config()).submitErasure(subject({ email: 'sam@example.org' }), later);
    expect(sim.requestCount('GDPR_DELETE')).toBe(2);
  });

  it('matches its own request by every identifier it sent, so a phone-only retry after an ambiguous submit does not erase twice', async () => {
    const phoneOnly = subject({
      phones: [{ number: '+447700900123', heldFrom: '2019-01-01', heldTo: '2023-06-30', confirmed: true }],
    });
    sim.faults.inject('POST /api/v2/gdpr/requests', { kind: 'dropAfterCommit' });
    await expect(createGenesysProvider(config()).submitErasure(phoneOnly, ref('DSAR-30'))).rejects.toThrow(
      /outcome unknown/,
    );
    clock.advance(MINUTE);
    const retried = await createGenesysProvider(config()).submitErasure(phoneOnly, ref('DSAR-30'));
    expect(retried.requests.find((r) => r.endpoint === 'GET /api/v2/gdpr/requests')?.reconciled).toBe(true);
    expect(sim.requestCount('GDPR_DELETE')).toBe(1);
  });

  it('does not adopt another tool’s request from the org-wide listing that shares an email but names other identifiers', async () => {
    sim.seedForeignRequest({
      subject: { emailAddresses: ['sam@example.org'], phoneNumbers: ['+447700900999'] },
      createdAt: clock.now() + 1,
    });
    clock.advance(MINUTE);
    const ours = await createGenesysProvider(config()).submitErasure(
      subject({ email: 'sam@example.org' }),
      ref('DSAR-31'),
    );
    expect(ours.requests.find((r) => r.endpoint === 'GET /api/v2/gdpr/requests')?.reconciled).toBe(false);
    expect(ours.outcome.kind).toBe('submitted');
    expect(sim.requestCount('GDPR_DELETE')).toBe(1);
  });

  it('reads each listed request on its own: an unknown status or a missing field in another tool’s entry does not fail the page', async () => {
    const genesys = createGenesysProvider(config());
    const id = providerRefOf(await genesys.submitErasure(subject({ email: 'sam@example.org' }), ref('DSAR-32')));
    sim.seedForeignRequest({
      subject: { emailAddresses: ['x@example.org'] },
      createdAt: clock.now(),
      status: 'ARCHIVED',
    });
    sim.seedForeignRequest({
      subject: { emailAddresses: ['y@example.org'] },
      createdAt: clock.now(),
      omit: ['subject', 'createdDate'],
    });
    clock.advance(10 * MINUTE);
    expect((await genesys.pollStatus([id])).get(id)).toMatchObject({ kind: 'completed' });
    expect(sim.server.exchanges.filter((e) => e.label === 'GET /api/v2/gdpr/requests/{requestId}')).toHaveLength(0);
  });

  it('reads the listing to its pageCount whatever its order, instead of stopping after ten pages', async () => {
    const oldestFirst = await startGenesysSimulator({ now: clock.now, listingOrder: 'oldest_first' });
    extra.push(oldestFirst);
    oldestFirst.seedContact({ externalContactId: 'ec-1', name: 'Sam Example', emails: ['sam@example.org'] });
    for (let i = 0; i < 1_050; i += 1)
      oldestFirst.seedForeignRequest({
        subject: { emailAddresses: [`o${i}@example.org`] },
        createdAt: Date.parse('2026-01-01T00:00:00Z') + i,
      });
    oldestFirst.faults.inject('POST /api/v2/gdpr/requests', { kind: 'dropAfterCommit' });
    await expect(
      createGenesysProvider(config(oldestFirst)).submitErasure(subject({ email: 'sam@example.org' }), ref('DSAR-33')),
    ).rejects.toThrow(/outcome unknown/);
    const retried = await createGenesysProvider(config(oldestFirst)).submitErasure(
      subject({ email: 'sam@example.org' }),
      ref('DSAR-33'),
    );
    expect(retried.requests.find((r) => r.endpoint === 'GET /api/v2/gdpr/requests')?.reconciled).toBe(true);
    expect(oldestFirst.requestCount('GDPR_DELETE')).toBe(1);
  });

  it('reports ERROR as failed with a support step, and never resubmits on its own', async () => {
    sim.failRequestsFor('sam@example.org');
    const genesys = createGenesysProvider(config());
    const id = providerRefOf(await genesys.submitErasure(subject({ email: 'sam@example.org' }), ref()));
    clock.advance(10 * MINUTE);
    const result = (await genesys.pollStatus([id])).get(id);
    expect(result).toMatchObject({ kind: 'failed', nextStep: expect.stringContaining('do not resubmit') });
    await genesys.pollStatus([id]);
    expect(sim.requestCount('GDPR_DELETE')).toBe(1);
  });

  it('polls many requests through the paged listing rather than one GET each', async () => {
    const genesys = createGenesysProvider(config());
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      sim.seedContact({ externalContactId: `ec-b${i}`, name: `P ${i}`, emails: [`p${i}@example.org`] });
      ids.push(
        providerRefOf(await genesys.submitErasure(subject({ email: `p${i}@example.org` }), ref(`DSAR-${i + 10}`))),
      );
    }
    const before = sim.server.exchanges.length;
    clock.advance(10 * MINUTE);
    const statuses = await genesys.pollStatus(ids);
    expect([...statuses.values()].every((s) => s.kind === 'completed')).toBe(true);
    const calls = sim.server.exchanges.slice(before).map((e) => e.label);
    expect(calls).toEqual(['GET /api/v2/gdpr/requests']);
  });

  it('hands back the statuses its listing read when a request it then fetches alone stays unavailable', async () => {
    const genesys = createGenesysProvider(config());
    const ids: string[] = [];
    // One more than a listing page: the oldest is fetched by itself after the first page.
    for (let i = 0; i < 101; i += 1) {
      sim.seedContact({ externalContactId: `ec-c${i}`, name: `Q ${i}`, emails: [`q${i}@example.org`] });
      ids.push(
        providerRefOf(await genesys.submitErasure(subject({ email: `q${i}@example.org` }), ref(`DSAR-${i + 100}`))),
      );
      clock.advance(1_000);
    }
    clock.advance(10 * MINUTE);
    sim.faults.inject(
      'GET /api/v2/gdpr/requests/{requestId}',
      { kind: 'status', status: 503, body: { message: 'Service Unavailable' } },
      10,
    );
    const error = await genesys.pollStatus(ids).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PollCutShort);
    const cut = error as PollCutShort;
    expect(cut.stoppedBy).toBeInstanceOf(ProviderUnavailable);
    expect(cut.read.size).toBe(100);
    expect([...cut.read.values()].every((s) => s.kind === 'completed')).toBe(true);
  });

  it('caches the token until shortly before expires_in, and fetches one token for many concurrent callers', async () => {
    const api = createGenesysApi(config());
    await Promise.all(Array.from({ length: 8 }, () => api.searchSubjects('EMAIL', 'sam@example.org')));
    expect(tokenCalls()).toBe(1);
    clock.advance(58 * MINUTE);
    await api.searchSubjects('EMAIL', 'sam@example.org');
    expect(tokenCalls()).toBe(1);
    clock.advance(MINUTE + 1);
    await api.searchSubjects('EMAIL', 'sam@example.org');
    expect(tokenCalls()).toBe(2);
  });

  it('shares one token between invocations through the shared cache, and replaces it everywhere when refused', async () => {
    let stored: { token: string; expiresAt: number } | null = null;
    const cache = {
      get: async () => stored,
      set: async (e: { token: string; expiresAt: number }) => void (stored = e),
    };
    // Each createGenesysApi stands for a separate Forge invocation (a fresh process with empty memory).
    await createGenesysApi(config(sim, { tokenCache: cache })).searchSubjects('EMAIL', 'sam@example.org');
    await createGenesysApi(config(sim, { tokenCache: cache })).searchSubjects('EMAIL', 'sam@example.org');
    expect(tokenCalls()).toBe(1);
    const first = stored as { token: string } | null;
    sim.faults.inject('GET /api/v2/gdpr/subjects', {
      kind: 'status',
      status: 401,
      body: { message: 'revoked', code: 'authentication.required', status: 401 },
    });
    await createGenesysApi(config(sim, { tokenCache: cache })).searchSubjects('EMAIL', 'sam@example.org');
    expect(tokenCalls()).toBe(2);
    expect((stored as { token: string } | null)?.token).not.toBe(first?.token);
    await createGenesysApi(config(sim, { tokenCache: cache })).searchSubjects('EMAIL', 'sam@example.org');
    expect(tokenCalls()).toBe(2);
  });

  it('fetches a new token once when Genesys rejects the cached one (401), then carries on', async () => {
    const api = createGenesysApi(config());
    await api.searchSubjects('EMAIL', 'sam@example.org');
    sim.faults.inject('GET /api/v2/gdpr/subjects', {
      kind: 'status',
      status: 401,
      body: { message: 'expired', code: 'authentication.required', status: 401 },
    });
    expect(await api.searchSubjects('EMAIL', 'sam@example.org')).toHaveLength(1);
    expect(tokenCalls()).toBe(2);
  });

  it('raises a typed auth error for wrong client credentials', async () => {
    const error = await createGenesysApi(config(sim, { clientSecret: 'wrong' }))
      .searchSubjects('EMAIL', 'x@example.org')
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ProviderAuthError);
  });

  it('withholds unconfirmed phone numbers and sends confirmed ones', async () => {
    const genesys = createGenesysProvider(config());
    const onlyUnconfirmed = await genesys.submitErasure(
      subject({ phones: [{ number: '+447700900123', heldFrom: '2019-01-01', heldTo: '2023-06-30' }] }),
      ref(),
    );
    expect(onlyUnconfirmed.outcome.kind).toBe('needs_attention');
    expect(onlyUnconfirmed.withheld).toEqual([{ kind: 'phone', reason: expect.stringContaining('recycled') }]);
    expect(sim.requestCount()).toBe(0);

    const confirmed = await genesys.submitErasure(
      subject({ phones: [{ number: '+447700900123', heldFrom: '2019-01-01', heldTo: '2023-06-30', confirmed: true }] }),
      ref('DSAR-5'),
    );
    expect(confirmed.outcome.kind).toBe('submitted');
    expect(confirmed.requests.at(-1)?.identifierKinds).toEqual(['phone']);
  });

  it('does not close an email with no contact record as "nothing found": it sends the email as the subject, and says why in the record', async () => {
    const result = await createGenesysProvider(config()).submitErasure(subject({ email: 'nobody@example.org' }), ref());
    expect(result.outcome.kind).toBe('submitted');
    expect(result.requests[0]).toMatchObject({
      endpoint: 'GET /api/v2/gdpr/subjects?searchType=EMAIL',
      note: expect.stringContaining('conversation data can exist without a contact'),
    });
    expect(result.requests.at(-1)).toMatchObject({
      endpoint: 'POST /api/v2/gdpr/requests?deleteConfirmed=true',
      identifierKinds: ['email'],
    });
    expect(sim.ledger.count('delete_request', 'nobody@example.org')).toBe(1);
  });

  describe('checks that the ticket’s external contact id is the contact Genesys holds for its email', () => {
    const SAM = '3b1f6a52-8c0e-4c2d-9a77-1d2e3f4a5b6c';
    const OTHER = '3b1f6a52-8c0e-4c2d-9a77-1d2e3f4a5b6d';
    beforeEach(() => {
      sim.seedContact({ externalContactId: SAM, name: 'Sam Uuid', emails: ['sam.uuid@example.org'] });
      sim.seedContact({ externalContactId: OTHER, name: 'Other Person', emails: ['other.person@example.org'] });
    });

    it('hands a ticket whose id names another contact to a person and sends no delete', async () => {
      const result = await createGenesysProvider(config()).submitErasure(
        subject({ email: 'sam.uuid@example.org', genesysExternalContactId: OTHER }),
        ref(),
      );
      expect(result.outcome).toMatchObject({
        kind: 'needs_attention',
        reason: expect.stringContaining('is not the contact Genesys holds'),
        nextStep: expect.stringContaining('correct it and approve the ticket again'),
      });
      expect(sim.requestCount('GDPR_DELETE')).toBe(0);
      expect(result.requests[0]?.note).toContain('another external contact id');
      expect(JSON.stringify(result)).not.toContain('other.person@');
    });

    it('deletes when the id is the email’s contact, whatever its case', async () => {
      const result = await createGenesysProvider(config()).submitErasure(
        subject({ email: 'sam.uuid@example.org', genesysExternalContactId: SAM.toUpperCase() }),
        ref(),
      );
      expect(result.outcome.kind).toBe('submitted');
      expect(sim.requestCount('GDPR_DELETE')).toBe(1);
    });

    it('sends the ticket’s id with its email when Genesys holds no contact for the email to compare with', async () => {
      const result = await createGenesysProvider(config()).submitErasure(
        subject({ email: 'no.contact@example.org', genesysExternalContactId: SAM }),
        ref(),
      );
      expect(result.outcome.kind).toBe('submitted');
      expect(sim.ledger.count('delete_request', SAM)).toBe(1);
    });
  });

  it('offers a GDPR_EXPORT preview without deleting anything', async () => {
    const genesys = createGenesysProvider(config());
    const preview = await genesys.preview?.(subject({ email: 'sam@example.org' }), ref());
    expect(preview).toMatchObject({ status: 'in_progress' });
    expect(sim.requestCount('GDPR_EXPORT')).toBe(1);
    expect(sim.requestCount('GDPR_DELETE')).toBe(0);
  });

  it('carries Genesys’s error code and contextId, and a contract error for a bad listing', async () => {
    sim.faults.inject('POST /api/v2/gdpr/requests', {
      kind: 'status',
      status: 400,
      body: { message: 'Unrecognized property: foo', code: 'invalid.property', status: 400, contextId: 'ctx-123' },
    });
    const error = await createGenesysProvider(config())
      .submitErasure(subject({ email: 'sam@example.org' }), ref())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ProviderHttpError);
    expect(error).toMatchObject({ status: 400, providerMessage: 'invalid.property', supportRef: 'ctx-123' });

    sim.faults.inject('GET /api/v2/gdpr/requests', { kind: 'status', status: 200, body: { entities: [{ id: 5 }] } });
    await expect(createGenesysProvider(config()).pollStatus(['r-1'])).rejects.toBeInstanceOf(ProviderContractError);
  });

  it('counts the 300/min org-wide, so fresh tokens do not buy more calls', async () => {
    const strict = await startGenesysSimulator({ now: clock.now, rateLimit: 3 });
    extra.push(strict);
    strict.seedContact({ externalContactId: 'ec-9', name: 'N', emails: ['n@example.org'] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const token = (await (
        await fetch(`${strict.loginUrl}/oauth/token`, {
          method: 'POST',
          headers: {
            Authorization: `Basic ${Buffer.from(`${strict.clientId}:${strict.clientSecret}`).toString('base64')}`,
          },
          body: 'grant_type=client_credentials',
        })
      ).json()) as { access_token: string };
      statuses.push(
        (
          await fetch(`${strict.apiUrl}/api/v2/gdpr/subjects?searchType=EMAIL&searchValue=n@example.org`, {
            headers: { Authorization: `Bearer ${token.access_token}` },
          })
        ).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('backs off on Genesys’s 429 with Retry-After and completes', async () => {
    const strict = await startGenesysSimulator({ now: clock.now, rateLimit: 5 });
    extra.push(strict);
    strict.seedContact({ externalContactId: 'ec-9', name: 'N', emails: ['n@example.org'] });
    const api = createGenesysApi(config(strict, { retry: { maxTotalMs: 120_000 } }));
    for (let i = 0; i < 8; i += 1) await api.searchSubjects('EMAIL', 'n@example.org');
    const statuses = strict.server.exchanges.filter((e) => e.label !== 'POST /oauth/token').map((e) => e.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(8);
    expect(statuses).toContain(429);
    expect(clock.sleeps.some((ms) => ms >= 1_000)).toBe(true);
  });

  it('reads inin-ratelimit-allowed/count/reset on successful answers and paces to an endpoint’s lower limit without a 429', async () => {
    const strict = await startGenesysSimulator({ now: clock.now, endpointLimits: { 'GET /api/v2/gdpr/subjects': 5 } });
    extra.push(strict);
    strict.seedContact({ externalContactId: 'ec-9', name: 'N', emails: ['n@example.org'] });
    const token = (await (
      await fetch(`${strict.loginUrl}/oauth/token`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${strict.clientId}:${strict.clientSecret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      })
    ).json()) as { access_token: string };
    const probe = await fetch(`${strict.apiUrl}/api/v2/gdpr/subjects?searchType=EMAIL&searchValue=n@example.org`, {
      headers: { Authorization: `Bearer ${token.access_token}` },
    });
    expect([probe.headers.get('inin-ratelimit-allowed'), probe.headers.get('inin-ratelimit-count')]).toEqual([
      '5',
      '1',
    ]);
    expect(Number(probe.headers.get('inin-ratelimit-reset'))).toBeLessThanOrEqual(60);

    const api = createGenesysApi(config(strict, { retry: { maxTotalMs: 120_000 } }));
    for (let i = 0; i < 8; i += 1) await api.searchSubjects('EMAIL', 'n@example.org');
    const statuses = strict.server.exchanges
      .filter((e) => e.label === 'GET /api/v2/gdpr/subjects')
      .map((e) => e.status);
    expect(statuses).toEqual(Array<number>(9).fill(200));
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('simulator: validates query enums and types, needs a JSON content type, answers a wrongly typed body with 400, and fills every message', async () => {
    const strict = await startGenesysSimulator({ now: clock.now, rateLimit: 8 });
    extra.push(strict);
    const token = (await (
      await fetch(`${strict.loginUrl}/oauth/token`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${strict.clientId}:${strict.clientSecret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      })
    ).json()) as { access_token: string };
    const auth = { Authorization: `Bearer ${token.access_token}` };
    const answer = async (r: Promise<Response>) => {
      const res = await r;
      return { status: res.status, ...((await res.json()) as { code: string; message: string }) };
    };
    const answers = [
      await answer(
        fetch(`${strict.apiUrl}/api/v2/gdpr/subjects?searchType=SHOE_SIZE&searchValue=9`, { headers: auth }),
      ),
      await answer(fetch(`${strict.apiUrl}/api/v2/gdpr/requests?pageSize=lots&pageNumber=1`, { headers: auth })),
      await answer(
        fetch(`${strict.apiUrl}/api/v2/gdpr/requests?deleteConfirmed=true`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'text/plain' },
          body: JSON.stringify({ requestType: 'GDPR_DELETE', subject: { emailAddresses: ['a@example.org'] } }),
        }),
      ),
      await answer(
        fetch(`${strict.apiUrl}/api/v2/gdpr/requests?deleteConfirmed=true`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ requestType: 'GDPR_DELETE', subject: { emailAddresses: 'a@example.org' } }),
        }),
      ),
      await answer(
        fetch(`${strict.apiUrl}/api/v2/gdpr/requests?deleteConfirmed=true`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            requestType: 'GDPR_DELETE',
            subject: { emailAddresses: ['a@example.org'] },
            deleteRecordings: true,
          }),
        }),
      ),
    ];
    expect(answers.map((a) => [a.status, a.code])).toEqual([
      [400, 'invalid.query.param.value'],
      [400, 'invalid.query.param.value'],
      [415, 'unsupported.media.type'],
      [400, 'invalid.value'],
      [400, 'invalid.property'],
    ]);
    expect(answers[0]?.message).toBe(
      'Value [SHOE_SIZE] is not valid for parameter [searchType]. Allowable values are: NAME, ADDRESS, PHONE, EMAIL, TWITTER, INSTAGRAM, FACEBOOK, APPLE_MESSAGES, EXTERNAL_ID',
    );
    const throttled = await Promise.all(
      Array.from({ length: 4 }, () => answer(fetch(`${strict.apiUrl}/api/v2/gdpr/requests`, { headers: auth }))),
    );
    const all = [...answers, ...throttled];
    expect(throttled.map((a) => a.status)).toContain(429);
    for (const a of all.filter((x) => x.status >= 400)) expect(a.message).not.toMatch(/%s/);
    expect(strict.requestCount()).toBe(0);
  });

  it('knows the login and API hosts of every Genesys Cloud region', () => {
    expect(genesysHosts('eu_west_1')).toEqual({
      login: 'https://login.mypurecloud.ie',
      api: 'https://api.mypurecloud.ie',
    });
    expect(genesysHosts('us_east_1')).toEqual({
      login: 'https://login.mypurecloud.com',
      api: 'https://api.mypurecloud.com',
    });
    expect(() => genesysHosts('mars-1')).toThrow(/region/);
  });
});
