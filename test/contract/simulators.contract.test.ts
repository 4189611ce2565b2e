import { parseSubject, type Subject } from '../../src/core/subject';
import { createAdaProvider } from '../../src/providers/ada';
import { AdaApi } from '../../src/providers/ada/client';
import { createAmiqusApi, createAmiqusProvider } from '../../src/providers/amiqus';
import { createGenesysApi, createGenesysProvider } from '../../src/providers/genesys';
import { ProviderHttp } from '../../src/providers/http';
import { startAdaSimulator } from '../../sandbox/simulators/ada';
import { startAmiqusSimulator } from '../../sandbox/simulators/amiqus';
import { startGenesysSimulator } from '../../sandbox/simulators/genesys';
import type { SimServer } from '../../sandbox/simulators/kit';
import { nodeFetch, virtualClock } from '../providers/scripted-server';
import { OpenApiContract } from './openapi-contract';

/**
 * Every answer a simulator gave while the real clients ran their success and failure paths must validate
 * against the provider's OpenAPI file. Where the provider answers with a status its spec leaves out,
 * PROVIDERS.md is the authority, and each such case is listed here with the reason, so nothing passes
 * silently: an exchange neither declared by the spec nor listed fails the test.
 */

type Exchange = SimServer['exchanges'][number];
interface Route {
  spec: OpenApiContract;
  /** The spec's path for the simulator's route label. */
  path: string;
  method: string;
}
interface Documented {
  label: string;
  status: number;
  why: string;
}

