/**
 * One provider credential's rate budget, shared by every invocation (pure: the caller stores the state).
 *
 * Each published window (Ada: 10/s, 100/min, 10,000/day) is kept as counts in buckets of windowMs/60.
 * The invariant is that every run of (60 + 1 + SLACK) consecutive buckets holds at most `limit` grants:
 * a real interval of windowMs spans at most 61 buckets, and a call made up to SLACK buckets after the
 * bucket it was granted in (a re-queued worker delivered a little late) is still inside a counted run,
 * so no interval of windowMs, aligned as the provider likes, ever sees more than the limit. Grants may
 * lie in the future: a worker that finds no budget now reserves the earliest slot and re-queues itself
 * to run then, instead of sleeping inside its invocation or retrying blindly with the others.
 */

export interface RateWindow {
  /** Calls allowed per window, as published. */
  limit: number;
  windowMs: number;
}

export interface WindowState {
  windowMs: number;
  /** The limit in force: the published one, lowered (or, for a stated per-token limit, set) by what the provider said. */
  limit: number;
  /** [bucket index, grants], ascending by index; bucket index = floor(t / (windowMs / BUCKETS)). */
  buckets: Array<[number, number]>;
}

export interface BudgetState {
  windows: WindowState[];
  /** No call before this time (Retry-After, or a provider saying 0 remaining until its reset). */
  blockedUntil: number;
}

export interface RateObservation {
  status: number;
  /** A limit the provider states for this credential (Amiqus X-RateLimit-Limit, Genesys inin-ratelimit-allowed). */
  statedLimit?: number | null;
  /** Calls the provider says are left in its current window. */
  remaining?: number | null;
  /** When the provider's window resets (epoch ms). */
  resetAt?: number | null;
  /** Retry-After on a 429, in ms. */
  retryAfterMs?: number | null;
}

export const BUCKETS = 60;
/** How many buckets late a reserved call may still be made (1 s of a minute window). */
export const SLACK = 2;
const RUN = BUCKETS + 1 + SLACK;

const bucketMs = (w: { windowMs: number }) => w.windowMs / BUCKETS;

export function initialBudget(windows: readonly RateWindow[]): BudgetState {
  return { windows: windows.map((w) => ({ windowMs: w.windowMs, limit: w.limit, buckets: [] })), blockedUntil: 0 };
}

/**
 * Brings stored state in line with the configured windows (a window added or its published limit raised
 * by configuration), keeping counts and learned limits below the published ones.
 */
export function reconcileWindows(
  state: BudgetState,
  windows: readonly RateWindow[],
  opts: { adoptStatedLimit: boolean },
): BudgetState {
  return {
    blockedUntil: state.blockedUntil,
    windows: windows.map((w) => {
      const kept = state.windows.find((s) => s.windowMs === w.windowMs);
      if (!kept) return { windowMs: w.windowMs, limit: w.limit, buckets: [] };
      return { ...kept, limit: opts.adoptStatedLimit ? kept.limit : Math.min(kept.limit, w.limit) };
    }),
  };
}

/** Drops buckets that no run ending at or after `nowMs` can include. */
export function prune(state: BudgetState, nowMs: number): BudgetState {
  return {
    ...state,
    windows: state.windows.map((w) => {
      const oldest = Math.floor(nowMs / bucketMs(w)) - RUN;
      return { ...w, buckets: w.buckets.filter(([i]) => i > oldest) };
    }),
  };
}

/** Largest sum of any RUN consecutive buckets that contains bucket `at`, if `count` more were added there. */
function fits(w: WindowState, counts: ReadonlyMap<number, number>, at: number, count: number): boolean {
  let sum = 0;
  // Sliding sum over runs [m, m + RUN - 1] for m from at - RUN + 1 to at.
  for (let i = at - RUN + 1; i <= at; i += 1) sum += counts.get(i) ?? 0;
  for (let m = at - RUN + 1; m <= at; m += 1) {
    if (sum + count > w.limit) return false;
    sum += (counts.get(m + RUN) ?? 0) - (counts.get(m) ?? 0);
  }
  return true;
}

function add(w: WindowState, at: number, count: number): WindowState {
  const buckets = new Map(w.buckets);
  buckets.set(at, (buckets.get(at) ?? 0) + count);
  return { ...w, buckets: [...buckets].sort((a, b) => a[0] - b[0]) };
}

export type Reservation = { state: BudgetState; at: number } | { state: BudgetState; at: null; retryAtMs: number };

/**
 * Reserves `count` calls at the earliest time no earlier than `nowMs` that every window allows, but no
 * later than `nowMs + maxAheadMs` (Forge delays a queue event by at most 15 minutes). Returns the time
 * the calls may be made, or null when there is none that soon (with when to ask again).
 */
