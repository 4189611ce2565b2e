import { randomUUID } from 'node:crypto';

/**
 * Forge's async event queues (@forge/events 3.0.8), as strict as the platform:
 * - events run as pushed: concurrently, at most `concurrency.limit` at a time for events that share a
 *   `concurrency.key`, unbounded otherwise (https://developer.atlassian.com/platform/forge/runtime-reference/async-events-api/);
 * - an invocation that throws (or is stopped by its time limit) is retried with back-off; one that returns an
 *   `InvocationError` is retried after its `retryAfter` seconds, at most 900 (same page, "Retrying events";
 *   @forge/events clamps retryAfter to at least 1 s); after MAX_EVENT_RETRIES the event is given up;
 * - https://developer.atlassian.com/platform/forge/limits-async-events/ : at most 50 events per push, 200 KB per
 *   push, 500 events pushed per minute per installation, and 100 KB per event when the consumer's function
 *   declares a timeout above 55 seconds.
 */

export interface Concurrency {
  key: string;
  limit: number;
}

export interface QueuedEvent {
  queueName: string;
  jobId: string;
  eventId: string;
  body: unknown;
  dueAt: number;
  retryCount: number;
  retryReason?: string;
  retryData?: unknown;
  concurrency?: Concurrency;
}

export interface PushRequest {
  queueName: string;
  jobId: string;
  payload: Array<{ body: unknown; delayInSeconds?: number; concurrency?: Concurrency }>;
}

export const MAX_EVENTS_PER_PUSH = 50;
export const MAX_PUSH_BYTES = 200 * 1024;
export const MAX_EVENTS_PER_MINUTE = 500;
export const MAX_EVENT_BYTES_LONG_RUNNING = 100 * 1024;
export const MAX_DELAY_SECONDS = 900;
export const MAX_RETRY_AFTER_SECONDS = 900;
/** Forge gives an event up after this many retries (async-events-api, "Retrying events"). */
export const MAX_EVENT_RETRIES = 4;

/** What a consumer invocation ended with, as the queue sees it. */
export type DeliveryOutcome =
  | { kind: 'ok' }
  | { kind: 'threw'; reason: string }
  | { kind: 'retry'; retryAfterSeconds: number; reason: string; retryData?: unknown };

/** `new InvocationError(...)` from @forge/events serialises to `{ _retry: true, retryOptions }`. */
export function asRetryRequest(
  value: unknown,
): { retryAfterSeconds: number; reason: string; retryData?: unknown } | null {
  const v = value as {
    _retry?: unknown;
    retryOptions?: { retryAfter?: unknown; retryReason?: unknown; retryData?: unknown };
  } | null;
  if (!v || typeof v !== 'object' || v._retry !== true) return null;
  const after = typeof v.retryOptions?.retryAfter === 'number' ? v.retryOptions.retryAfter : 1;
  return {
    retryAfterSeconds: Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, after)),
    reason: typeof v.retryOptions?.retryReason === 'string' ? v.retryOptions.retryReason : 'FUNCTION_RETRY_REQUEST',
    ...(v.retryOptions?.retryData !== undefined ? { retryData: v.retryOptions.retryData } : {}),
  };
}

export class QueueEmulator {
  readonly deadLetters: QueuedEvent[] = [];
  /** Highest number of consumer invocations running at once, overall and per concurrency key. */
  readonly peakConcurrency = { overall: 0, byKey: new Map<string, number>() };
  private pending: QueuedEvent[] = [];
  private pushedAt: number[] = [];
  private running = new Map<string, number>();
  private inFlight = 0;
  duplicateDelivery = false;

  constructor(
    private readonly now: () => number,
    private readonly consumer: (queueName: string) => { longRunning: boolean },
    private readonly invoke: (event: QueuedEvent) => Promise<DeliveryOutcome>,
  ) {}

  size(): number {
    return this.pending.length + this.inFlight;
  }

  /**
   * Forgets every event not yet delivered (those waiting for their delay or a retry), as a sandbox restart
   * does: a fault Forge itself does not cause, for proving the pollers recover jobs whose events are gone.
   */
  dropUndelivered(): number {
    return this.pending.splice(0).length;
  }

  nextDueAt(): number | undefined {
    return this.pending.length ? Math.min(...this.pending.map((e) => e.dueAt)) : undefined;
  }

