import { asRetryRequest } from './queue-emulator';

/**
 * Atlassian app (product) events, delivered to the manifest's triggers as Forge delivers them:
 * - late and out of order: each event waits its own delay, seconds to minutes, so two changes to one issue can
 *   arrive reversed (Forge promises neither timing nor order; an app must read the issue, not trust the event);
 * - retried only when the trigger returns an `InvocationError` (@forge/events), at most MAX_PRODUCT_EVENT_RETRIES
 *   times, after its retryAfter; a trigger that throws is not retried, so the event is lost
 *   (https://developer.atlassian.com/platform/forge/events-reference/product_events/, "Retry product events");
 * - with the payload fields of https://developer.atlassian.com/platform/forge/events-reference/jira/ , plus
 *   `selfGenerated` (whether the app caused it) and `timestamp`, for every issue update, not only transitions.
 */

export const MAX_PRODUCT_EVENT_RETRIES = 4;
export const MIN_DELIVERY_DELAY_MS = 2_000;
export const MAX_DELIVERY_DELAY_MS = 3 * 60_000;

export interface PendingProductEvent {
  functionKey: string;
  eventType: string;
  payload: Record<string, unknown>;
  dueAt: number;
  retryCount: number;
  selfGenerated: boolean;
}

export type TriggerOutcome = { kind: 'ok' } | { kind: 'threw'; error: unknown } | { kind: 'returned'; value: unknown };

/** A small deterministic PRNG (mulberry32), so a run's delivery order can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class ProductEventBus {
  readonly lost: Array<{ event: PendingProductEvent; reason: string }> = [];
  readonly delivered: PendingProductEvent[] = [];
  private pending: PendingProductEvent[] = [];

  constructor(
    private readonly now: () => number,
    private readonly random: () => number,
    private readonly invoke: (event: PendingProductEvent) => Promise<TriggerOutcome>,
    /** Delivery lag bounds; a test may set both to 0 for immediate delivery. */
    private readonly delay = { min: MIN_DELIVERY_DELAY_MS, max: MAX_DELIVERY_DELAY_MS },
  ) {}

  size(): number {
    return this.pending.length;
  }

  nextDueAt(): number | undefined {
    return this.pending.length ? Math.min(...this.pending.map((e) => e.dueAt)) : undefined;
  }

  publish(functionKey: string, eventType: string, payload: Record<string, unknown>, selfGenerated: boolean): void {
    const at = this.now();
    const lag = this.delay.min + Math.floor(this.random() * (this.delay.max - this.delay.min));
    this.pending.push({
      functionKey,
      eventType,
      payload: { ...payload, eventType, selfGenerated, timestamp: new Date(at).toISOString() },
      dueAt: at + lag,
      retryCount: 0,
      selfGenerated,
    });
  }

  /** Delivers every event now due, concurrently (Forge invokes triggers independently). */
  async deliverDue(): Promise<number> {
    const now = this.now();
    const due = this.pending.filter((e) => e.dueAt <= now);
    this.pending = this.pending.filter((e) => e.dueAt > now);
    await Promise.all(due.map((event) => this.deliver(event)));
    return due.length;
  }

  private async deliver(event: PendingProductEvent): Promise<void> {
    const outcome = await this.invoke(event);
    if (outcome.kind === 'ok') return void this.delivered.push(event);
    if (outcome.kind === 'threw')
      return void this.lost.push({
        event,
        reason: `the trigger threw (${String((outcome.error as Error)?.message ?? outcome.error)}); Forge does not retry that`,
      });
    const retry = asRetryRequest(outcome.value);
    if (!retry) return void this.delivered.push(event);
    if (event.retryCount >= MAX_PRODUCT_EVENT_RETRIES)
      return void this.lost.push({ event, reason: `asked for a retry after ${MAX_PRODUCT_EVENT_RETRIES} retries` });
    this.pending.push({
      ...event,
      retryCount: event.retryCount + 1,
      dueAt: this.now() + retry.retryAfterSeconds * 1000,
      payload: { ...event.payload, retryContext: { retryCount: event.retryCount + 1, retryReason: retry.reason } },
    });
  }
}
