import { performance } from 'node:perf_hooks';
import { startAdaSimulator } from '../sandbox/simulators/ada';
import { startAmiqusSimulator } from '../sandbox/simulators/amiqus';
import { startGenesysSimulator } from '../sandbox/simulators/genesys';

/**
 * The same backlog the way provider tutorials do it: one subject after another, each call awaited, no
 * client-side pacing (a 429 is slept out for its Retry-After), then every 30 s one status GET per
 * request still open. It runs against fresh simulators of its own, with the same published limits, on
 * a virtual clock that moves by its sleeps and by each call's real duration.
 */

export interface NaiveSubject {
  email: string;
  amiqusClientId: number;
  adaChatterId: string;
  genesysExternalContactId: string;
  fullName: string;
}

export interface NaiveResult {
  virtualMinutes: number;
  realMs: number;
  calls: Record<'amiqus' | 'ada' | 'genesys', number>;
  rateLimited429: Record<'amiqus' | 'ada' | 'genesys', number>;
}

const POLL_EVERY_MS = 30_000;

export async function runNaive(subjects: NaiveSubject[], startAt: number): Promise<NaiveResult> {
  let t = startAt;
  const now = () => t;
  const [amiqus, ada, genesys] = await Promise.all([
    startAmiqusSimulator({ now }),
    startAdaSimulator({ now }),
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
    /** One call, repeated after Retry-After while the provider says 429. */
    async function call(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
      for (;;) {
        const r0 = performance.now();
        const response = await fetch(url, init);
        t += Math.max(1, Math.round(performance.now() - r0));
        const text = await response.text();
        if (response.status !== 429)
          return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
        t += Number(response.headers.get('retry-after') ?? 1) * 1000;
      }
    }
    const json = (token: string) => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' });
    const tokenRes = await call(`${genesys.loginUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${genesys.clientId}:${genesys.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const gToken = (tokenRes.body as { access_token: string }).access_token;

    const pending: Array<{ provider: 'ada' | 'genesys'; url: string; headers: Record<string, string> }> = [];
    for (const s of subjects) {
      await call(`${amiqus.url}/clients/${s.amiqusClientId}`, { headers: json(amiqus.token) });
      await call(`${amiqus.url}/clients/${s.amiqusClientId}`, { method: 'DELETE', headers: json(amiqus.token) });
      const job = await call(`${ada.url}/api/v2/end-users/delete`, {
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
      pending.push({
        provider: 'ada',
        url: `${ada.url}/api/v2/jobs/${(job.body as { job_id: string }).job_id}`,
        headers: json(ada.apiKey),
      });
      await call(`${genesys.apiUrl}/api/v2/gdpr/subjects?searchType=EMAIL&searchValue=${encodeURIComponent(s.email)}`, {
        headers: json(gToken),
      });
      const request = await call(`${genesys.apiUrl}/api/v2/gdpr/requests?deleteConfirmed=true`, {
        method: 'POST',
        headers: json(gToken),
        body: JSON.stringify({
          requestType: 'GDPR_DELETE',
          subject: { externalContactId: s.genesysExternalContactId, emailAddresses: [s.email] },
        }),
      });
      pending.push({
        provider: 'genesys',
        url: `${genesys.apiUrl}/api/v2/gdpr/requests/${(request.body as { id: string }).id}`,
        headers: json(gToken),
      });
    }
    while (pending.length > 0) {
      const cycle = t;
      for (const p of [...pending]) {
        const { body } = await call(p.url, { headers: p.headers });
        const status = String((body as { status?: string }).status ?? '');
        if (['completed', 'partial', 'failed', 'COMPLETED', 'ERROR'].includes(status))
          pending.splice(pending.indexOf(p), 1);
      }
      t = Math.max(t, cycle + POLL_EVERY_MS);
    }
    const count = (s: { server: { exchanges: Array<{ status: number }> } }) => s.server.exchanges.length;
    const limited = (s: { server: { exchanges: Array<{ status: number }> } }) =>
      s.server.exchanges.filter((e) => e.status === 429).length;
    return {
      virtualMinutes: Math.round((t - startAt) / 60_000),
      realMs: Math.round(performance.now() - real0),
      calls: { amiqus: count(amiqus), ada: count(ada), genesys: count(genesys) },
      rateLimited429: { amiqus: limited(amiqus), ada: limited(ada), genesys: limited(genesys) },
    };
  } finally {
    await Promise.all([amiqus.close(), ada.close(), genesys.close()]);
  }
}
