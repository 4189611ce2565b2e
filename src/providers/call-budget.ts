import type { RateObservation } from '../core/rate-budget';
import { parseResetHeader, parseRetryAfter, type HeaderSource } from './rate-limit';

/**
 * What ProviderHttp asks before every provider call when the calls of all invocations share one budget
 * (src/app/rate-budget.ts, on Forge storage). It never waits: a refusal says when to come back, and the
 * worker re-queues itself for then.
 */
export interface CallBudget {
  acquire(): Promise<BudgetDecision>;
  /** What the provider said about its limits in an answer (headers, 429). */
  observe(observation: RateObservation): Promise<void>;
}

/** Calls reserved at a future time for a worker that re-queues itself to make them then. */
export interface BudgetSlot {
  at: number;
  calls: number;
}

export type BudgetDecision = { ok: true } | { ok: false; retryAtMs: number; slot: BudgetSlot | null };

function headerNumber(headers: HeaderSource, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * Reads every rate header the three providers document: Amiqus and Ada `X-RateLimit-Limit/Remaining/Reset`,
 * Genesys `inin-ratelimit-allowed/count/reset` (the allowed figure can be below the org-wide 300/min),
 * and `Retry-After` on a 429.
 */
export function rateObservation(status: number, headers: HeaderSource, nowMs: number): RateObservation {
  const allowed = headerNumber(headers, 'inin-ratelimit-allowed');
  const count = headerNumber(headers, 'inin-ratelimit-count');
  const statedLimit = headerNumber(headers, 'x-ratelimit-limit') ?? allowed;
  const remaining =
    headerNumber(headers, 'x-ratelimit-remaining') ??
    (allowed !== null && count !== null ? Math.max(0, allowed - count) : null);
  const resetAt = parseResetHeader(headers.get('x-ratelimit-reset') ?? headers.get('inin-ratelimit-reset'), nowMs);
  const retryAfterMs = status === 429 ? parseRetryAfter(headers.get('retry-after'), nowMs) : null;
  return { status, statedLimit, remaining, resetAt, retryAfterMs };
}
