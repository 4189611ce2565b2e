import { failureOf, parseBody } from '../contract';
import type { HttpResponse, ProviderHttp } from '../http';
import { ADA_DESCRIPTION } from './description';
import { type AdaIdentifier, adaAcceptedSchema, type AdaJob, adaJobSchema } from './schemas';

/** Typed calls on Ada's deletion API. Errors arrive as {"errors":[{type,message,details}]}. */
export class AdaApi {
  constructor(
    private readonly http: ProviderHttp,
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  private headers(json = false): Record<string, string> {
    return {
      Authorization: `Bearer ${this.apiKey}`,
      Accept: 'application/json',
      ...(json ? { 'Content-Type': 'application/json' } : {}),
    };
  }

  /** Retry-safe only because `client_reference` makes Ada return the same job for 24 hours. */
  async submitDeletion(
    identifiers: AdaIdentifier[],
    clientReference: string,
  ): Promise<{ jobId: string; status: string }> {
    const endpoint = 'POST /api/v2/end-users/delete';
    const response = await this.http.send({
      endpoint,
      url: `${this.baseUrl}/api/v2/end-users/delete`,
      method: 'POST',
      headers: this.headers(true),
      body: JSON.stringify({ identifiers, client_reference: clientReference }),
      retrySafe: true,
    });
    // Ada documents 202 for a new job; what an idempotent replay answers is undocumented, so any 2xx is a job.
    if (response.status < 200 || response.status >= 300) await this.failOn(response, endpoint, []);
    const body = await parseBody('ada', endpoint, response, adaAcceptedSchema);
    return { jobId: body.job_id, status: body.status };
  }

  async getJob(jobId: string): Promise<AdaJob | null> {
    const endpoint = 'GET /api/v2/jobs/{job_id}';
    const response = await this.http.send({
      endpoint,
      url: `${this.baseUrl}/api/v2/jobs/${encodeURIComponent(jobId)}`,
      method: 'GET',
      headers: this.headers(),
      retrySafe: true,
    });
    if (response.status === 404) return null;
    await this.failOn(response, endpoint, [200]);
    return parseBody('ada', endpoint, response, adaJobSchema);
  }

  /** The deprecated v1 Data Compliance API, for old keys only: it has no status endpoint. */
  async submitV1Erasure(email: string | undefined, chatterId: string | undefined): Promise<void> {
    const endpoint = 'POST /api/v1/data-subject-request';
    const body = {
      type: 'ERASURE',
      ...(email ? { email } : {}),
      ...(chatterId ? { identifiers: [{ type: 'chatter_id', value: chatterId }] } : {}),
    };
    const response = await this.http.send({
      endpoint,
      url: `${this.baseUrl}/api/v1/data-subject-request`,
      method: 'POST',
      headers: this.headers(true),
      body: JSON.stringify(body),
      retrySafe: false,
    });
    await this.failOn(response, endpoint, [200]);
  }

  private async failOn(response: HttpResponse, endpoint: string, ok: number[]): Promise<void> {
    if (!ok.includes(response.status)) throw await failureOf(ADA_DESCRIPTION, endpoint, response);
  }
}
