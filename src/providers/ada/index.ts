import { type CallMetric, type FetchFn, ProviderHttp, type RetryPolicy } from '../http';
import { type Clock, RateLimiter, systemClock } from '../rate-limit';
import { ADA_DESCRIPTION, AdaProvider } from './adapter';
import type { AdaSubmissionLog } from './batching';
import { AdaApi } from './client';

export interface AdaConfig {
  fetch: FetchFn;
  apiKey: string;
  handle: string;
  region: 'us' | 'eu' | 'maple';
  api: 'v2' | 'v1';
  emailVariables: string[];
  log: AdaSubmissionLog;
  baseUrl?: string;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  onCall?: (metric: CallMetric) => void;
}

/** Ada's regional hosts: {handle}.ada.support, {handle}.eu.ada.support, {handle}.maple.ada.support. */
export function adaBaseUrl(handle: string, region: 'us' | 'eu' | 'maple'): string {
  return region === 'us' ? `https://${handle}.ada.support` : `https://${handle}.${region}.ada.support`;
}

export function createAdaProvider(config: AdaConfig): AdaProvider {
  const clock = config.clock ?? systemClock;
  const http = new ProviderHttp({
    provider: 'ada',
    fetch: config.fetch,
    limiter: new RateLimiter(ADA_DESCRIPTION.rateLimits, clock),
    clock,
    ...(config.retry ? { retry: config.retry } : {}),
    ...(config.onCall ? { onCall: config.onCall } : {}),
  });
  const api = new AdaApi(http, (config.baseUrl ?? adaBaseUrl(config.handle, config.region)).replace(/\/$/, ''), config.apiKey);
  return new AdaProvider(api, { api: config.api, emailVariables: config.emailVariables, log: config.log, now: () => clock.now() });
}
