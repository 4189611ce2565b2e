import { performance } from 'node:perf_hooks';
import { startAdaSimulator } from '../sandbox/simulators/ada';
import { startAmiqusSimulator } from '../sandbox/simulators/amiqus';
import { startGenesysSimulator } from '../sandbox/simulators/genesys';

/**
 * The same backlog the way provider tutorials do it: one subject after another, one call in flight at a time
 * (each awaited), one Ada job and one Genesys request per subject, no client-side pacing, then every 30 s one
 * status GET per request still open. A 429 is slept out as the provider asks: for its Retry-After, else until its
 * X-RateLimit-Reset (Ada states only that, so a spent 10,000/day window is slept out until the day resets); an
 * expired Genesys token (24 h) is fetched again. It runs against fresh simulators of its own, enforcing the same
 * published limits as the app's (Ada 10/s, 100/min, 10,000/day; Genesys 300/min; Amiqus X-RateLimit), on a
 * virtual clock that moves by its sleeps and by each call's real duration, so days of waiting cost no real time.
 */

export interface NaiveSubject {
  email: string;
  amiqusClientId: number;
  adaChatterId: string;
  genesysExternalContactId: string;
  fullName: string;
}

type Provider = 'amiqus' | 'ada' | 'genesys';

export interface NaiveResult {
  virtualMinutes: number;
  realMs: number;
  calls: Record<Provider, number>;
  rateLimited429: Record<Provider, number>;
  /** Virtual minutes spent asleep on 429s, per provider. */
  sleptMinutes: Record<Provider, number>;
  /** Every subject erased once at every provider (the simulators' ledgers). */
  erasedExactlyOnce: boolean;
}

const POLL_EVERY_MS = 30_000;

