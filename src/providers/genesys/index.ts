import { type CallMetric, type FetchFn, ProviderHttp, type RetryPolicy } from '../http';
import { type Clock, RateLimiter, systemClock } from '../rate-limit';
import { GENESYS_DESCRIPTION, GenesysProvider } from './adapter';
import { GenesysApi } from './client';
import { genesysHosts } from './regions';
import { GenesysTokenSource, type SharedTokenCache } from './token';

export interface GenesysConfig {
  fetch: FetchFn;
  clientId: string;
  clientSecret: string;
  region: string;
  /** Overrides for the sandbox, where login and API run on loopback. */
  loginBaseUrl?: string;
  apiBaseUrl?: string;
  /** Shares the access token between invocations (Forge secret storage in production). */
  tokenCache?: SharedTokenCache;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  onCall?: (metric: CallMetric) => void;
}

export function createGenesysApi(config: GenesysConfig): GenesysApi {
  const clock = config.clock ?? systemClock;
  const hosts = config.loginBaseUrl && config.apiBaseUrl ? { login: config.loginBaseUrl, api: config.apiBaseUrl } : genesysHosts(config.region);
  const http = new ProviderHttp({
    provider: 'genesys',
    fetch: config.fetch,
    limiter: new RateLimiter(GENESYS_DESCRIPTION.rateLimits, clock),
    clock,
    ...(config.retry ? { retry: config.retry } : {}),
    ...(config.onCall ? { onCall: config.onCall } : {}),
  });
  const tokens = new GenesysTokenSource(http, hosts.login.replace(/\/$/, ''), config.clientId, config.clientSecret, clock, config.tokenCache ?? null);
  return new GenesysApi(http, hosts.api.replace(/\/$/, ''), tokens);
}

export function createGenesysProvider(config: GenesysConfig): GenesysProvider {
  return new GenesysProvider(createGenesysApi(config));
}
