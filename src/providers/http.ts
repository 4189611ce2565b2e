import type { ProviderId } from '../core/erasure';
import { type CallBudget, rateObservation } from './call-budget';
import { OutcomeUnknown, ProviderUnavailable, RateLimited } from './errors';
import type { ProviderDescription } from './port';
import {
  type Clock,
  type HeaderSource,
  parseResetHeader,
  parseRetryAfter,
  RateLimiter,
  systemClock,
} from './rate-limit';

/**
 * The one place where provider calls are timed out, retried, backed off and rate limited (STYLE.md: the
 * engine is written once). Clients describe a request and whether repeating it is safe; this module decides
 * whether and when to repeat it.
 */

export interface HttpResponse {
  status: number;
  headers: HeaderSource;
  text(): Promise<string>;
}

export interface HttpRequestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** `@forge/api`'s `fetch` in production, Node's global fetch in the sandbox and tests. */
export type FetchFn = (url: string, init: HttpRequestInit) => Promise<HttpResponse>;

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Cap on time spent across all attempts and waits, so one Forge invocation never overruns its limit. */
  maxTotalMs: number;
  /** Per attempt. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxTotalMs: 20_000,
  timeoutMs: 10_000,
};

export interface RequestSpec {
  /** A label without identifiers, e.g. `DELETE /clients/{id}`: used in errors and metrics, never the URL. */
  endpoint: string;
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * True when repeating the request cannot apply it twice: reads, deletes of one resource, or a provider
   * idempotency key. A request that is not retry-safe is only repeated when the provider certainly did not
   * act on it (429, 503, connection refused).
   */
  retrySafe: boolean;
}

export interface CallMetric {
  provider: ProviderId;
  endpoint: string;
  status: number | 'network_error' | 'timeout';
  attempt: number;
  durationMs: number;
}

export interface ProviderHttpOptions {
  provider: ProviderId;
  fetch: FetchFn;
  limiter?: RateLimiter;
  /**
   * The budget shared by every invocation on this credential. With one, a call the budget refuses and a
   * 429 both end the send at once with RateLimited (saying when to come back): no sleeping inside an invocation.
   */
  budget?: CallBudget;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  /** Injected for deterministic tests of the jitter. */
  random?: () => number;
  onCall?: (metric: CallMetric) => void;
}

type AttemptResult =
  | { kind: 'response'; response: HttpResponse }
  | { kind: 'network'; cause: string; neverSent: boolean }
  | { kind: 'timeout' };

