/**
 * Client-side rate limiting: stay just under each provider's published limit instead of discovering it
 * through 429s. A sliding window per published limit (Ada publishes both 10/s and 100/min; all must allow a call), and
 * the provider's own `X-RateLimit-*` headers override our estimate when they say we are at zero.
 *
 * A Forge invocation is a separate process, so these buckets bound one invocation; across invocations the
 * queue's concurrency and the 429 handling in http.ts keep the total near the limit.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RateWindow {
  /** Calls allowed per window. */
  limit: number;
  windowMs: number;
}

/**
 * At most `limit` calls in ANY interval of `windowMs` (a sliding log). Providers count in fixed windows
 * whose alignment we cannot see; a token bucket of the same size can put almost twice the limit into one of
 * them, while a sliding log can never exceed it in any window, aligned or not.
 */
export class SlidingWindow {
  /** Times of calls made or reserved, ascending; reserved times may lie in the future. */
  private stamps: number[] = [];
  private blockedUntil = 0;

  constructor(
    private window: RateWindow,
    private readonly clock: Clock,
  ) {}

  get limit(): number {
    return this.window.limit;
  }

  get windowMs(): number {
    return this.window.windowMs;
  }

  resize(limit: number): void {
    if (limit > 0) this.window = { ...this.window, limit };
  }

  /** Reserves the earliest allowed call time; returns the wait in ms before the call may be made. */
  reserve(): number {
    const now = this.clock.now();
    this.prune(now);
    const { limit, windowMs } = this.window;
    const full = this.stamps.length >= limit ? (this.stamps[this.stamps.length - limit] as number) + windowMs : now;
    const at = Math.max(now, full, this.blockedUntil);
    this.stamps.push(at);
    return at - now;
  }

  /** Returns an unused reservation (the caller gave up rather than wait). */
  release(): void {
    this.stamps.pop();
  }

  /** The provider says only `remaining` calls are left in its window: never assume more than that. */
  capAt(remaining: number, resetAt: number | null): void {
    const now = this.clock.now();
    this.prune(now);
    const used = this.stamps.filter((t) => t <= now).length;
    const phantom = this.window.limit - remaining - used;
    // Calls we did not see (another invocation, another app on the same key) count as made just now, or,
    // when the provider says when its window resets, as expiring exactly then.
    const at = resetAt === null ? now : Math.min(now, resetAt - this.window.windowMs);
    if (phantom > 0) this.stamps = [...Array<number>(phantom).fill(at), ...this.stamps].sort((a, b) => a - b);
  }

  /** The provider told us it has no calls left: make none before `untilMs`. */
  exhaustUntil(untilMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, untilMs);
  }

  private prune(now: number): void {
    const horizon = now - this.window.windowMs;
    let drop = 0;
    while (drop < this.stamps.length && (this.stamps[drop] as number) <= horizon) drop += 1;
    if (drop > 0) this.stamps = this.stamps.slice(drop);
  }
}

export interface HeaderSource {
  get(name: string): string | null;
}

/** Parses `X-RateLimit-Reset`, which providers give either as unix seconds or as seconds from now. */
export function parseResetHeader(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) return null;
  return n > 1e9 ? n * 1000 : nowMs + n * 1000;
}

/** Parses `Retry-After`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns a delay in ms. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

export class RateLimiter {
  private readonly buckets: SlidingWindow[];

  constructor(
    windows: readonly RateWindow[],
    private readonly clock: Clock,
    /** Amiqus sizes its limit per token: take it from `X-RateLimit-Limit` when the provider states it. */
    private readonly adoptLimitHeader = false,
  ) {
    this.buckets = windows.map((w) => new SlidingWindow(w, clock));
  }

  /** Waits for a token in every bucket; returns false (having waited nothing) if that would exceed maxWaitMs. */
  async acquire(maxWaitMs: number): Promise<{ ok: true } | { ok: false; waitMs: number }> {
    const waits = this.buckets.map((b) => b.reserve());
    const waitMs = Math.max(0, ...waits);
    if (waitMs > maxWaitMs) {
      this.buckets.forEach((b) => b.release());
      return { ok: false, waitMs };
    }
    if (waitMs > 0) await this.clock.sleep(waitMs);
    return { ok: true };
  }

  observe(headers: HeaderSource): void {
    const now = this.clock.now();
    const stated = readRateHeaders(headers, now);
    if (this.adoptLimitHeader && stated.limit !== null) this.buckets.forEach((b) => b.resize(stated.limit as number));
    if (stated.remaining === null) return;
    const targets = this.bucketsFor(stated, now);
    targets.forEach((b) => b.capAt(stated.remaining as number, stated.resetAt));
    if (stated.remaining === 0 && stated.resetAt !== null)
      targets.forEach((b) => b.exhaustUntil(stated.resetAt as number));
  }

  /**
   * The headers describe one of the provider's windows (Ada: a second, a minute or a day). Capping every bucket
   * with one window's figures would, say, fill the daily bucket with the minute's used calls; so they go to the
   * window that resets when the provider says: the shortest one at least that long (reset is in whole seconds).
   */
  private bucketsFor(stated: StatedRate, now: number): SlidingWindow[] {
    if (this.buckets.length <= 1) return this.buckets;
    const byLength = [...this.buckets].sort((a, b) => a.windowMs - b.windowMs);
    if (stated.resetAt !== null) {
      const horizon = stated.resetAt - now;
      return [byLength.find((b) => b.windowMs + 1_000 >= horizon) ?? (byLength[byLength.length - 1] as SlidingWindow)];
    }
    const sameLimit = byLength.filter((b) => b.limit === stated.limit);
    return sameLimit.length > 0 ? sameLimit.slice(0, 1) : byLength.slice(0, 1);
  }
}

export interface StatedRate {
  limit: number | null;
  remaining: number | null;
  resetAt: number | null;
}

const intHeader = (headers: HeaderSource, name: string): number | null => {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : null;
};

/**
 * What a provider's rate-limit headers say: `X-RateLimit-Limit/Remaining/Reset` (Amiqus, Ada) or Genesys's
 * `inin-ratelimit-allowed/count/reset`, where remaining = allowed − count and reset is in seconds from now
 * (purecloudlabs platform-client SDKs, "Extended Responses").
 */
export function readRateHeaders(headers: HeaderSource, nowMs: number): StatedRate {
  const allowed = intHeader(headers, 'inin-ratelimit-allowed');
  const count = intHeader(headers, 'inin-ratelimit-count');
  if (allowed !== null && count !== null) {
    const reset = intHeader(headers, 'inin-ratelimit-reset');
    return {
      limit: allowed,
      remaining: Math.max(0, allowed - count),
      resetAt: reset === null ? null : nowMs + reset * 1000,
    };
  }
  return {
    limit: intHeader(headers, 'x-ratelimit-limit'),
    remaining: intHeader(headers, 'x-ratelimit-remaining'),
    resetAt: parseResetHeader(headers.get('x-ratelimit-reset'), nowMs),
  };
}
