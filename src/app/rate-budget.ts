import {
  type BudgetState,
  initialBudget,
  observe,
  prune,
  type RateObservation,
  type RateWindow,
  reconcileWindows,
  release,
  reservationUsable,
  reserve,
} from '../core/rate-budget';
import type { BudgetDecision, BudgetSlot, CallBudget } from '../providers/call-budget';

/**
 * The storage edge of a shared rate budget: one record per provider credential, written only if nobody
 * wrote it since it was read (a KVS transaction conditioned on its version). src/store/rate-budget-store.ts
 * implements it on Forge storage.
 */
export interface RateBudgetStore {
  read(key: string): Promise<{ state: BudgetState; version: number } | undefined>;
  /** False when the record changed since `expectedVersion` (or, for null, when it already exists). */
  write(key: string, state: BudgetState, expectedVersion: number | null): Promise<boolean>;
}

/** Forge delays a queue event by at most 15 minutes (Forge events docs, `delayInSeconds` ≤ 900). */
export const MAX_RESERVE_AHEAD_MS = 900_000;
/** Concurrent invocations race for the record; after this many lost races the caller comes back shortly. */
const MAX_CONFLICTS = 8;
const CONTENDED_RETRY_MS = 2_000;

export interface SharedRateBudgetOptions {
  key: string;
  windows: readonly RateWindow[];
  store: RateBudgetStore;
  now: () => number;
  /** Amiqus states its limit per token: adopt it, up or down. Others' stated limits only lower ours. */
  adoptStatedLimit: boolean;
  /** Counts storage operations, for the bench's per-call figure. */
  onStorageOp?: () => void;
}

/**
 * One invocation's handle on the budget of a credential. A grant costs one read and one conditional
 * write; a worker books all the calls of its use case in one grant (`book`) and holds them in memory
 * for its next calls, so a Genesys submit (search + create) pays for storage once. A refusal reserves the
 * calls at the earliest free slot when the caller can come back for it (a queue worker), so the
 * re-delivered worker calls at once and the backlog drains in order instead of stampeding.
 */
export class SharedRateBudget implements CallBudget {
  private held: { at: number; calls: number } | null = null;
  private last: BudgetState | null = null;

  constructor(private readonly options: SharedRateBudgetOptions) {}

  /**
   * Books `calls` for a worker before it makes any: granted now (held for its next calls), or reserved
   * at the earliest free slot for it to come back to.
   */
  async book(calls: number): Promise<BudgetDecision> {
    // Calls still held from an earlier booking will not be made now: this booking replaces them.
    const held = this.held && this.held.calls > 0 ? this.held : undefined;
    this.held = null;
    return this.grant(Math.max(1, calls), {
      reserveOnRefusal: true,
      consumeOne: false,
      ...(held ? { giveBack: held } : {}),
    });
  }

  /** A slot reserved by an earlier delivery of this worker: usable if it is now its time (and not too late). */
  adopt(slot: BudgetSlot): boolean {
    const now = this.options.now();
    if (!reservationUsable(this.last ?? initialBudget(this.options.windows), slot.at, now)) return false;
    this.held = { at: slot.at, calls: slot.calls };
    return true;
  }

  /**
   * Whether this invocation still holds `calls` from its last grant or adopted slot, usable now: the jobs after
   * the first in one delivery run on what the first booked for them.
   */
  holds(calls: number): boolean {
    return (
      this.held !== null &&
      this.held.calls >= calls &&
      reservationUsable(this.last ?? initialBudget(this.options.windows), this.held.at, this.options.now())
    );
  }

  /** The most calls one booking may hold: the smallest window's limit in force. */
  largestBooking(): number {
    return Math.min(...(this.last ?? initialBudget(this.options.windows)).windows.map((w) => w.limit));
  }

