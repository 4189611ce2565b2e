import { OutcomeUnknown, ProviderUnavailable, RateLimited } from '../../src/providers/errors';
import { ProviderHttp } from '../../src/providers/http';
import { RateLimiter } from '../../src/providers/rate-limit';
import { nodeFetch, type Reply, scriptedServer, virtualClock } from './scripted-server';

async function run(
  script: Reply[],
  spec: { retrySafe: boolean; method?: string },
  options: {
    maxTotalMs?: number;
    random?: number;
    limiter?: (clock: ReturnType<typeof virtualClock>) => RateLimiter;
  } = {},
) {
  const server = await scriptedServer(script);
  const clock = virtualClock();
  const http = new ProviderHttp({
    provider: 'genesys',
    fetch: nodeFetch,
    clock,
    random: () => options.random ?? 0.5,
    retry: { maxTotalMs: options.maxTotalMs ?? 60_000, timeoutMs: 2_000 },
    ...(options.limiter ? { limiter: options.limiter(clock) } : {}),
  });
  try {
    const outcome = await http
      .send({ endpoint: 'POST /thing', url: server.url, method: spec.method ?? 'POST', retrySafe: spec.retrySafe })
      .then(
        (r) => ({ status: r.status }),
        (e: unknown) => ({ error: e }),
      );
    return { outcome, seen: server.seen(), sleeps: clock.sleeps, clock };
  } finally {
    await server.close();
  }
}

describe('the shared provider HTTP policy', () => {
  it('waits exactly as long as Retry-After says after a 429, then succeeds', async () => {
    const r = await run([{ status: 429, headers: { 'retry-after': '7' } }, { status: 200 }], { retrySafe: false });
    expect(r.outcome).toEqual({ status: 200 });
    expect(r.sleeps).toEqual([7000]);
  });

  it('reads Retry-After given as an HTTP date', async () => {
    const when = new Date(Date.parse('2026-11-25T09:00:30Z')).toUTCString();
    const r = await run([{ status: 429, headers: { 'retry-after': when } }, { status: 200 }], { retrySafe: true });
    expect(r.sleeps).toEqual([30_000]);
  });

  it('falls back to X-RateLimit-Reset (unix seconds) when there is no Retry-After', async () => {
    const reset = String(Date.parse('2026-11-25T09:01:00Z') / 1000);
    const r = await run([{ status: 429, headers: { 'x-ratelimit-reset': reset } }, { status: 200 }], {
      retrySafe: true,
    });
    expect(r.sleeps).toEqual([60_000]);
  });

  it('backs off with full jitter: a random share of an exponentially growing ceiling', async () => {
    const r = await run(
      [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }],
      { retrySafe: true },
      { random: 0.5 },
    );
    expect(r.sleeps).toEqual([125, 250, 500]);
  });

  it('retries 503 even for a request that is not idempotent: the provider did not act on it', async () => {
    const r = await run([{ status: 503 }, { status: 202 }], { retrySafe: false });
    expect(r.outcome).toEqual({ status: 202 });
    expect(r.seen).toBe(2);
  });

  it('never repeats a non-idempotent request after a 500: the outcome is unknown and must be reconciled', async () => {
    const r = await run([{ status: 500 }, { status: 202 }], { retrySafe: false });
    expect((r.outcome as { error: unknown }).error).toBeInstanceOf(OutcomeUnknown);
    expect(r.seen).toBe(1);
  });

  it('never repeats a non-idempotent request after a dropped connection', async () => {
    const r = await run(['drop', { status: 202 }], { retrySafe: false });
    expect((r.outcome as { error: unknown }).error).toBeInstanceOf(OutcomeUnknown);
    expect(r.seen).toBe(1);
  });

  it('repeats a retry-safe request after a 500 or a dropped connection', async () => {
    const r = await run([{ status: 500 }, 'drop', { status: 200 }], { retrySafe: true, method: 'GET' });
    expect(r.outcome).toEqual({ status: 200 });
    expect(r.seen).toBe(3);
  });

  it('gives up with RateLimited, saying when to come back, once the time budget would be exceeded', async () => {
    const r = await run(
      [{ status: 429, headers: { 'retry-after': '120' } }],
      { retrySafe: true },
      { maxTotalMs: 20_000 },
    );
    const error = (r.outcome as { error: unknown }).error as RateLimited;
    expect(error).toBeInstanceOf(RateLimited);
    expect(error.retryAfterMs).toBe(120_000);
    expect(r.sleeps).toEqual([]);
  });

  it('gives up with ProviderUnavailable after the last attempt', async () => {
    const r = await run([{ status: 503 }], { retrySafe: true });
    expect((r.outcome as { error: unknown }).error).toBeInstanceOf(ProviderUnavailable);
    expect(r.seen).toBe(5);
  });

  it('keeps to the configured rate: never more than 3 calls in any second, waiting for the window to pass', async () => {
    const server = await scriptedServer([{ status: 200 }]);
    const clock = virtualClock();
    const limiter = new RateLimiter([{ limit: 3, windowMs: 1000 }], clock);
    const http = new ProviderHttp({ provider: 'ada', fetch: nodeFetch, clock, limiter });
    const start = clock.now();
    const times: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      await http.send({ endpoint: 'GET /x', url: server.url, method: 'GET', retrySafe: true });
      times.push(clock.now() - start);
    }
    await server.close();
    expect(times).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
    for (const t of times) expect(times.filter((u) => u > t - 1000 && u <= t).length).toBeLessThanOrEqual(3);
  });

  it('pauses until X-RateLimit-Reset when the provider says no calls remain, and adopts X-RateLimit-Limit', async () => {
    const reset = String(Date.parse('2026-11-25T09:00:10Z') / 1000);
    const server = await scriptedServer([
      { status: 200, headers: { 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } },
      { status: 200 },
    ]);
    const clock = virtualClock();
    const http = new ProviderHttp({
      provider: 'amiqus',
      fetch: nodeFetch,
      clock,
      limiter: new RateLimiter([{ limit: 200, windowMs: 60_000 }], clock, true),
    });
    await http.send({ endpoint: 'GET /x', url: server.url, method: 'GET', retrySafe: true });
    await http.send({ endpoint: 'GET /x', url: server.url, method: 'GET', retrySafe: true });
    await server.close();
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(10_000);
  });
});
