import { parseBody } from '../contract';
import { ProviderAuthError, ProviderHttpError } from '../errors';
import type { ProviderHttp } from '../http';
import type { Clock } from '../rate-limit';
import { tokenSchema } from './schemas';

/**
 * Where a token outlives one invocation. Every Forge invocation is a fresh process, so without it each
 * one would ask Genesys for a new token (and tokens are what Genesys counts requests against).
 */
export interface SharedTokenCache {
  get(): Promise<{ token: string; expiresAt: number } | null>;
  set(entry: { token: string; expiresAt: number }): Promise<void>;
}

/**
 * OAuth client credentials (no refresh token): the access token is cached until a minute before
 * `expires_in`, and concurrent callers share one request for a new one.
 */
export class GenesysTokenSource {
  private cached: { token: string; expiresAt: number } | null = null;
  private inflight: Promise<string> | null = null;
  /** Set when Genesys refused the token: the shared copy is stale too and must not be reused. */
  private invalidated = false;

  constructor(
    private readonly http: ProviderHttp,
    private readonly loginBaseUrl: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly clock: Clock,
    private readonly shared: SharedTokenCache | null = null,
  ) {}

  async token(): Promise<string> {
    if (this.cached && this.clock.now() < this.cached.expiresAt) return this.cached.token;
    this.inflight ??= this.obtain().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** Genesys refused the token (revoked, or the shared copy is stale): forget it everywhere. */
  invalidate(): void {
    this.cached = null;
    this.invalidated = true;
  }

  private async obtain(): Promise<string> {
    if (this.shared && !this.invalidated) {
      const entry = await this.shared.get().catch(() => null);
      if (entry && this.clock.now() < entry.expiresAt) {
        this.cached = entry;
        return entry.token;
      }
    }
    this.invalidated = false;
    const token = await this.fetch();
    // Overwrites a refused shared token; a failed write only costs the next invocation a token request.
    if (this.shared && this.cached) await this.shared.set(this.cached).catch(() => undefined);
    return token;
  }

  private async fetch(): Promise<string> {
    const endpoint = 'POST /oauth/token';
    const response = await this.http.send({
      endpoint,
      url: `${this.loginBaseUrl}/oauth/token`,
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
      retrySafe: true,
    });
    if (response.status === 400 || response.status === 401)
      throw new ProviderAuthError('genesys', endpoint, response.status);
    if (response.status >= 300)
      throw new ProviderHttpError('genesys', endpoint, response.status, 'token request failed');
    const body = await parseBody('genesys', endpoint, response, tokenSchema);
    const refreshMarginMs = Math.min(60_000, (body.expires_in * 1000) / 2);
    this.cached = { token: body.access_token, expiresAt: this.clock.now() + body.expires_in * 1000 - refreshMarginMs };
    return body.access_token;
  }
}