export class ProviderHttp {
  readonly provider: ProviderId;
  private readonly policy: RetryPolicy;
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly options: ProviderHttpOptions) {
    this.provider = options.provider;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /**
   * Sends the request, retrying transient failures. Resolves with the final response for any status the
   * caller must interpret (2xx, 4xx other than 429); throws RateLimited, ProviderUnavailable or OutcomeUnknown.
   */
  async send(spec: RequestSpec): Promise<HttpResponse> {
    const started = this.clock.now();
    const remaining = () => this.policy.maxTotalMs - (this.clock.now() - started);

    for (let attempt = 1; ; attempt += 1) {
      if (this.options.budget) {
        const decision = await this.options.budget.acquire();
        if (!decision.ok)
          throw new RateLimited(
            this.provider,
            spec.endpoint,
            Math.max(0, decision.retryAtMs - this.clock.now()),
            decision.slot,
          );
      } else if (this.options.limiter) {
        const slot = await this.options.limiter.acquire(Math.max(0, remaining()));
        if (!slot.ok) throw new RateLimited(this.provider, spec.endpoint, slot.waitMs);
      }
      const result = await this.attempt(spec, attempt);
      if (result.kind === 'response' && this.options.budget)
        await this.options.budget.observe(
          rateObservation(result.response.status, result.response.headers, this.clock.now()),
        );
      const decision = this.decide(spec, result);
      if (decision.kind === 'return') return decision.response;

      if (decision.reason === 'throttled' && this.options.budget)
        throw new RateLimited(this.provider, spec.endpoint, decision.hintMs ?? this.backoff(attempt));
      const delay = decision.hintMs ?? this.backoff(attempt);
      const last = attempt >= this.policy.maxAttempts || delay > remaining();
      if (last) throw this.giveUp(spec, decision, delay);
      await this.clock.sleep(delay);
    }
  }

  private async attempt(spec: RequestSpec, attempt: number): Promise<AttemptResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.policy.timeoutMs);
    const t0 = this.clock.now();
    const report = (status: CallMetric['status']) =>
      this.options.onCall?.({
        provider: this.provider,
        endpoint: spec.endpoint,
        status,
        attempt,
        durationMs: this.clock.now() - t0,
      });
    try {
      const response = await this.options.fetch(spec.url, {
        method: spec.method,
        headers: spec.headers ?? {},
        ...(spec.body !== undefined ? { body: spec.body } : {}),
        signal: controller.signal,
      });
      this.options.limiter?.observe(response.headers);
      report(response.status);
      return { kind: 'response', response };
    } catch (error) {
      if (controller.signal.aborted) {
        report('timeout');
        return { kind: 'timeout' };
      }
      report('network_error');
      const cause = describeNetworkError(error);
      return { kind: 'network', cause, neverSent: /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(cause) };
    } finally {
      clearTimeout(timer);
    }
  }

  private decide(
    spec: RequestSpec,
    result: AttemptResult,
  ):
    | { kind: 'return'; response: HttpResponse }
    | { kind: 'retry'; reason: 'throttled' | 'unavailable'; cause: string; hintMs: number | null } {
    const unknownUnlessSafe = (cause: string) => {
      if (!spec.retrySafe) throw new OutcomeUnknown(this.provider, spec.endpoint, cause);
      return { kind: 'retry' as const, reason: 'unavailable' as const, cause, hintMs: null };
    };
    if (result.kind === 'timeout') return unknownUnlessSafe(`no answer within ${this.policy.timeoutMs} ms`);
    if (result.kind === 'network') {
      return result.neverSent
        ? { kind: 'retry', reason: 'unavailable', cause: result.cause, hintMs: null }
        : unknownUnlessSafe(result.cause);
    }
    const { response } = result;
    const now = this.clock.now();
    if (response.status === 429) {
      const hint =
        parseRetryAfter(response.headers.get('retry-after'), now) ??
        deltaTo(parseResetHeader(response.headers.get('x-ratelimit-reset'), now), now);
      return { kind: 'retry', reason: 'throttled', cause: 'HTTP 429', hintMs: hint };
    }
    // 503 means the provider refused the work, so even a non-idempotent request was not applied.
    if (response.status === 503) {
      return {
        kind: 'retry',
        reason: 'unavailable',
        cause: 'HTTP 503',
        hintMs: parseRetryAfter(response.headers.get('retry-after'), now),
      };
    }
    if (response.status >= 500) return unknownUnlessSafe(`HTTP ${response.status}`);
    return { kind: 'return', response };
  }

  /** Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"). */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * ceiling);
  }

  private giveUp(
    spec: RequestSpec,
    decision: { reason: 'throttled' | 'unavailable'; cause: string },
    delay: number,
  ): Error {
    return decision.reason === 'throttled'
      ? new RateLimited(this.provider, spec.endpoint, delay)
      : new ProviderUnavailable(this.provider, spec.endpoint, decision.cause, delay);
  }
}

function deltaTo(atMs: number | null, nowMs: number): number | null {
  return atMs === null ? null : Math.max(0, atMs - nowMs);
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const code =
      (error as Error & { cause?: { code?: unknown } }).cause?.code ?? (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : error.name;
  }
  return 'network error';
}

/** What every provider's factory takes for its HTTP policy. */
export interface ProviderHttpConfig {
  fetch: FetchFn;
  /** Shared by all invocations; without one, each invocation paces itself alone (tests, the CLI). */
  budget?: CallBudget;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  onCall?: (metric: CallMetric) => void;
}

/** One provider's HTTP policy, paced to the limits its description gives (and to the one it states, where it does). */
export function createProviderHttp(
  description: Pick<ProviderDescription, 'id' | 'limits'>,
  config: ProviderHttpConfig,
): { http: ProviderHttp; clock: Clock } {
  const clock = config.clock ?? systemClock;
  const http = new ProviderHttp({
    provider: description.id,
    fetch: config.fetch,
    ...(config.budget
      ? { budget: config.budget }
      : { limiter: new RateLimiter(description.limits.rate, clock, description.limits.adoptStatedLimit) }),
    clock,
    ...(config.retry ? { retry: config.retry } : {}),
    ...(config.onCall ? { onCall: config.onCall } : {}),
  });
  return { http, clock };
}
