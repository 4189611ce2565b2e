import {
  BUCKETS,
  initialBudget,
  observe,
  reservationUsable,
  reserve,
  SLACK,
  type BudgetState,
  type RateWindow,
} from '../../src/core/rate-budget';

const ADA: RateWindow[] = [
  { limit: 10, windowMs: 1_000 },
  { limit: 100, windowMs: 60_000 },
  { limit: 10_000, windowMs: 86_400_000 },
];
const GENESYS: RateWindow[] = [{ limit: 300, windowMs: 60_000 }];
const AMIQUS: RateWindow[] = [{ limit: 200, windowMs: 60_000 }];
const T0 = Date.parse('2026-11-25T09:00:00Z');

/** Reserves one call at a time for `n` callers arriving at `now`, like a burst of concurrent workers. */
function burst(
  state: BudgetState,
  n: number,
  now: number,
  aheadMs = 900_000,
): { state: BudgetState; times: number[]; refused: number } {
  const times: number[] = [];
  let refused = 0;
  for (let i = 0; i < n; i += 1) {
    const r = reserve(state, now, 1, aheadMs);
    state = r.state;
    if (r.at === null) refused += 1;
    else times.push(r.at);
  }
  return { state, times, refused };
}

/** Most calls in any interval of `windowMs` when each call is made up to `lateMs` after its reserved time. */
function maxInAnyWindow(times: number[], windowMs: number, lateMs = 0): number {
  const sorted = times.map((t) => t + lateMs).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j += 1) {
    while ((sorted[j] as number) - (sorted[i] as number) >= windowMs) i += 1;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

describe('a shared rate budget', () => {
  it('grants at once while every window has room, and never more than Ada allows per second and per minute', () => {
    const { times } = burst(initialBudget(ADA), 250, T0);
    expect(times.slice(0, 10).every((t) => t === T0)).toBe(true);
    expect(maxInAnyWindow(times, 1_000)).toBeLessThanOrEqual(10);
    expect(maxInAnyWindow(times, 60_000)).toBeLessThanOrEqual(100);
  });

  it('still keeps every window when reserved calls are made late, up to the slack', () => {
    const { times } = burst(initialBudget([{ limit: 200, windowMs: 60_000 }]), 1_000, T0);
    // Only some calls late is the worst case: the late ones crowd into the next window.
    const late = times.map((t, i) => (i % 2 === 0 ? t + (SLACK * 60_000) / BUCKETS : t));
    expect(maxInAnyWindow(late, 60_000)).toBeLessThanOrEqual(200);
  });

  it('uses at least 95% of a minute limit over a long backlog', () => {
    const { times } = burst(initialBudget([{ limit: 300, windowMs: 60_000 }]), 3_000, T0);
    const spanMin = (Math.max(...times) - T0) / 60_000;
    expect(3_000 / spanMin / 300).toBeGreaterThan(0.95);
  });

  it('refuses rather than reserve beyond the longest delay a queue event can have', () => {
    const { times, refused } = burst(initialBudget([{ limit: 100, windowMs: 60_000 }]), 2_000, T0, 900_000);
    expect(Math.max(...times) - T0).toBeLessThanOrEqual(900_000);
    expect(refused).toBeGreaterThan(0);
    expect(times.length + refused).toBe(2_000);
  });

  it('keeps the 10,000 a day even when the minute windows would allow more', () => {
    const day: RateWindow[] = [
      { limit: 100, windowMs: 60_000 },
      { limit: 300, windowMs: 3_600_000 },
    ];
    let state = initialBudget(day);
    const times: number[] = [];
    for (let minute = 0; minute < 120; minute += 1) {
      const b = burst(state, 100, T0 + minute * 60_000, 0);
      state = b.state;
      times.push(...b.times);
    }
    expect(maxInAnyWindow(times, 3_600_000)).toBeLessThanOrEqual(300);
  });

  it('blocks until Retry-After after a 429, and lowers its estimate to what went through', () => {
    let state = burst(initialBudget(GENESYS), 250, T0).state;
    state = observe(state, { status: 429, retryAfterMs: 20_000 }, T0 + 1_000, {
      adoptStatedLimit: false,
      published: GENESYS,
    });
    expect(state.blockedUntil).toBe(T0 + 21_000);
    expect(state.windows[0]?.limit).toBe(249);
    const next = reserve(state, T0 + 2_000, 1, 900_000);
    expect(next.at).not.toBeNull();
    expect(next.at as number).toBeGreaterThanOrEqual(T0 + 21_000);
  });

  it('never lowers its estimate below half the published figure, however many 429s a storm brings', () => {
    let state = initialBudget(GENESYS);
    for (let i = 0; i < 20; i += 1)
      state = observe(state, { status: 429, retryAfterMs: 1_000 }, T0 + i * 60_000, {
        adoptStatedLimit: false,
        published: GENESYS,
      });
    expect(state.windows[0]?.limit).toBe(150);
    expect(reserve(state, T0 + 30 * 60_000, 3, 900_000).at).not.toBeNull();
  });

  it("lowers Genesys's limit to inin-ratelimit-allowed but never raises it above the published figure", () => {
    const genesys = initialBudget(GENESYS);
    const learning = { adoptStatedLimit: false, published: GENESYS };
    expect(observe(genesys, { status: 200, statedLimit: 180 }, T0, learning).windows[0]?.limit).toBe(180);
    expect(observe(genesys, { status: 200, statedLimit: 1_000 }, T0, learning).windows[0]?.limit).toBe(300);
  });

  it("adopts Amiqus's per-token X-RateLimit-Limit, and counts calls it saw but we did not make", () => {
    let state = initialBudget(AMIQUS);
    state = observe(state, { status: 200, statedLimit: 60, remaining: 20 }, T0, {
      adoptStatedLimit: true,
      published: AMIQUS,
    });
    expect(state.windows[0]?.limit).toBe(60);
    const { times } = burst(state, 30, T0);
    expect(times.filter((t) => t < T0 + 60_000).length).toBe(20);
  });

  it('treats 0 remaining with a reset time as no calls before the reset', () => {
    const state = observe(initialBudget(AMIQUS), { status: 200, remaining: 0, resetAt: T0 + 42_000 }, T0, {
      adoptStatedLimit: true,
      published: AMIQUS,
    });
    expect(reserve(state, T0, 1, 900_000).at as number).toBeGreaterThanOrEqual(T0 + 42_000);
  });

  it('accepts a reserved call from its time to the end of the slack, never before', () => {
    const state = initialBudget([{ limit: 100, windowMs: 60_000 }]);
    expect(reservationUsable(state, T0, T0 - 1)).toBe(false);
    expect(reservationUsable(state, T0, T0 + 1_500)).toBe(true);
    expect(reservationUsable(state, T0, T0 + 3_500)).toBe(false);
  });
});
