import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fetch as forgeFetch } from '@forge/api';
import { InvocationError, InvocationErrorCode, PayloadTooBigError, Queue, RateLimitError } from '@forge/events';
import { kvs } from '@forge/kvs';
import { invocationLimits } from '../../sandbox/forge/function-limits';
import { FunctionTimeout } from '../../sandbox/forge/invocation';
import { ForgePlatform } from '../../sandbox/forge/runtime';
import { VirtualClock } from '../../sandbox/virtual-date';
import { buildDeps, CONSUMER_CONCURRENCY } from '../../src/deps';

/**
 * The Forge runtime emulator enforces the limits of sandbox/forge/function-limits.ts (time, egress allow-list,
 * egress call cap) and queue-emulator.ts (concurrency, retries, rates, sizes), and the app's manifest and queue
 * pushes fit them.
 */

const REPO_ROOT = join(__dirname, '..', '..');
const START = Date.parse('2026-11-25T09:00:00Z');
let clock: VirtualClock;
let platform: ForgePlatform;

function withHandlers(handlers: Record<string, (...args: unknown[]) => unknown>): ForgePlatform {
  return new ForgePlatform({
    repoRoot: REPO_ROOT,
    jiraBaseUrl: 'http://127.0.0.1:9',
    clock,
    loadModule: () => handlers,
    productEventDelayMs: { min: 0, max: 0 },
  }).install();
}

beforeEach(() => {
  clock = new VirtualClock(() => START);
});
afterEach(() => platform?.uninstall());

describe('function time limits, from manifest.yml', () => {
  it('gives each of the app’s functions the limit its module has on Forge', () => {
    const m = withHandlers({}).manifest;
    const seconds = (key: string) => invocationLimits(m, key).timeoutMs / 1000;
    expect(seconds('panel-resolver')).toBe(25);
    expect(seconds('admin-resolver')).toBe(25);
    expect(seconds('on-issue-updated')).toBe(25);
    expect(seconds('amiqus-webhook')).toBe(55);
    expect(seconds('deadline-watch')).toBe(55);
    expect(seconds('erasure-job-worker')).toBe(120);
    expect(seconds('provider-status-poll')).toBe(120);
    // The app declares a timeout for the Amiqus poll, which also lifts the 100-egress-call cap.
    expect(seconds('amiqus-due-poll')).toBe(300);
    expect(invocationLimits(m, 'amiqus-due-poll').egressCap).toBeNull();
    expect(invocationLimits(m, 'deadline-watch').egressCap).toBe(100);
  });

  it('stops an invocation at its limit, and nothing it does afterwards reaches storage', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let lateWrite: unknown = 'not attempted';
    platform = withHandlers({
      deadlineWatch: async () => {
        await gate;
        try {
          await kvs.set('written-after-the-limit', true);
          lateWrite = 'stored';
        } catch (error) {
          lateWrite = (error as Error).name;
        }
      },
    });
    const running = platform.invoke('deadline-watch', [{}]);
    await platform.advance(54_000, 1_000);
    await platform.advance(2_000, 1_000);
    await expect(running).rejects.toBeInstanceOf(FunctionTimeout);
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lateWrite).toBe('StoppedInvocation');
    expect(await kvs.get('written-after-the-limit')).toBeUndefined();
    expect(platform.stats.get('deadline-watch')?.overruns).toBe(1);
  });

  it('lets an invocation that finishes inside its limit complete', async () => {
    platform = withHandlers({ panelResolver: async () => ({ ok: true }) });
    await expect(platform.invoke('panel-resolver', [{}])).resolves.toEqual({ ok: true });
    expect(platform.stats.get('panel-resolver')?.overruns).toBe(0);
  });
});

describe('egress', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('refuses a host manifest.yml does not allow, and lets an allowed one through', async () => {
    platform = withHandlers({
      deadlineWatch: async () => (await forgeFetch(`${origin}/x`)).status,
    });
    await expect(platform.invoke('deadline-watch', [{}])).rejects.toThrow(
      /not included in the external fetch backend permissions/,
    );
    platform.egressAliases.set(origin, 'tenant.eu.ada.support');
    await expect(platform.invoke('deadline-watch', [{}])).resolves.toBe(200);
  });

  it('answers the 101st egress call of a function without a declared timeout with 429 FETCH_LIMIT_EXCEEDED', async () => {
    const run = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 101; i += 1) statuses.push((await forgeFetch(`${origin}/x`)).status);
      return statuses;
    };
    platform = withHandlers({ deadlineWatch: run, providerStatusPoll: run });
    platform.egressAliases.set(origin, 'id.amiqus.co');
    const capped = (await platform.invoke('deadline-watch', [{}])) as number[];
    expect(capped.slice(0, 100).every((s) => s === 200)).toBe(true);
    expect(capped[100]).toBe(429);
    // provider-status-poll declares timeoutSeconds: no call cap.
    expect(((await platform.invoke('provider-status-poll', [{}])) as number[]).every((s) => s === 200)).toBe(true);
  });
});