export function reserve(state: BudgetState, nowMs: number, count: number, maxAheadMs: number): Reservation {
  const current = prune(state, nowMs);
  if (current.windows.some((w) => count > w.limit))
    throw new RangeError(
      `cannot reserve ${count} calls in a window of ${Math.min(...current.windows.map((w) => w.limit))}`,
    );
  const horizon = nowMs + maxAheadMs;
  let t = Math.max(nowMs, current.blockedUntil);
  const counts = new Map(current.windows.map((w) => [w, new Map(w.buckets)]));
  // Each pass moves t to the start of the next bucket of the first window that refuses it; every window
  // is re-checked at the new t, so the loop ends at a time all of them accept.
  for (let guard = 0; guard < 100_000 && t <= horizon; guard += 1) {
    const refusing = current.windows.find(
      (w) => !fits(w, counts.get(w) as Map<number, number>, Math.floor(t / bucketMs(w)), count),
    );
    if (!refusing) {
      const windows = current.windows.map((w) => add(w, Math.floor(t / bucketMs(w)), count));
      return { state: { ...current, windows }, at: t };
    }
    t = (Math.floor(t / bucketMs(refusing)) + 1) * bucketMs(refusing);
  }
  return { state: current, at: null, retryAtMs: t };
}

/**
 * Gives back `count` calls granted for `grantedAt` that were never made: a booking's calls that its holder
 * could not make within the slack (one call to Ada takes far longer than the 33 ms slack of its 10/s window).
 * Left counted, they would be counted twice once the holder asks for its next call afresh, and refuse it.
 */
export function release(state: BudgetState, grantedAt: number, count: number): BudgetState {
  if (count <= 0) return state;
  return {
    ...state,
    windows: state.windows.map((w) => {
      const at = Math.floor(grantedAt / bucketMs(w));
      return {
        ...w,
        buckets: w.buckets.flatMap(([i, c]): Array<[number, number]> => {
          if (i !== at) return [[i, c]];
          const left = Math.max(0, c - count);
          return left > 0 ? [[i, left]] : [];
        }),
      };
    }),
  };
}

/** Whether a call reserved for `reservedAt` may still be made at `nowMs` (not early, not beyond the slack). */
export function reservationUsable(state: BudgetState, reservedAt: number, nowMs: number): boolean {
  if (nowMs < reservedAt) return false;
  return state.windows.every((w) => Math.floor(nowMs / bucketMs(w)) - Math.floor(reservedAt / bucketMs(w)) <= SLACK);
}

function countSince(w: WindowState, fromMs: number, toMs: number): number {
  const from = Math.floor(fromMs / bucketMs(w));
  const to = Math.floor(toMs / bucketMs(w));
  return w.buckets.filter(([i]) => i >= from && i <= to).reduce((a, [, c]) => a + c, 0);
}

/**
 * Learns from a provider's answer. A stated limit replaces the configured one only where the provider
 * states it per credential (Amiqus), and otherwise only lowers it (Genesys's inin-ratelimit-allowed);
 * `remaining` lower than our own count means calls we did not make (another app on the same key), so
 * they are counted as made now; 429 blocks until Retry-After, and lowers the minute-scale limit to what
 * actually went through, since only the provider knows a per-endpoint limit lower than the published one.
 */
export function observe(
  state: BudgetState,
  obs: RateObservation,
  nowMs: number,
  /** `published`: the windows as configured, the floor that 429s lower the limit towards and never past. */
  opts: { adoptStatedLimit: boolean; published: readonly RateWindow[] },
): BudgetState {
  let windows = state.windows;
  let blockedUntil = state.blockedUntil;
  const minuteScale = [...windows].sort((a, b) => Math.abs(a.windowMs - 60_000) - Math.abs(b.windowMs - 60_000))[0];

  if (obs.statedLimit && obs.statedLimit > 0 && minuteScale) {
    const stated = obs.statedLimit;
    windows = windows.map((w) =>
      w === minuteScale ? { ...w, limit: opts.adoptStatedLimit ? stated : Math.min(w.limit, stated) } : w,
    );
  }
  if (typeof obs.remaining === 'number' && obs.remaining >= 0 && minuteScale) {
    const target = windows.find((w) => w.windowMs === minuteScale.windowMs) as WindowState;
    const used = countSince(target, nowMs - target.windowMs, nowMs);
    const unseen = target.limit - obs.remaining - used;
    if (unseen > 0) windows = windows.map((w) => (w === target ? add(w, Math.floor(nowMs / bucketMs(w)), unseen) : w));
    if (obs.remaining === 0 && obs.resetAt) blockedUntil = Math.max(blockedUntil, obs.resetAt);
  }
  if (obs.status === 429) {
    const wait = obs.retryAfterMs ?? (obs.resetAt ? obs.resetAt - nowMs : null) ?? 1_000;
    blockedUntil = Math.max(blockedUntil, nowMs + Math.max(0, wait));
    if (!obs.statedLimit && minuteScale) {
      windows = windows.map((w) => {
        if (w.windowMs !== minuteScale.windowMs) return w;
        const through = countSince(w, nowMs - w.windowMs, nowMs);
        const published = opts.published.find((p) => p.windowMs === w.windowMs)?.limit ?? w.limit;
        // Never below half the published figure, however many 429s: one may have come from another app's calls,
        // and halving the last estimate on each 429 of a long storm would ratchet it down to one call a window.
        return { ...w, limit: Math.min(w.limit, Math.max(Math.ceil(published / 2), through - 1)) };
      });
    }
  }
  return { windows, blockedUntil };
}

/** Grants counted in buckets from `fromMs` to `toMs` in the window of `windowMs` (for tests and figures). */
export function grantsBetween(state: BudgetState, windowMs: number, fromMs: number, toMs: number): number {
  const w = state.windows.find((x) => x.windowMs === windowMs);
  return w ? countSince(w, fromMs, toMs) : 0;
}
