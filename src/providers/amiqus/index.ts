import { createProviderHttp, type ProviderHttpConfig } from '../http';
import type { AmiqusDirectory, DueClient } from '../port';
import { AmiqusProvider } from './adapter';
import { AmiqusApi } from './client';
import { AMIQUS_DESCRIPTION } from './description';
import type { AmiqusClient } from './schemas';

export interface AmiqusConfig extends ProviderHttpConfig {
  token: string;
  baseUrl: string;
}

export function createAmiqusApi(config: AmiqusConfig): AmiqusApi {
  const { http } = createProviderHttp(AMIQUS_DESCRIPTION, config);
  return new AmiqusApi(http, config.baseUrl.replace(/\/$/, ''), config.token);
}

export function createAmiqusProvider(config: AmiqusConfig): AmiqusProvider {
  return new AmiqusProvider(createAmiqusApi(config));
}

const toDueClient = (c: AmiqusClient): DueClient => ({
  id: c.id,
  email: c.email ?? null,
  fullName: c.name.full_name ?? `${c.name.first_name} ${c.name.last_name}`,
  deletionDate: c.deletion_date,
});

export function createAmiqusDirectoryFromApi(api: AmiqusApi): AmiqusDirectory {
  return {
    listDue: async (which) => (await api.listDueClients(which)).map(toDueClient),
    getClient: async (id) => {
      const client = await api.getClient(id);
      return client ? toDueClient(client) : null;
    },
  };
}
