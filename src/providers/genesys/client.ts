import { failureOf, parseBody, parseValue } from '../contract';
import type { HttpResponse, ProviderHttp } from '../http';
import { GENESYS_DESCRIPTION } from './description';
import {
  type GdprRequest,
  gdprRequestListSchema,
  gdprRequestSchema,
  type GdprSubject,
  gdprSubjectListSchema,
} from './schemas';
import type { GenesysTokenSource } from './token';

export type SearchType = 'EMAIL' | 'PHONE' | 'NAME' | 'EXTERNAL_ID';

/** Typed calls on the GDPR API. A 401 refreshes the token once; Genesys errors keep their contextId. */
export class GenesysApi {
  constructor(
    private readonly http: ProviderHttp,
    private readonly apiBaseUrl: string,
    private readonly tokens: GenesysTokenSource,
  ) {}

  async searchSubjects(searchType: SearchType, searchValue: string): Promise<GdprSubject[]> {
    const endpoint = 'GET /api/v2/gdpr/subjects';
    const query = new URLSearchParams({ searchType, searchValue });
    const response = await this.call(endpoint, `/api/v2/gdpr/subjects?${query.toString()}`, 'GET', true);
    return (await parseBody('genesys', endpoint, response, gdprSubjectListSchema)).entities;
  }

  /** Not retry-safe: Genesys has no idempotency key, so an ambiguous failure surfaces as OutcomeUnknown. */
  async createRequest(requestType: 'GDPR_DELETE' | 'GDPR_EXPORT', subject: GdprSubject): Promise<GdprRequest> {
    const endpoint = 'POST /api/v2/gdpr/requests';
    // deleteConfirmed is a query parameter, not a body field (the circulating tutorial gets this wrong).
    const path = requestType === 'GDPR_DELETE' ? '/api/v2/gdpr/requests?deleteConfirmed=true' : '/api/v2/gdpr/requests';
    const response = await this.call(endpoint, path, 'POST', false, JSON.stringify({ requestType, subject }));
    return parseBody('genesys', endpoint, response, gdprRequestSchema);
  }

  async getRequest(id: string): Promise<GdprRequest | null> {
    const endpoint = 'GET /api/v2/gdpr/requests/{requestId}';
    const response = await this.call(
      endpoint,
      `/api/v2/gdpr/requests/${encodeURIComponent(id)}`,
      'GET',
      true,
      undefined,
      [404],
    );
    if (response.status === 404) return null;
    return parseBody('genesys', endpoint, response, gdprRequestSchema);
  }

  /**
   * One page of the org-wide listing (pageSize/pageNumber only; order and maximum page size undocumented).
   * Entities that cannot be read are skipped and counted; a page none of whose entities can be read is a
   * contract error, since then the format itself has changed.
   */
  async listRequests(
    pageNumber: number,
    pageSize = 100,
  ): Promise<{ entities: GdprRequest[]; pageCount: number; skipped: number }> {
    const endpoint = 'GET /api/v2/gdpr/requests';
    const response = await this.call(
      endpoint,
      `/api/v2/gdpr/requests?pageSize=${pageSize}&pageNumber=${pageNumber}`,
      'GET',
      true,
    );
    const page = await parseBody('genesys', endpoint, response, gdprRequestListSchema);
    const entities: GdprRequest[] = [];
    for (const raw of page.entities) {
      const parsed = gdprRequestSchema.safeParse(raw);
      if (parsed.success) entities.push(parsed.data);
    }
    if (page.entities.length > 0 && entities.length === 0)
      parseValue('genesys', endpoint, page.entities[0], gdprRequestSchema);
    return { entities, pageCount: page.pageCount ?? pageNumber, skipped: page.entities.length - entities.length };
  }

  private async call(
    endpoint: string,
    path: string,
    method: string,
    retrySafe: boolean,
    body?: string,
    allowed: number[] = [],
  ): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.tokens.token();
      const response = await this.http.send({
        endpoint,
        url: `${this.apiBaseUrl}${path}`,
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
        retrySafe,
      });
      if (response.status === 401 && attempt === 1) {
        this.tokens.invalidate();
        continue;
      }
      if (response.status < 300 || allowed.includes(response.status)) return response;
      throw await failureOf(GENESYS_DESCRIPTION, endpoint, response);
    }
  }
}