  /** The push endpoint: answers as Forge does (201, or 413/429 that @forge/events turns into typed errors). */
  push(request: PushRequest): { status: number; body: unknown } {
    const now = this.now();
    const { longRunning } = this.consumer(request.queueName);
    if (request.payload.length > MAX_EVENTS_PER_PUSH)
      return { status: 400, body: { message: `at most ${MAX_EVENTS_PER_PUSH} events a push` } };
    if (Buffer.byteLength(JSON.stringify(request.payload)) > MAX_PUSH_BYTES)
      return { status: 413, body: { errorMessage: 'The maximum payload size is 200KB.' } };
    for (const event of request.payload) {
      if (longRunning && Buffer.byteLength(JSON.stringify(event)) > MAX_EVENT_BYTES_LONG_RUNNING) {
        return {
          status: 413,
          body: { errorMessage: 'An event for a consumer with a timeout above 55 seconds may be at most 100KB.' },
        };
      }
      if ((event.delayInSeconds ?? 0) < 0 || (event.delayInSeconds ?? 0) > MAX_DELAY_SECONDS)
        return { status: 400, body: { message: 'delayInSeconds must be between 0 and 900' } };
      if (
        event.concurrency &&
        !(Number.isInteger(event.concurrency.limit) && event.concurrency.limit >= 1 && event.concurrency.key)
      ) {
        return { status: 400, body: { message: 'concurrency needs a key and a limit of at least 1' } };
      }
    }
    this.pushedAt = this.pushedAt.filter((t) => t > now - 60_000);
    if (this.pushedAt.length + request.payload.length > MAX_EVENTS_PER_MINUTE)
      return { status: 429, body: { message: 'Too many requests.' } };
    for (const event of request.payload) {
      this.pushedAt.push(now);
      const queued: QueuedEvent = {
        queueName: request.queueName,
        jobId: request.jobId,
        eventId: randomUUID(),
        body: event.body,
        dueAt: now + (event.delayInSeconds ?? 0) * 1000,
        retryCount: 0,
        ...(event.concurrency ? { concurrency: event.concurrency } : {}),
      };
      this.pending.push(queued);
      // Forge delivers at least once; the sandbox can make the duplicate certain.
      if (this.duplicateDelivery) this.pending.push({ ...queued });
    }
    return { status: 201, body: {} };
  }

  /**
   * Delivers every due event, concurrently as Forge would, and those their handlers push, until nothing due is
   * left. Resolves with the number of deliveries.
   */
  async drain(): Promise<number> {
    let delivered = 0;
    const runningPromises = new Set<Promise<void>>();
    for (;;) {
      for (const event of this.startable()) {
        this.pending.splice(this.pending.indexOf(event), 1);
        delivered += 1;
        const p: Promise<void> = this.deliver(event).finally(() => runningPromises.delete(p));
        runningPromises.add(p);
      }
      if (runningPromises.size === 0) return delivered;
      await Promise.race(runningPromises);
    }
  }

  private startable(): QueuedEvent[] {
    const now = this.now();
    const started: QueuedEvent[] = [];
    const planned = new Map(this.running);
    for (const event of this.pending.filter((e) => e.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt)) {
      const key = event.concurrency?.key;
      if (key && (planned.get(key) ?? 0) >= (event.concurrency as Concurrency).limit) continue;
      if (key) planned.set(key, (planned.get(key) ?? 0) + 1);
      started.push(event);
    }
    return started;
  }

  private async deliver(event: QueuedEvent): Promise<void> {
    const key = event.concurrency?.key;
    this.inFlight += 1;
    this.peakConcurrency.overall = Math.max(this.peakConcurrency.overall, this.inFlight);
    if (key) {
      this.running.set(key, (this.running.get(key) ?? 0) + 1);
      this.peakConcurrency.byKey.set(
        key,
        Math.max(this.peakConcurrency.byKey.get(key) ?? 0, this.running.get(key) as number),
      );
    }
    try {
      const outcome = await this.invoke(event);
      if (outcome.kind === 'ok') return;
      if (event.retryCount >= MAX_EVENT_RETRIES) {
        this.deadLetters.push(event);
        return;
      }
      // Thrown errors back off exponentially from a minute (Forge publishes no schedule; this is the sandbox's).
      const delayMs = outcome.kind === 'retry' ? outcome.retryAfterSeconds * 1000 : 60_000 * 2 ** event.retryCount;
      this.pending.push({
        ...event,
        retryCount: event.retryCount + 1,
        retryReason: outcome.reason,
        ...(outcome.kind === 'retry' && outcome.retryData !== undefined ? { retryData: outcome.retryData } : {}),
        dueAt: this.now() + delayMs,
      });
    } finally {
      this.inFlight -= 1;
      if (key) this.running.set(key, (this.running.get(key) ?? 1) - 1);
    }
  }
}
