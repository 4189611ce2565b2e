import type { Settings } from '../core/settings';
import type { ProviderId } from '../core/erasure';
import type { ProviderSecrets } from './descriptions';
import { adaBaseUrl } from './ada';
import { ADA_DESCRIPTION } from './ada/description';
import { AdaApi } from './ada/client';
import { createAmiqusApi } from './amiqus';
import { createGenesysApi } from './genesys';
import { createProviderHttp, type FetchFn } from './http';

/**
 * "Test connection" on the admin page: one harmless authenticated read per provider, proving the stored
 * credentials and the configured host work without touching anyone's data. Amiqus: `GET /clients/0` (404 means
 * authenticated; a bad token is 401). Ada: `GET /api/v2/jobs/{id}` for an id that cannot exist (404 likewise).
 * Genesys: the client-credentials token, then `GET /api/v2/gdpr/requests?pageSize=1`.
 */

export type ConnectionResult = { ok: boolean; message: string };

const CHECK_JOB_ID = '00000000-0000-4000-8000-000000000000';

export async function checkProviderConnection<P extends ProviderId>(
  id: P,
  settings: Settings,
  secret: ProviderSecrets[P] | undefined,
  fetch: FetchFn,
): Promise<ConnectionResult> {
  if (!secret) return { ok: false, message: 'No credentials stored yet: enter them above first.' };
  try {
    if (id === 'amiqus') {
      const s = secret as ProviderSecrets['amiqus'];
      await createAmiqusApi({ fetch, token: s.token, baseUrl: settings.providers.amiqus.baseUrl }).getClient(0);
      return { ok: true, message: `Amiqus answered an authenticated request at ${settings.providers.amiqus.baseUrl}.` };
    }
    if (id === 'ada') {
      const s = secret as ProviderSecrets['ada'];
      const ada = settings.providers.ada;
      const base = (ada.baseUrl ?? adaBaseUrl(ada.handle, ada.region)).replace(/\/$/, '');
      const { http } = createProviderHttp(ADA_DESCRIPTION, { fetch });
      await new AdaApi(http, base, s.apiKey).getJob(CHECK_JOB_ID);
      return { ok: true, message: `Ada answered an authenticated request at ${base}.` };
    }
    const s = secret as ProviderSecrets['genesys'];
    const g = settings.providers.genesys;
    await createGenesysApi({
      fetch,
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
    return {
      ok: false,
      message: `The connection test failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
