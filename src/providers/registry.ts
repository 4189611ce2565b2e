import type { Settings } from '../core/settings';
import type { ProviderId } from '../core/erasure';
import type { AdaSubmissionLog } from './ada/batching';
import type { ProviderSecrets } from './credentials';
import { createAdaProvider } from './ada';
import { createAmiqusApi, createAmiqusDirectoryFromApi, createAmiqusProvider } from './amiqus';
import { createGenesysProvider } from './genesys';
import type { SharedTokenCache } from './genesys/token';
import type { CallMetric, FetchFn } from './http';
import type { AmiqusDirectory, ErasureProvider } from './port';

/** Builds a provider adapter from the admin page's settings and the provider's secret. */
export function buildProvider<P extends ProviderId>(
  id: P,
  settings: Settings,
  secret: ProviderSecrets[P],
  io: { fetch: FetchFn; adaLog: AdaSubmissionLog; genesysTokens?: SharedTokenCache; onCall?: (metric: CallMetric) => void },
): ErasureProvider {
  const common = { fetch: io.fetch, ...(io.onCall ? { onCall: io.onCall } : {}) };
  if (id === 'amiqus') {
    const s = secret as ProviderSecrets['amiqus'];
    return createAmiqusProvider({ ...common, token: s.token, baseUrl: settings.providers.amiqus.baseUrl });
  }
  if (id === 'ada') {
    const s = secret as ProviderSecrets['ada'];
    const ada = settings.providers.ada;
    return createAdaProvider({ ...common, apiKey: s.apiKey, handle: ada.handle, region: ada.region, api: ada.api, emailVariables: ada.emailVariables, log: io.adaLog, ...(ada.baseUrl ? { baseUrl: ada.baseUrl } : {}) });
  }
  const s = secret as ProviderSecrets['genesys'];
  const g = settings.providers.genesys;
  return createGenesysProvider({ ...common, clientId: s.clientId, clientSecret: s.clientSecret, region: g.region, ...(io.genesysTokens ? { tokenCache: io.genesysTokens } : {}), ...(g.loginBaseUrl ? { loginBaseUrl: g.loginBaseUrl } : {}), ...(g.apiBaseUrl ? { apiBaseUrl: g.apiBaseUrl } : {}) });
}

export function createAmiqusDirectory(settings: Settings, secret: ProviderSecrets['amiqus'], fetch: FetchFn): AmiqusDirectory {
  return createAmiqusDirectoryFromApi(createAmiqusApi({ fetch, token: secret.token, baseUrl: settings.providers.amiqus.baseUrl }));
}
