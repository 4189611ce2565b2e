import type { ProviderId } from '../../../src/core/erasure';
import type { Subject } from '../../../src/core/subject';
import { pollFailure, RateLimited } from '../../../src/providers/errors';
import {
  type ErasureProvider,
  type ErasureRef,
  idempotencyKey,
  type PollResult,
  type SubmitResult,
} from '../../../src/providers/port';

/**
 * A provider that keeps real state: each submission becomes a request with its own reference, keyed by the
 * idempotency key, so a repeated submit reconciles to the same request instead of erasing twice; a request
 * works for `pollsToFinish` polls and then settles with `result`. `throttleNext` answers one submit with 429.
 * Which subjects it is used for comes from the real provider's description, as in production.
 */
export class FakeProvider implements ErasureProvider {
  readonly requests = new Map<
    string,
    { key: string; subject: Subject; polls: number; result: 'completed' | 'failed' | 'not_found' }
  >();
  /** Erasures actually performed, by idempotency key: a test proves "exactly once" from this ledger. */
  readonly erased: string[] = [];
  submitCalls = 0;
  pollCalls = 0;
  result: 'completed' | 'failed' | 'not_found' = 'completed';
  private throttled: number | null = null;

  constructor(
    readonly id: ProviderId,
    private readonly options: { asynchronous: boolean; pollsToFinish?: number } = { asynchronous: true },
  ) {}

  throttleNext(retryAfterMs: number): void {
    this.throttled = retryAfterMs;
  }

  /** Answers the next status poll with 429 (after the client's own retries gave up). */
  throttleNextPoll(retryAfterMs: number): void {
    this.pollThrottled = retryAfterMs;
  }
  private pollThrottled: number | null = null;

  /** Answers the next status poll with `read` statuses, then 429 for the rest (a budget spent part way). */
  cutNextPollAfter(read: number, retryAfterMs: number): void {
    this.pollCut = { read, retryAfterMs };
  }
  private pollCut: { read: number; retryAfterMs: number } | null = null;

  async submitErasure(subject: Subject, ref: ErasureRef): Promise<SubmitResult> {
    this.submitCalls += 1;
    if (this.throttled !== null) {
      const retryAfterMs = this.throttled;
      this.throttled = null;
      throw new RateLimited(this.id, 'POST /erasures', retryAfterMs);
    }
    const key = idempotencyKey(this.id, ref);
    const existing = [...this.requests.entries()].find(([, r]) => r.key === key);
    const providerRef = existing?.[0] ?? `${this.id}-req-${this.requests.size + 1}`;
    if (!existing) this.requests.set(providerRef, { key, subject, polls: 0, result: this.result });
    const requests = [
      { endpoint: 'POST /erasures', identifierKinds: ['email'], providerRef, reconciled: existing !== undefined },
    ];
    if (!this.options.asynchronous) {
      if (!existing) this.erased.push(key);
      return { outcome: { kind: 'completed', providerRef, summary: 'erased' }, requests, withheld: [] };
    }
    return { outcome: { kind: 'submitted', providerRef, providerStatus: 'QUEUED' }, requests, withheld: [] };
  }

  async pollStatus(providerRefs: readonly string[]): Promise<Map<string, PollResult>> {
    this.pollCalls += 1;
    if (this.pollThrottled !== null) {
      const retryAfterMs = this.pollThrottled;
      this.pollThrottled = null;
      throw new RateLimited(this.id, 'GET /erasures', retryAfterMs);
    }
    const statuses = new Map<string, PollResult>();
    const cut = this.pollCut;
    this.pollCut = null;
    for (const providerRef of providerRefs) {
      if (cut && statuses.size === cut.read)
        throw pollFailure(statuses, new RateLimited(this.id, 'GET /erasures', cut.retryAfterMs));
      const request = this.requests.get(providerRef);
      if (!request) continue;
      request.polls += 1;
      if (request.polls < (this.options.pollsToFinish ?? 1)) {
        statuses.set(providerRef, { kind: 'in_progress', providerRef, providerStatus: 'RUNNING' });
      } else if (request.result === 'completed') {
        if (!this.erased.includes(request.key)) this.erased.push(request.key);
        statuses.set(providerRef, { kind: 'completed', providerRef, summary: 'erased' });
      } else if (request.result === 'not_found') {
        statuses.set(providerRef, { kind: 'not_found', providerRef, summary: 'no records held' });
      } else {
        statuses.set(providerRef, {
          kind: 'failed',
          providerRef,
          reason: 'the provider rejected the request',
          nextStep: 'Retry on the panel',
        });
      }
    }
    return statuses;
  }
}
