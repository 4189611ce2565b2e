import type { Settings } from '../core/settings';
import { PROVIDER_LABELS, type ProviderId } from '../core/erasure';
import type { ProviderSecrets } from './descriptions';
import { adaBaseUrl } from './ada';
import { ADA_DESCRIPTION } from './ada/description';
import { AdaApi } from './ada/client';
import { createAmiqusApi } from './amiqus';
import { createGenesysApi } from './genesys';
import { RateLimited } from './errors';
import { createProviderHttp, type FetchFn, type ProviderHttpConfig } from './http';

/**
 * "Test connection" on the admin page: one harmless authenticated read per provider, proving the stored
 * credentials and the configured host work without touching anyone's data. Amiqus: `GET /clients/0` (404 means
 * authenticated; a bad token is 401). Ada: `GET /api/v2/jobs/{id}` for an id that cannot exist (404 likewise).
 * Genesys: the client-credentials token, then `GET /api/v2/gdpr/requests?pageSize=1`.
 * Given the credential's shared rate budget (`http.budget`), each call is booked there like an erasure's, so
 * a test on a provider busy with a backlog is refused with a message rather than pushing it over its limit.
 */

export type ConnectionResult = { ok: boolean; message: string };

const CHECK_JOB_ID = '00000000-0000-4000-8000-000000000000';

export async function checkProviderConnection<P extends ProviderId>(
  id: P,
  settings: Settings,
  secret: ProviderSecrets[P] | undefined,
  fetch: FetchFn,
  http: Pick<ProviderHttpConfig, 'budget' | 'retry'> = {},
): Promise<ConnectionResult> {
  if (!secret) return { ok: false, message: 'No credentials stored yet: enter them above first.' };
  const config = { fetch, ...http };
  try {
    if (id === 'amiqus') {
      const s = secret as ProviderSecrets['amiqus'];
      await createAmiqusApi({ ...config, token: s.token, baseUrl: settings.providers.amiqus.baseUrl }).getClient(0);
      return { ok: true, message: `Amiqus answered an authenticated request at ${settings.providers.amiqus.baseUrl}.` };
    }
    if (id === 'ada') {
      const s = secret as ProviderSecrets['ada'];
      const ada = settings.providers.ada;
      const base = (ada.baseUrl ?? adaBaseUrl(ada.handle, ada.region)).replace(/\/$/, '');
      await new AdaApi(createProviderHttp(ADA_DESCRIPTION, config).http, base, s.apiKey).getJob(CHECK_JOB_ID);
      return { ok: true, message: `Ada answered an authenticated request at ${base}.` };
    }
    const s = secret as ProviderSecrets['genesys'];
    const g = settings.providers.genesys;
    await createGenesysApi({
      ...config,
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      region: g.region,
      ...(g.loginBaseUrl ? { loginBaseUrl: g.loginBaseUrl } : {}),
      ...(g.apiBaseUrl ? { apiBaseUrl: g.apiBaseUrl } : {}),
    }).listRequests(1, 1);
    return {
      ok: true,
      message: `Genesys Cloud issued a token and answered an authenticated request (region ${g.region}).`,
    };
  } catch (error) {
    if (error instanceof RateLimited)
      return {
        ok: false,
        message: `Not tested: the calls Erasure Desk may make to ${PROVIDER_LABELS[id]} are taken for now (erasures in progress share them). Try again in ${Math.max(1, Math.ceil(error.retryAfterMs / 1000))} s.`,
      };
    return {
      ok: false,
      message: `The connection test failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
