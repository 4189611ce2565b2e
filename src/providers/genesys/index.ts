import { createProviderHttp, type ProviderHttpConfig } from '../http';
import { GenesysProvider } from './adapter';
import { GenesysApi } from './client';
import { GENESYS_DESCRIPTION } from './description';
import { genesysHosts } from './regions';
import { GenesysTokenSource, type SharedTokenCache } from './token';

export interface GenesysConfig extends ProviderHttpConfig {
  clientId: string;
  clientSecret: string;
  region: string;
  /** Overrides for the sandbox, where login and API run on loopback. */
  loginBaseUrl?: string;
  apiBaseUrl?: string;
  /** Shares the access token between invocations (Forge secret storage in production). */
  tokenCache?: SharedTokenCache;
}

export function createGenesysApi(config: GenesysConfig): GenesysApi {
  const hosts =
    config.loginBaseUrl && config.apiBaseUrl
      ? { login: config.loginBaseUrl, api: config.apiBaseUrl }
      : genesysHosts(config.region);
  const { http, clock } = createProviderHttp(GENESYS_DESCRIPTION, config);
  const tokens = new GenesysTokenSource(
    http,
    hosts.login.replace(/\/$/, ''),
    config.clientId,
    config.clientSecret,
    clock,
    config.tokenCache ?? null,
  );
  return new GenesysApi(http, hosts.api.replace(/\/$/, ''), tokens);
}

export function createGenesysProvider(config: GenesysConfig): GenesysProvider {
  return new GenesysProvider(createGenesysApi(config));
}
