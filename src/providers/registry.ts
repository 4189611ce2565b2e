import type { Settings } from '../core/settings';
import type { ProviderId } from '../core/erasure';
import { createAdaProvider } from './ada';
import type { AdaSubmissionLog } from './ada/cooldown';
import { createAmiqusApi, createAmiqusDirectoryFromApi, createAmiqusProvider } from './amiqus';
import type { ProviderSecrets } from './descriptions';
import { createGenesysProvider } from './genesys';
import type { SharedTokenCache } from './genesys/token';
import type { CallBudget } from './call-budget';
import type { CallMetric, FetchFn, RetryPolicy } from './http';
import type { AmiqusDirectory, ErasureProvider } from './port';

/** The credential a provider's published limits apply to (Ada: per instance; Genesys: per OAuth client; Amiqus: per token). */
export function rateCredential<P extends ProviderId>(id: P, settings: Settings, secret: ProviderSecrets[P]): string {
  if (id === 'amiqus') return (secret as ProviderSecrets['amiqus']).token;
  if (id === 'ada') return `${settings.providers.ada.handle}.${settings.providers.ada.region}`;
  return (secret as ProviderSecrets['genesys']).clientId;
}

/** What the adapters need from the platform: egress, Ada's submission log, the shared Genesys token. */
export interface ProviderIo {
  fetch: FetchFn;
  adaLog: AdaSubmissionLog;
  genesysTokens?: SharedTokenCache;
  onCall?: (metric: CallMetric) => void;
  /** A tighter retry policy where the caller has little time (a UI resolver). */
  retry?: Partial<RetryPolicy>;
  /** The rate budget shared by every invocation on this provider's credential. */
  budget?: CallBudget;
}

type Builder<P extends ProviderId> = (
  settings: Settings,
  secret: ProviderSecrets[P],
  io: ProviderIo,
) => ErasureProvider;

const http = (io: ProviderIo) => ({
  fetch: io.fetch,
  ...(io.onCall ? { onCall: io.onCall } : {}),
  ...(io.retry ? { retry: io.retry } : {}),
  ...(io.budget ? { budget: io.budget } : {}),
});

/** How each adapter is built from the admin page's settings and the provider's secret. */
const BUILDERS: { [P in ProviderId]: Builder<P> } = {
  amiqus: (settings, secret, io) =>
    createAmiqusProvider({ ...http(io), token: secret.token, baseUrl: settings.providers.amiqus.baseUrl }),
  ada: (settings, secret, io) => {
    const ada = settings.providers.ada;
    return createAdaProvider({
      ...http(io),
      apiKey: secret.apiKey,
      handle: ada.handle,
      region: ada.region,
      api: ada.api,
      emailVariables: ada.emailVariables,
      log: io.adaLog,
      ...(ada.baseUrl ? { baseUrl: ada.baseUrl } : {}),
    });
  },
  genesys: (settings, secret, io) => {
    const g = settings.providers.genesys;
    return createGenesysProvider({
      ...http(io),
      clientId: secret.clientId,
      clientSecret: secret.clientSecret,
      region: g.region,
      ...(io.genesysTokens ? { tokenCache: io.genesysTokens } : {}),
      ...(g.loginBaseUrl ? { loginBaseUrl: g.loginBaseUrl } : {}),
      ...(g.apiBaseUrl ? { apiBaseUrl: g.apiBaseUrl } : {}),
    });
  },
};

export function buildProvider<P extends ProviderId>(
  id: P,
  settings: Settings,
  secret: ProviderSecrets[P],
  io: ProviderIo,
): ErasureProvider {
  return (BUILDERS[id] as Builder<P>)(settings, secret, io);
}

export function createAmiqusDirectory(
  settings: Settings,
  secret: ProviderSecrets['amiqus'],
  fetch: FetchFn,
): AmiqusDirectory {
  return createAmiqusDirectoryFromApi(
    createAmiqusApi({ fetch, token: secret.token, baseUrl: settings.providers.amiqus.baseUrl }),
  );
}