export async function runNaive(
  subjects: NaiveSubject[],
  startAt: number,
  options: { adaJobDurationMs?: number } = {},
): Promise<NaiveResult> {
  let t = startAt;
  const now = () => t;
  const slept: Record<Provider, number> = { amiqus: 0, ada: 0, genesys: 0 };
  const [amiqus, ada, genesys] = await Promise.all([
    startAmiqusSimulator({ now }),
    startAdaSimulator({ now, ...(options.adaJobDurationMs ? { jobDurationMs: options.adaJobDurationMs } : {}) }),
    startGenesysSimulator({ now }),
  ]);
  const real0 = performance.now();
  try {
    for (const s of subjects) {
      const [first = 'N', ...rest] = s.fullName.split(' ');
      amiqus.seedClient({
        id: s.amiqusClientId,
        firstName: first,
        lastName: rest.join(' ') || 'P',
        email: s.email,
        deletable: true,
        deletionInDays: null,
      });
      ada.seedEndUser({ email: s.email, chatterId: s.adaChatterId });
      genesys.seedContact({ externalContactId: s.genesysExternalContactId, name: s.fullName, emails: [s.email] });
    }
    /** One call, repeated after the wait a 429 asks for. */
    async function call(
      provider: Provider,
      url: string,
      init: RequestInit,
    ): Promise<{ status: number; body: unknown }> {
      for (;;) {
        const r0 = performance.now();
        const response = await fetch(url, init);
        t += Math.max(1, Math.round(performance.now() - r0));
        const text = await response.text();
        if (response.status !== 429)
          return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
        const wait = waitAfter429(response.headers, t);
        slept[provider] += wait;
        t += wait;
      }
    }
    const json = (token: string) => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' });
    async function genesysToken(): Promise<string> {
      const res = await call('genesys', `${genesys.loginUrl}/oauth/token`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${genesys.clientId}:${genesys.clientSecret}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      return (res.body as { access_token: string }).access_token;
    }
    let gToken = await genesysToken();
    /** A Genesys call, with a new token once the old one has expired (the tutorials' 401 handling). */
    async function callGenesys(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
      const res = await call('genesys', url, { ...init, headers: json(gToken) });
      if (res.status !== 401) return res;
      gToken = await genesysToken();
      return call('genesys', url, { ...init, headers: json(gToken) });
    }

    const pending: Array<{ provider: 'ada' | 'genesys'; url: string }> = [];
    for (const s of subjects) {
      await call('amiqus', `${amiqus.url}/clients/${s.amiqusClientId}`, { headers: json(amiqus.token) });
      await call('amiqus', `${amiqus.url}/clients/${s.amiqusClientId}`, {
        method: 'DELETE',
        headers: json(amiqus.token),
      });
      const job = await call('ada', `${ada.url}/api/v2/end-users/delete`, {
        method: 'POST',
        headers: json(ada.apiKey),
        body: JSON.stringify({
          identifiers: [
            { type: 'email', value: s.email, variable: null },
            { type: 'chatter_id', value: s.adaChatterId, variable: null },
          ],
          client_reference: `naive-${s.amiqusClientId}`,
        }),
      });
      pending.push({ provider: 'ada', url: `${ada.url}/api/v2/jobs/${(job.body as { job_id: string }).job_id}` });
      await callGenesys(
        `${genesys.apiUrl}/api/v2/gdpr/subjects?searchType=EMAIL&searchValue=${encodeURIComponent(s.email)}`,
      );
      const request = await callGenesys(`${genesys.apiUrl}/api/v2/gdpr/requests?deleteConfirmed=true`, {
        method: 'POST',
        body: JSON.stringify({
          requestType: 'GDPR_DELETE',
          subject: { externalContactId: s.genesysExternalContactId, emailAddresses: [s.email] },
        }),
      });
      pending.push({
        provider: 'genesys',
        url: `${genesys.apiUrl}/api/v2/gdpr/requests/${(request.body as { id: string }).id}`,
      });
    }
    while (pending.length > 0) {
      const cycle = t;
      for (const p of [...pending]) {
        const { body } =
          p.provider === 'ada' ? await call('ada', p.url, { headers: json(ada.apiKey) }) : await callGenesys(p.url);
        const status = String((body as { status?: string }).status ?? '');
        if (['completed', 'partial', 'failed', 'COMPLETED', 'ERROR'].includes(status))
          pending.splice(pending.indexOf(p), 1);
      }
      t = Math.max(t, cycle + POLL_EVERY_MS);
    }
    const count = (s: { server: { exchanges: Array<{ status: number }> } }) => s.server.exchanges.length;
    const limited = (s: { server: { exchanges: Array<{ status: number }> } }) =>
      s.server.exchanges.filter((e) => e.status === 429).length;
    const erasedExactlyOnce = subjects.every(
      (s) =>
        amiqus.ledger.count('delete_client', String(s.amiqusClientId)) === 1 &&
        ada.ledger.count('end_user_erased', `email||${s.email.toLowerCase()}`) === 1 &&
        ada.ledger.count('end_user_erased', `chatter_id||${s.adaChatterId.toLowerCase()}`) === 1 &&
        genesys.ledger.count('subject_deleted', s.genesysExternalContactId.toLowerCase()) === 1,
    );
    return {
      virtualMinutes: Math.round((t - startAt) / 60_000),
      realMs: Math.round(performance.now() - real0),
      calls: { amiqus: count(amiqus), ada: count(ada), genesys: count(genesys) },
      rateLimited429: { amiqus: limited(amiqus), ada: limited(ada), genesys: limited(genesys) },
      sleptMinutes: {
        amiqus: Math.round(slept.amiqus / 60_000),
        ada: Math.round(slept.ada / 60_000),
        genesys: Math.round(slept.genesys / 60_000),
      },
      erasedExactlyOnce,
    };
  } finally {
    await Promise.all([amiqus.close(), ada.close(), genesys.close()]);
  }
}

/**
 * How long a 429 asks to wait: Retry-After (seconds) when given (Amiqus, Genesys), else until X-RateLimit-Reset
 * (unix seconds; Ada's only hint, PROVIDERS.md), else a second.
 */
function waitAfter429(headers: Headers, nowMs: number): number {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && Number.isFinite(Number(retryAfter))) return Math.max(1, Number(retryAfter)) * 1000;
  const reset = headers.get('x-ratelimit-reset');
  if (reset !== null && Number.isFinite(Number(reset))) return Math.max(1000, Number(reset) * 1000 - nowMs);
  return 1000;
}
