import { errorMessage, failureOf, parseBody, readErrorBody } from '../contract';
import { ProviderHttpError } from '../errors';
import type { HttpResponse, ProviderHttp } from '../http';
import { AMIQUS_DESCRIPTION } from './description';
import { type AmiqusClient, amiqusClientListSchema, amiqusClientSchema } from './schemas';

/** Thin typed calls on Amiqus API v2. Every response is parsed; an unexpected one is a ProviderContractError. */
export class AmiqusApi {
  constructor(
    private readonly http: ProviderHttp,
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
  }

  /** Clients whose deletion date is `today` or `overdue`, following `links.next` to the last page. */
  async listDueClients(which: 'today' | 'overdue'): Promise<AmiqusClient[]> {
    const clients: AmiqusClient[] = [];
    let url: string | null = `${this.baseUrl}/clients?deletion_date=${which}&page=1&limit=100`;
    for (let pages = 0; url && pages < 1000; pages += 1) {
      const endpoint = 'GET /clients';
      const response = await this.http.send({ endpoint, url, method: 'GET', headers: this.headers(), retrySafe: true });
      await this.failOn(response, endpoint);
      const page = await parseBody('amiqus', endpoint, response, amiqusClientListSchema);
      clients.push(...page.data);
      url = page.links?.next ?? null;
    }
    return clients;
  }

  async getClient(id: number): Promise<AmiqusClient | null> {
    const endpoint = 'GET /clients/{id}';
    const response = await this.http.send({
      endpoint,
      url: `${this.baseUrl}/clients/${id}`,
      method: 'GET',
      headers: this.headers(),
      retrySafe: true,
    });
    if (response.status === 404) return null;
    await this.failOn(response, endpoint);
    return parseBody('amiqus', endpoint, response, amiqusClientSchema);
  }

  /** 204 deleted, 404 already gone, 403 not allowed (with Amiqus's reason). */
  async deleteClient(id: number): Promise<{ result: 'deleted' | 'gone' } | { result: 'forbidden'; message: string }> {
    const endpoint = 'DELETE /clients/{id}';
    // Deleting one resource twice is harmless (the second answers 404), so a retry is safe.
    const response = await this.http.send({
      endpoint,
      url: `${this.baseUrl}/clients/${id}`,
      method: 'DELETE',
      headers: this.headers(),
      retrySafe: true,
    });
    if (response.status === 204) return { result: 'deleted' };
    if (response.status === 404) return { result: 'gone' };
    if (response.status === 403) {
      const body = await readErrorBody(response);
      return { result: 'forbidden', message: errorMessage(AMIQUS_DESCRIPTION.errors, body) ?? 'not allowed' };
    }
    await this.failOn(response, endpoint);
    throw new ProviderHttpError('amiqus', endpoint, response.status, 'unexpected status');
  }

  private async failOn(response: HttpResponse, endpoint: string): Promise<void> {
    if (response.status >= 400) throw await failureOf(AMIQUS_DESCRIPTION, endpoint, response);
  }
}
