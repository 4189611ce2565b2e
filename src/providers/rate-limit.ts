/**
 * Client-side rate limiting: stay just under each provider's published limit instead of discovering it
 * through 429s. Token buckets per window (Ada publishes both 10/s and 100/min; all must allow a call), and
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

/** A bucket that refills continuously at limit/window; `reserve` says how long to wait for the next token. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private window: RateWindow,
    private readonly clock: Clock,
  ) {
    this.tokens = window.limit;
    this.last = clock.now();
  }

  get limit(): number {
    return this.window.limit;
  }

  resize(limit: number): void {
    if (limit <= 0 || limit === this.window.limit) return;
    this.refill();
    this.tokens = Math.min(this.tokens, limit);
    this.window = { ...this.window, limit };
  }

  /** Takes one token, possibly going into debt; returns the wait in ms before the call may be made. */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return Math.ceil((-this.tokens * this.window.windowMs) / this.window.limit);
  }

  /** The provider says only `remaining` calls are left in its window: never assume more than that. */
  capAt(remaining: number): void {
    this.refill();
    this.tokens = Math.min(this.tokens, remaining);
  }

  /** Returns an unused reservation (the caller gave up rather than wait). */
  release(): void {
    this.tokens = Math.min(this.window.limit, this.tokens + 1);
  }

  /** The provider told us it has no calls left: drain until `untilMs`. */
  exhaustUntil(untilMs: number): void {
    this.refill();
    const waitMs = Math.max(0, untilMs - this.clock.now());
    this.tokens = Math.min(this.tokens, -Math.ceil((waitMs * this.window.limit) / this.window.windowMs));
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = now - this.last;
    this.last = now;
    this.tokens = Math.min(this.window.limit, this.tokens + (elapsed * this.window.limit) / this.window.windowMs);
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
  private readonly buckets: TokenBucket[];

  constructor(
    windows: readonly RateWindow[],
    private readonly clock: Clock,
    /** Amiqus sizes its limit per token: take it from `X-RateLimit-Limit` when the provider states it. */
    private readonly adoptLimitHeader = false,
  ) {
    this.buckets = windows.map((w) => new TokenBucket(w, clock));
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
    if (this.adoptLimitHeader) {
      const limit = Number(headers.get('x-ratelimit-limit'));
      if (Number.isInteger(limit) && limit > 0) this.buckets.forEach((b) => b.resize(limit));
    }
    const remaining = headers.get('x-ratelimit-remaining');
    const left = remaining === null || remaining.trim() === '' ? Number.NaN : Number(remaining);
    if (Number.isInteger(left) && left >= 0) this.buckets.forEach((b) => b.capAt(left));
    if (left === 0) {
      const reset = parseResetHeader(headers.get('x-ratelimit-reset'), now);
      if (reset !== null) this.buckets.forEach((b) => b.exhaustUntil(reset));
    }
  }
}