describe('async event queue', () => {
  const queue = () => new Queue({ key: 'erasure-jobs' });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs consumers concurrently when no concurrency is set, and at most `limit` at once per concurrency key', async () => {
    let running = 0;
    let peak = 0;
    platform = withHandlers({
      erasureJobWorker: async () => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(20);
        running -= 1;
      },
    });
    await queue().push(Array.from({ length: 6 }, (_, i) => ({ body: { i } })));
    await platform.drain();
    expect(peak).toBe(6);

    peak = 0;
    await queue().push(
      Array.from({ length: 6 }, (_, i) => ({ body: { i }, concurrency: { key: 'erasure-ada', limit: 2 } })),
    );
    await platform.drain();
    expect(peak).toBe(2);
    expect(platform.queue.peakConcurrency.byKey.get('erasure-ada')).toBe(2);
  });

  it('retries a consumer that throws, with back-off and a retryContext, and gives up after four retries', async () => {
    const seen: Array<{ at: number; retry: unknown }> = [];
    platform = withHandlers({
      erasureJobWorker: (event: unknown) => {
        seen.push({ at: clock.now(), retry: (event as { retryContext?: unknown }).retryContext });
        throw new Error('provider down');
      },
    });
    await queue().push({ body: { n: 1 } });
    await platform.advance(3 * 3_600_000);
    expect(seen).toHaveLength(5);
    expect(seen[1]?.retry).toMatchObject({ retryCount: 1, retryReason: 'FUNCTION_UNHANDLED_ERROR' });
    const gaps = seen.slice(1).map((s, i) => s.at - (seen[i] as { at: number }).at);
    expect(gaps.every((g, i) => i === 0 || g > (gaps[i - 1] as number))).toBe(true);
    expect(platform.deadLetters).toHaveLength(1);
  });

  it('retries a consumer that returns InvocationError after its retryAfter, capped at 900 s', async () => {
    const seen: number[] = [];
    platform = withHandlers({
      erasureJobWorker: () => {
        seen.push(clock.now());
        return seen.length === 1
          ? new InvocationError({ retryAfter: 120, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST })
          : seen.length === 2
            ? new InvocationError({ retryAfter: 5_000, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST })
            : undefined;
      },
    });
    await queue().push({ body: { n: 1 } });
    await platform.advance(30 * 60_000, 10_000);
    expect(seen).toHaveLength(3);
    expect(seen[1]! - seen[0]!).toBe(120_000);
    expect(seen[2]! - seen[1]!).toBe(900_000);
  });

  it('refuses more than 500 events a minute, and an event over 100 KB for a long-running consumer', async () => {
    platform = withHandlers({ erasureJobWorker: () => undefined });
    for (let i = 0; i < 10; i += 1) await queue().push(Array.from({ length: 50 }, (_, j) => ({ body: { i, j } })));
    await expect(queue().push({ body: { one: 'more' } })).rejects.toBeInstanceOf(RateLimitError);
    clock.advance(61_000);
    await expect(queue().push({ body: { one: 'more' } })).resolves.toBeDefined();
    await expect(queue().push({ body: { big: 'x'.repeat(101 * 1024) } })).rejects.toBeInstanceOf(PayloadTooBigError);
  });

  it('the app pushes each erasure job with its provider’s concurrency key, so Forge never runs them unbounded', async () => {
    platform = withHandlers({ erasureJobWorker: () => undefined });
    const deps = await buildDeps();
    await deps.queue.push([
      { ticketKey: 'DSAR-1', provider: 'ada', attempt: 1 },
      { ticketKey: 'DSAR-1', provider: 'genesys', attempt: 1 },
    ]);
    const pending = (platform.queue as unknown as { pending: Array<{ concurrency?: { key: string; limit: number } }> })
      .pending;
    expect(pending.map((e) => e.concurrency)).toEqual([
      { key: 'erasure-ada', limit: CONSUMER_CONCURRENCY.ada },
      { key: 'erasure-genesys', limit: CONSUMER_CONCURRENCY.genesys },
    ]);
  });
});

describe('scheduled triggers', () => {
  it('records a scheduled handler that answers anything but { statusCode } as an error, as Forge does', async () => {
    platform = withHandlers({
      providerStatusPoll: () => ({ polled: 3 }),
      deadlineWatch: () => ({ statusCode: 200 }),
      amiqusDuePoll: () => ({ statusCode: 200 }),
    });
    await platform.advance(5 * 60_000);
    expect(platform.scheduledErrors).toEqual([{ functionKey: 'provider-status-poll', returned: { polled: 3 } }]);
  });
});
