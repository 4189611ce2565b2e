import { createProviderHttp, type ProviderHttpConfig } from '../http';
import { AdaProvider } from './adapter';
import type { AdaSubmissionLog } from './cooldown';
import { AdaApi } from './client';
import { ADA_DESCRIPTION } from './description';

export interface AdaConfig extends ProviderHttpConfig {
  apiKey: string;
  handle: string;
  region: 'us' | 'eu' | 'maple';
  api: 'v2' | 'v1';
  emailVariables: string[];
  log: AdaSubmissionLog;
  baseUrl?: string;
}

/** Ada's regional hosts: {handle}.ada.support, {handle}.eu.ada.support, {handle}.maple.ada.support. */
export function adaBaseUrl(handle: string, region: 'us' | 'eu' | 'maple'): string {
  return region === 'us' ? `https://${handle}.ada.support` : `https://${handle}.${region}.ada.support`;
}

export function createAdaProvider(config: AdaConfig): AdaProvider {
  const { http, clock } = createProviderHttp(ADA_DESCRIPTION, config);
  const api = new AdaApi(
    http,
    (config.baseUrl ?? adaBaseUrl(config.handle, config.region)).replace(/\/$/, ''),
    config.apiKey,
  );
  return new AdaProvider(api, {
    api: config.api,
    emailVariables: config.emailVariables,
    log: config.log,
    now: () => clock.now(),
  });
}