function subject(input: Record<string, unknown>): Subject {
  const r = parseSubject(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.subject;
}
const ref = (ticketKey: string) => ({ ticketKey, attempt: 1, plannedAt: '2026-11-25T09:00:00.000Z' });
const MINUTE = 60_000;

function checkAll(
  exchanges: Exchange[],
  routes: Record<string, Route>,
  documented: Documented[],
): { checked: number; problems: string[] } {
  const problems: string[] = [];
  let checked = 0;
  for (const e of exchanges) {
    const route = routes[e.label];
    if (!route) {
      if (!documented.some((d) => d.label === e.label && (d.status === e.status || d.status === 0)))
        problems.push(`${e.label} ${e.status}: route not in any spec and not listed as documented elsewhere`);
      continue;
    }
    if (!route.spec.declares(route.method, route.path, e.status)) {
      if (!documented.some((d) => d.label === e.label && d.status === e.status))
        problems.push(`${e.label} ${e.status}: status not declared by ${route.spec.file}`);
      continue;
    }
    const result = route.spec.check({ method: route.method, pathTemplate: route.path, status: e.status, body: e.body });
    checked += 1;
    if (!result.ok) problems.push(`${e.label} ${e.status}: ${result.errors.join('; ')}`);
  }
  return { checked, problems };
}

const statusesOf = (exchanges: Exchange[]) => [...new Set(exchanges.map((e) => `${e.label} ${e.status}`))].sort();

describe('provider simulators honour the providers’ OpenAPI contracts', () => {
  it('Amiqus: clients listing, client, delete, errors and pagination', async () => {
    const spec = await OpenApiContract.load('amiqus-openapi.json');
    const clock = virtualClock();
    const sim = await startAmiqusSimulator({ now: clock.now, rateLimit: 40, windowMs: 60_000 });
    try {
      for (let id = 1; id <= 120; id += 1)
        sim.seedClient({
          id,
          firstName: 'C',
          lastName: String(id),
          email: `c${id}@example.org`,
          deletionInDays: id % 2 === 0 ? 0 : -2,
        });
      sim.seedClient({ id: 500, firstName: 'Held', lastName: 'Client', email: 'h@example.org', deletable: false });
      const api = createAmiqusApi({ fetch: nodeFetch, token: sim.token, baseUrl: sim.url, clock });
      const provider = createAmiqusProvider({ fetch: nodeFetch, token: sim.token, baseUrl: sim.url, clock });
      await api.listDueClients('today');
      await api.listDueClients('overdue');
      await provider.submitErasure(subject({ amiqusClientId: 2 }), ref('DSAR-1'));
      await provider.submitErasure(subject({ amiqusClientId: 9999 }), ref('DSAR-2'));
      await provider.submitErasure(subject({ amiqusClientId: 500 }), ref('DSAR-3'));
      sim.faults.inject('DELETE /clients/{id}', {
        kind: 'status',
        status: 403,
        body: { message: 'This action is unauthorized.' },
      });
      await provider.submitErasure(subject({ amiqusClientId: 4 }), ref('DSAR-4'));
      await createAmiqusApi({ fetch: nodeFetch, token: 'not-a-valid-token', baseUrl: sim.url, clock })
        .getClient(1)
        .catch(() => undefined);
      // Webhook registration: accepted, and refused with 422 for an event Amiqus does not have.
      const hookPost = (events: string[]) =>
        fetch(`${sim.url}/webhooks`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${sim.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ url: 'https://example.org/hook', events }),
        });
      await hookPost(['client.*', 'client.deletion_reminder_due']);
      await hookPost(['client.exploded']);
      // A burst past the limit: the simulator answers 429 with Retry-After and X-RateLimit-Reset.
      await Promise.all(
        Array.from({ length: 45 }, (_, i) =>
          fetch(`${sim.url}/clients/${i + 1}`, { headers: { Authorization: `Bearer ${sim.token}` } }),
        ),
      );

      const routes: Record<string, Route> = {
        'GET /status': { spec, path: '/status', method: 'GET' },
        'GET /clients': { spec, path: '/clients', method: 'GET' },
        'GET /clients/{id}': { spec, path: '/clients/{id}', method: 'GET' },
        'DELETE /clients/{id}': { spec, path: '/clients/{id}', method: 'DELETE' },
        'POST /webhooks': { spec, path: '/webhooks', method: 'POST' },
      };
      const documented: Documented[] = [
        {
          label: 'GET /clients/{id}',
          status: 429,
          why: 'PROVIDERS.md: over the limit, 429 with Retry-After and X-RateLimit-Reset',
        },
        {
          label: 'DELETE /clients/{id}',
          status: 429,
          why: 'PROVIDERS.md: over the limit, 429 with Retry-After and X-RateLimit-Reset',
        },
        {
          label: 'GET /clients',
          status: 429,
          why: 'PROVIDERS.md: over the limit, 429 with Retry-After and X-RateLimit-Reset',
        },
      ];
      const { checked, problems } = checkAll(sim.server.exchanges, routes, documented);
      expect(problems).toEqual([]);
      expect(statusesOf(sim.server.exchanges)).toEqual(
        expect.arrayContaining([
          'GET /clients 200',
          'GET /clients/{id} 200',
          'GET /clients/{id} 404',
          'GET /clients/{id} 401',
          'GET /clients/{id} 429',
          'DELETE /clients/{id} 204',
          'DELETE /clients/{id} 403',
          'POST /webhooks 201',
          'POST /webhooks 422',
        ]),
      );
      expect(checked).toBeGreaterThan(10);
    } finally {
      await sim.close();
    }
  });

  it('Ada: submit, job states with dispositions, validation errors, 401, 404, 429 and the v1 endpoint', async () => {
    const submitSpec = await OpenApiContract.load('ada-bulk-deletion-submit-openapi.yml');
    const jobSpec = await OpenApiContract.load('ada-bulk-deletion-job-openapi.yml');
    const v1Spec = await OpenApiContract.load('ada-data-compliance-v1-openapi.yml');
    const clock = virtualClock();
    const sim = await startAdaSimulator({ now: clock.now, jobDurationMs: 20 * MINUTE });
    try {
      sim.seedEndUser({ email: 'sam@example.org', chatterId: 'chat-1' });
      sim.seedEndUser({ email: 'pat@example.org', chatterId: 'chat-big' });
      sim.partialFor('chat-big');
      const log = new Map<string, { at: string; clientReference: string }>();
      const config = {
        fetch: nodeFetch,
        apiKey: sim.apiKey,
        handle: 'acme',
        region: 'eu' as const,
        api: 'v2' as const,
        emailVariables: ['contact_email'],
        baseUrl: sim.url,
        clock,
      };
      const memory = {
        lastSubmission: async (k: string) => log.get(k) ?? null,
        record: async (keys: string[], at: string, clientReference: string) =>
          keys.forEach((k) => log.set(k, { at, clientReference })),
      };
      const ada = createAdaProvider({ ...config, log: memory });
      const ids: string[] = [];
      for (const [key, s] of [
        ['DSAR-1', { email: 'sam@example.org', adaChatterId: 'chat-1' }],
        ['DSAR-2', { email: 'pat@example.org', adaChatterId: 'chat-big' }],
        ['DSAR-3', { email: 'none@example.org' }],
      ] as const) {
        const r = await ada.submitErasure(subject(s), ref(key));
        ids.push((r.outcome as { providerRef: string }).providerRef);
      }
      await ada.pollStatus(ids);
      clock.advance(6 * MINUTE);
      await ada.pollStatus(ids);
      clock.advance(15 * MINUTE);
      await ada.pollStatus(ids);
      // Ada's own cooldown rejection (someone else's submission in the last 7 days) fails the whole job.
      const other = createAdaProvider({
        ...config,
        log: { lastSubmission: async () => null, record: async () => undefined },
      });
      const failed = await other.submitErasure(subject({ email: 'sam@example.org' }), ref('OTHER-1'));
      clock.advance(21 * MINUTE);
      await other.pollStatus([(failed.outcome as { providerRef: string }).providerRef, 'no-such-job']);
      const raw = new AdaApi(new ProviderHttp({ provider: 'ada', fetch: nodeFetch, clock }), sim.url, sim.apiKey);
      await raw.submitDeletion([], 'DSAR-9').catch(() => undefined);
      await new AdaApi(new ProviderHttp({ provider: 'ada', fetch: nodeFetch, clock }), sim.url, 'wrong')
        .getJob('x')
        .catch(() => undefined);
      await createAdaProvider({ ...config, api: 'v1', log: memory }).submitErasure(
        subject({ email: 'old@example.org' }),
        ref('DSAR-4'),
      );
      await Promise.all(
        Array.from({ length: 12 }, () =>
          fetch(`${sim.url}/api/v2/jobs/${ids[0] ?? ''}`, { headers: { Authorization: `Bearer ${sim.apiKey}` } }),
        ),
      );

      const routes: Record<string, Route> = {
        'POST /api/v2/end-users/delete': { spec: submitSpec, path: '/v2/end-users/delete', method: 'POST' },
        'GET /api/v2/jobs/{job_id}': { spec: jobSpec, path: '/v2/jobs/{job_id}', method: 'GET' },
        'POST /api/v1/data-subject-request': { spec: v1Spec, path: '/api/v1/data-subject-request', method: 'POST' },
      };
      // An idempotent replay (same client_reference and body within 24 h): Ada documents only 202 for a new job.
      await ada.submitErasure(subject({ email: 'sam@example.org', adaChatterId: 'chat-1' }), ref('DSAR-1'));
      const documented: Documented[] = [
        {
          label: 'POST /api/v2/end-users/delete',
          status: 200,
          why: 'docs/PROVIDERS.md: the status of an idempotent replay is undocumented; the simulator answers 200 and the client accepts any 2xx',
        },
      ];
      const { checked, problems } = checkAll(sim.server.exchanges, routes, documented);
      expect(problems).toEqual([]);
      const seen = statusesOf(sim.server.exchanges);
      expect(seen).toEqual(
        expect.arrayContaining([
          'POST /api/v2/end-users/delete 202',
          'POST /api/v2/end-users/delete 400',
          'GET /api/v2/jobs/{job_id} 200',
          'GET /api/v2/jobs/{job_id} 404',
          'GET /api/v2/jobs/{job_id} 401',
          'GET /api/v2/jobs/{job_id} 429',
          'POST /api/v1/data-subject-request 200',
        ]),
      );
      const jobStatuses = new Set(
        sim.server.exchanges
          .filter((e) => e.label === 'GET /api/v2/jobs/{job_id}' && e.status === 200)
          .map((e) => (e.body as { status: string }).status),
      );
      expect([...jobStatuses].sort()).toEqual(['completed', 'failed', 'in_progress', 'partial', 'queued']);
      expect(checked).toBeGreaterThan(15);
    } finally {
      await sim.close();
    }
  });

  it('Genesys Cloud: subjects, requests through every status incl. ERROR, the paged listing, errors and 429', async () => {
    // Genesys's swagger says `format: uri` for selfUri, but the platform answers with relative references
    // ("/api/v2/gdpr/requests/{id}") everywhere, and so does the simulator: accept a URI reference there.
    const spec = await OpenApiContract.load('genesys-gdpr-openapi.yml', {
      uri: (v) => /^(?:[a-z][a-z0-9+.-]*:|\/)/i.test(v) && !/\s/.test(v),
    });
    const clock = virtualClock(Date.parse('2026-11-25T09:00:00.000Z'));
    const sim = await startGenesysSimulator({ now: clock.now, stepMs: 2 * MINUTE, rateLimit: 60 });
    try {
      sim.seedContact({ externalContactId: 'ec-1', name: 'Sam Example', emails: ['sam@example.org'] });
      sim.seedContact({ externalContactId: 'ec-2', name: 'Err Example', emails: ['err@example.org'] });
      sim.failRequestsFor('err@example.org');
      const config = {
        fetch: nodeFetch,
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
        region: 'eu_west_1',
        loginBaseUrl: sim.loginUrl,
        apiBaseUrl: sim.apiUrl,
        clock,
      };
      const genesys = createGenesysProvider(config);
      const ids: string[] = [];
      for (const [key, email] of [
        ['DSAR-1', 'sam@example.org'],
        ['DSAR-2', 'err@example.org'],
      ] as const) {
        ids.push(
          ((await genesys.submitErasure(subject({ email }), ref(key))).outcome as { providerRef: string }).providerRef,
        );
      }
      await genesys.preview?.(subject({ email: 'sam@example.org' }), ref('DSAR-1'));
      for (let step = 0; step < 6; step += 1) {
        clock.advance(2 * MINUTE);
        await genesys.pollStatus(ids);
      }
      const api = createGenesysApi(config);
      await api.getRequest(ids[0] ?? '');
      await api.getRequest('00000000-0000-0000-0000-000000000000');
      const token = (await (
        await fetch(`${sim.loginUrl}/oauth/token`, {
          method: 'POST',
          headers: {
            Authorization: `Basic ${Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64')}`,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
        })
      ).json()) as { access_token: string };
      const auth = { Authorization: `Bearer ${token.access_token}`, 'Content-Type': 'application/json' };
      await fetch(`${sim.apiUrl}/api/v2/gdpr/requests?deleteConfirmed=true`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ requestType: 'GDPR_DELETE', subject: { emailAddresses: ['sam@example.org'] }, foo: 1 }),
      });
      await fetch(`${sim.apiUrl}/api/v2/gdpr/requests`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ requestType: 'GDPR_DELETE', subject: { emailAddresses: ['sam@example.org'] } }),
      });
      await fetch(`${sim.apiUrl}/api/v2/gdpr/subjects?searchType=EMAIL&searchValue=x`, {
        headers: { Authorization: 'Bearer expired' },
      });
      await Promise.all(
        Array.from({ length: 70 }, () =>
          fetch(`${sim.apiUrl}/api/v2/gdpr/subjects?searchType=EMAIL&searchValue=sam@example.org`, { headers: auth }),
        ),
      );

      const routes: Record<string, Route> = {
        'GET /api/v2/gdpr/subjects': { spec, path: '/api/v2/gdpr/subjects', method: 'GET' },
        'POST /api/v2/gdpr/requests': { spec, path: '/api/v2/gdpr/requests', method: 'POST' },
        'GET /api/v2/gdpr/requests': { spec, path: '/api/v2/gdpr/requests', method: 'GET' },
        'GET /api/v2/gdpr/requests/{requestId}': { spec, path: '/api/v2/gdpr/requests/{requestId}', method: 'GET' },
      };
      const documented: Documented[] = [
        {
          label: 'POST /oauth/token',
          status: 0,
          why: 'the login service is not in the GDPR spec; PROVIDERS.md documents client credentials',
        },
      ];
      const { checked, problems } = checkAll(sim.server.exchanges, routes, documented);
      expect(problems).toEqual([]);
      expect(statusesOf(sim.server.exchanges)).toEqual(
        expect.arrayContaining([
          'GET /api/v2/gdpr/subjects 200',
          'GET /api/v2/gdpr/subjects 401',
          'GET /api/v2/gdpr/subjects 429',
          'POST /api/v2/gdpr/requests 202',
          'POST /api/v2/gdpr/requests 400',
          'GET /api/v2/gdpr/requests 200',
          'GET /api/v2/gdpr/requests/{requestId} 200',
          'GET /api/v2/gdpr/requests/{requestId} 404',
        ]),
      );
      const requestStatuses = new Set(
        sim.server.exchanges
          .filter((e) => e.label === 'GET /api/v2/gdpr/requests' && e.status === 200)
          .flatMap((e) => (e.body as { entities: Array<{ status: string }> }).entities.map((r) => r.status)),
      );
      expect(requestStatuses).toEqual(
        new Set(['INITIATED', 'SEARCHING', 'DELETING', 'FINALIZING', 'COMPLETED', 'ERROR']),
      );
      expect(checked).toBeGreaterThan(20);
    } finally {
      await sim.close();
    }
  });

  it('fails a body that breaks the spec (the checker is not a rubber stamp)', async () => {
    const spec = await OpenApiContract.load('genesys-gdpr-openapi.yml');
    expect(
      spec.check({
        method: 'GET',
        pathTemplate: '/api/v2/gdpr/requests/{requestId}',
        status: 200,
        body: { id: 'r', status: 'SOMETHING_ELSE' },
      }).ok,
    ).toBe(false);
    const ada = await OpenApiContract.load('ada-bulk-deletion-job-openapi.yml');
    expect(ada.check({ method: 'GET', pathTemplate: '/v2/jobs/{job_id}', status: 200, body: { job_id: 5 } }).ok).toBe(
      false,
    );
  });
});
