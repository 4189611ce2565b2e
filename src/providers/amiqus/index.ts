import type { AmiqusDirectory, DueClient } from '../../app/intake';
import { type FetchFn, ProviderHttp, type RetryPolicy, type CallMetric } from '../http';
import { type Clock, RateLimiter, systemClock } from '../rate-limit';
import { AMIQUS_DESCRIPTION, AmiqusProvider } from './adapter';
import { AmiqusApi } from './client';
import type { AmiqusClient } from './schemas';

export interface AmiqusConfig {
  fetch: FetchFn;
  token: string;
  baseUrl: string;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  onCall?: (metric: CallMetric) => void;
}

export function createAmiqusApi(config: AmiqusConfig): AmiqusApi {
  const clock = config.clock ?? systemClock;
  const http = new ProviderHttp({
    provider: 'amiqus',
    fetch: config.fetch,
    limiter: new RateLimiter(AMIQUS_DESCRIPTION.rateLimits, clock, true),
    clock,
    ...(config.retry ? { retry: config.retry } : {}),
    ...(config.onCall ? { onCall: config.onCall } : {}),
  });
  return new AmiqusApi(http, config.baseUrl.replace(/\/$/, ''), config.token);
}

export function createAmiqusProvider(config: AmiqusConfig): AmiqusProvider {
  return new AmiqusProvider(createAmiqusApi(config));
}

const toDueClient = (c: AmiqusClient): DueClient => ({ id: c.id, email: c.email ?? null, fullName: c.name.full_name ?? `${c.name.first_name} ${c.name.last_name}`, deletionDate: c.deletion_date });

export function createAmiqusDirectoryFromApi(api: AmiqusApi): AmiqusDirectory {
  return {
    listDue: async (which) => (await api.listDueClients(which)).map(toDueClient),
    getClient: async (id) => {
      const client = await api.getClient(id);
      return client ? toDueClient(client) : null;
    },
  };
}
