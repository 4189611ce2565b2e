import type { ProviderId } from '../core/erasure';
import type { BudgetSlot } from './call-budget';
import type { PollResult } from './port';

/**
 * Typed failures from provider calls. Each carries what a person needs to act (provider, endpoint, what to
 * do next) and never the request or response body, which may hold personal data.
 */

export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderId,
    readonly endpoint: string,
    message: string,
  ) {
    super(`${provider} ${endpoint}: ${message}`);
    this.name = new.target.name;
  }
}

/** The provider answered with a body that does not match its documented contract. */
export class ProviderContractError extends ProviderError {
  constructor(
    provider: ProviderId,
    endpoint: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(provider, endpoint, `response does not match the documented contract at "${field || '(body)'}": ${problem}`);
  }
}

/** A non-2xx answer that retries did not (or must not) fix. */
export class ProviderHttpError extends ProviderError {
  constructor(
    provider: ProviderId,
    endpoint: string,
    readonly status: number,
    readonly providerMessage: string,
    /** Support reference the provider gave (Genesys contextId), to quote when raising a ticket with them. */
    readonly supportRef: string | null = null,
  ) {
    super(
      provider,
      endpoint,
      `HTTP ${status}${providerMessage ? `: ${providerMessage}` : ''}${supportRef ? ` (ref ${supportRef})` : ''}`,
    );
  }
}

/** Still throttled when the retry budget ran out; the caller should come back after `retryAfterMs`. */
export class RateLimited extends ProviderError {
  constructor(
    provider: ProviderId,
    endpoint: string,
    readonly retryAfterMs: number,
    /** Calls the shared budget reserved for the worker at a later time, to make when it comes back. */
    readonly slot: BudgetSlot | null = null,
  ) {
    super(provider, endpoint, `rate limited; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

/** Network errors, timeouts or 5xx that outlasted the retry budget. Safe to try again later. */
export class ProviderUnavailable extends ProviderError {
  constructor(
    provider: ProviderId,
    endpoint: string,
    readonly reason: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(provider, endpoint, `unavailable (${reason})`);
  }
}

/**
 * A request that is not idempotent may or may not have been applied (timeout, dropped connection, 500).
 * It is never retried blindly: the caller must reconcile with the provider (e.g. list existing requests).
 */
export class OutcomeUnknown extends ProviderError {
  constructor(
    provider: ProviderId,
    endpoint: string,
    readonly reason: string,
  ) {
    super(provider, endpoint, `outcome unknown after ${reason}; reconcile with the provider before any resubmission`);
  }
}

/**
 * The app could not rule out that it already made this request (e.g. a listing longer than it may read).
 * Submitting again could erase twice, so a person checks at the provider first.
 */
export class ReconciliationIncomplete extends ProviderError {
  constructor(
    provider: ProviderId,
    endpoint: string,
    readonly problem: string,
  ) {
    super(provider, endpoint, `could not rule out an earlier request: ${problem}`);
  }
}

/** Credentials were refused: a person must fix the configuration; retrying cannot help. */
export class ProviderAuthError extends ProviderError {
  constructor(provider: ProviderId, endpoint: string, status: number) {
    super(
      provider,
      endpoint,
      `credentials refused (HTTP ${status}); check the ${provider} credentials on the admin page`,
    );
  }
}

export function isTransient(error: unknown): error is RateLimited | ProviderUnavailable {
  return error instanceof RateLimited || error instanceof ProviderUnavailable;
}

/**
 * A status poll stopped by a transient failure after it had read some statuses. What it read is recorded,
 * and only the jobs it did not reach wait for the provider: thrown away, the statuses read would be read
 * again and again by polls that each stop at the same point, and the jobs behind them would never settle.
 */
export class PollCutShort extends ProviderError {
  constructor(
    readonly read: ReadonlyMap<string, PollResult>,
    readonly stoppedBy: RateLimited | ProviderUnavailable,
  ) {
    super(
      stoppedBy.provider,
      stoppedBy.endpoint,
      `status poll stopped after ${read.size} statuses: ${stoppedBy.message}`,
    );
  }
}

/** What a status poll whose call failed throws: a transient failure carries the statuses read before it. */
export function pollFailure(read: ReadonlyMap<string, PollResult>, error: unknown): unknown {
  return read.size > 0 && isTransient(error) ? new PollCutShort(read, error) : error;
}