  /**
   * One call now: from what this invocation holds, else a fresh grant (never a reservation: callers here cannot
   * come back). Held calls whose slack has passed are given back in the same write: they were never made, and
   * a poll that booked ten Ada reads at once cannot make the second inside the 33 ms slack of Ada's 10/s window.
   */
  async acquire(): Promise<BudgetDecision> {
    const now = this.options.now();
    const held = this.held;
    this.held = null;
    if (held && held.calls > 0) {
      if (reservationUsable(this.last ?? initialBudget(this.options.windows), held.at, now)) {
        this.held = { ...held, calls: held.calls - 1 };
        return { ok: true };
      }
      return this.grant(1, { reserveOnRefusal: false, consumeOne: true, giveBack: held });
    }
    return this.grant(1, { reserveOnRefusal: false, consumeOne: true });
  }

  private async grant(
    calls: number,
    opts: { reserveOnRefusal: boolean; consumeOne: boolean; giveBack?: { at: number; calls: number } },
  ): Promise<BudgetDecision> {
    const now = this.options.now();
    let granted = calls;
    const result = await this.update<BudgetDecision>((stored) => {
      const state = opts.giveBack ? release(stored, opts.giveBack.at, opts.giveBack.calls) : stored;
      // A booking larger than the smallest limit in force could never fit (the provider may have stated a
      // lower limit since this invocation sized it): book what fits; calls beyond it are granted one by one.
      granted = Math.max(1, Math.min(calls, ...state.windows.map((w) => w.limit)));
      const r = reserve(state, now, granted, opts.reserveOnRefusal ? MAX_RESERVE_AHEAD_MS : 0);
      if (r.at === null)
        return {
          // Refused, but what was given back stays given back.
          state: state === stored ? null : state,
          value: { ok: false, retryAtMs: r.retryAtMs, slot: null },
        };
      return {
        state: r.state,
        value: r.at > now ? { ok: false, retryAtMs: r.at, slot: { at: r.at, calls: granted } } : { ok: true },
      };
    });
    if (!result) return { ok: false, retryAtMs: now + CONTENDED_RETRY_MS, slot: null };
    if (result.ok) this.held = { at: now, calls: opts.consumeOne ? granted - 1 : granted };
    return result;
  }

  async observe(observation: RateObservation): Promise<void> {
    const now = this.options.now();
    const learn = (state: BudgetState) => observe(state, observation, now, this.learning());
    // Most answers teach nothing new: check against the copy last read before paying for a write. Under
    // concurrency that copy lags the provider by the others' calls, so `remaining` only counts once it
    // nears zero, where unseen calls (another app on the key) would matter.
    const nearEmpty =
      typeof observation.remaining === 'number' &&
      this.last &&
      observation.remaining <= Math.max(1, Math.min(...this.last.windows.map((w) => w.limit)) * 0.1);
    const relevant = nearEmpty ? observation : { ...observation, remaining: null };
    if (this.last && sameBudget(observe(this.last, relevant, now, this.learning()), this.last)) return;
    await this.update((state) => {
      const next = learn(state);
      return { state: sameBudget(next, state) ? null : next, value: undefined };
    });
  }

  private learning() {
    return { adoptStatedLimit: this.options.adoptStatedLimit, published: this.options.windows };
  }

  /** Read, change, write-if-unchanged; null after MAX_CONFLICTS lost races. */
  private async update<T>(change: (state: BudgetState) => { state: BudgetState | null; value: T }): Promise<T | null> {
    const opts = { adoptStatedLimit: this.options.adoptStatedLimit };
    for (let i = 0; i < MAX_CONFLICTS; i += 1) {
      this.options.onStorageOp?.();
      const stored = await this.options.store.read(this.options.key);
      const base = stored
        ? reconcileWindows(stored.state, this.options.windows, opts)
        : initialBudget(this.options.windows);
      this.last = base;
      const { state, value } = change(base);
      if (!state) return value;
      this.options.onStorageOp?.();
      if (
        await this.options.store.write(
          this.options.key,
          prune(state, this.options.now()),
          stored ? stored.version : null,
        )
      ) {
        this.last = state;
        return value;
      }
      // Jittered so racing invocations spread out (milliseconds: contention, not waiting for budget).
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * 2 ** i));
    }
    return null;
  }
}

function sameBudget(a: BudgetState, b: BudgetState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
