import { join } from 'node:path';
import { SharedRateBudget } from '../../src/app/rate-budget';
import { type BudgetState, grantsBetween, type RateWindow } from '../../src/core/rate-budget';
import { rateBudgetStore } from '../../src/store/rate-budget-store';
import { ForgePlatform } from '../../sandbox/forge/runtime';
import { VirtualClock } from '../../sandbox/virtual-date';

/**
 * The shared budget on the Forge storage emulator, through the real `@forge/kvs` client: many invocations
 * at once (Promise.all, as Forge runs consumers concurrently) must never together exceed a window.
 */

const REPO_ROOT = join(__dirname, '..', '..');
const START = Date.parse('2026-11-25T09:00:00Z');
let clock: VirtualClock;
let platform: ForgePlatform;

beforeEach(() => {
  clock = new VirtualClock(() => START);
  platform = new ForgePlatform({ repoRoot: REPO_ROOT, jiraBaseUrl: 'http://127.0.0.1:9', clock }).install();
});
afterEach(() => platform.uninstall());

function invocation(windows: RateWindow[], ops?: { count: number }): SharedRateBudget {
  return new SharedRateBudget({
    key: 'genesys:test',
    windows,
    store: rateBudgetStore,
    now: () => clock.now(),
    adoptStatedLimit: false,
    onStorageOp: () => void (ops && (ops.count += 1)),
  });
}

describe('the rate budget shared through Forge storage', () => {
  it('never grants more than the limit to invocations racing for it, and grants all of it', async () => {
    const windows = [{ limit: 25, windowMs: 60_000 }];
    let granted = 0;
    // Waves of 20 concurrent invocations, as Forge runs consumers concurrently; losers of a race come back.
    for (let wave = 0; wave < 6; wave += 1) {
      const decisions = await Promise.all(Array.from({ length: 20 }, () => invocation(windows).acquire()));
      granted += decisions.filter((d) => d.ok).length;
      expect(granted).toBeLessThanOrEqual(25);
    }
    expect(granted).toBe(25);
  });

  it('reserves a later slot for a worker that will come back, and lets it call when delivered then', async () => {
    const windows = [{ limit: 2, windowMs: 60_000 }];
    for (let i = 0; i < 2; i += 1) expect((await invocation(windows).acquire()).ok).toBe(true);
    const refused = await invocation(windows).book(2);
    expect(refused.ok).toBe(false);
    if (refused.ok || !refused.slot) throw new Error('expected a reserved slot');
    // 63 s: the window's 60 one-second buckets, the one a call at the window's edge shares, and the slack.
    expect(refused.slot).toEqual({ at: START + 63_000, calls: 2 });

    clock.advance(63_500);
    const redelivered = invocation(windows);
    expect(redelivered.adopt(refused.slot)).toBe(true);
    expect(await redelivered.acquire()).toEqual({ ok: true });
    expect(await redelivered.acquire()).toEqual({ ok: true });
    // Its two calls were the reservation: a third caller in that minute waits.
    expect((await invocation(windows).acquire()).ok).toBe(false);
  });

  it('costs one read and one write for a grant, and nothing more for the calls it covers', async () => {
    const ops = { count: 0 };
    const budget = invocation([{ limit: 300, windowMs: 60_000 }], ops);
    expect((await budget.book(3)).ok).toBe(true);
    for (let i = 0; i < 3; i += 1) expect((await budget.acquire()).ok).toBe(true);
    expect(ops.count).toBe(2);
  });

  it('writes what a 429 taught so that every other invocation waits out Retry-After', async () => {
    const windows = [{ limit: 300, windowMs: 60_000 }];
    const first = invocation(windows);
    await first.acquire();
    await first.observe({ status: 429, retryAfterMs: 30_000 });
    const other = await invocation(windows).acquire();
    expect(other).toEqual({ ok: false, retryAtMs: START + 30_000, slot: null });
  });

  it('gives back booked calls it could not make inside the slack, so a poll of ten Ada jobs is not refused half way', async () => {
    // Ada's windows (PROVIDERS.md). A 10/s window is counted in 16.7 ms buckets with a slack of two, and one
    // GET to Ada takes far longer: the second call of a booking of ten is made after its slack has passed.
    const ada = [
      { limit: 10, windowMs: 1_000 },
      { limit: 100, windowMs: 60_000 },
    ];
    const budget = invocation(ada);
    expect(await budget.book(10)).toEqual({ ok: true });
    for (let call = 1; call <= 10; call += 1) {
      expect({ call, decision: await budget.acquire() }).toEqual({ call, decision: { ok: true } });
      clock.advance(80);
    }
    // What stays counted is the ten calls made, not the ten booked plus the nine granted afresh.
    const stored = await rateBudgetStore.read('genesys:test');
    expect(grantsBetween(stored?.state as BudgetState, 60_000, START, clock.now())).toBe(10);
    // And the per-second window still holds: an eleventh call inside the same second is refused.
    expect((await invocation(ada).acquire()).ok).toBe(false);
  });

  it('books no more than a limit the provider stated since the booking was sized, and grants the rest one by one', async () => {
    const windows = [{ limit: 200, windowMs: 60_000 }];
    const amiqus = (): SharedRateBudget =>
      new SharedRateBudget({
        key: 'amiqus:test',
        windows,
        store: rateBudgetStore,
        now: () => clock.now(),
        adoptStatedLimit: true,
      });
    const sizing = amiqus();
    expect(sizing.largestBooking()).toBe(200);
    // Another invocation learns the token's stated limit: 2 a minute.
    await amiqus().observe({ status: 200, statedLimit: 2, remaining: 2 });

    // A booking of 3 can never fit a window of 2: it books the 2 that fit instead of throwing.
    expect(await sizing.book(3)).toEqual({ ok: true });
    expect(sizing.holds(2)).toBe(true);
    expect(sizing.holds(3)).toBe(false);
    expect(await sizing.acquire()).toEqual({ ok: true });
    expect(await sizing.acquire()).toEqual({ ok: true });
    // The third call is a fresh grant, and the stated window is full.
    expect((await sizing.acquire()).ok).toBe(false);
  });
});
