import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CrashInjector, ioStep } from './crash';
import { entityDefinitions, type ManifestEntity } from './entity-schema';
import { egressAllowed, invocationLimits, type LimitManifest } from './function-limits';
import { FunctionTimeout, InvocationRunner } from './invocation';
import { KvsEmulator } from './kvs-emulator';
import { ProductEventBus, seededRandom, type TriggerOutcome } from './product-events';
import {
  asRetryRequest,
  type DeliveryOutcome,
  type PushRequest,
  QueueEmulator,
  type QueuedEvent,
} from './queue-emulator';

/**
 * The Forge platform on one machine. The pinned `@forge/api`, `@forge/kvs` and `@forge/events` reach Forge
 * only through `global.__forge_runtime__` and `global.__forge_fetch__(descriptor, path, init)`, and egress goes
 * through `@forge/api`'s `fetch`; this module installs all three and answers underneath them: Jira product calls
 * go to the Jira emulator over HTTP (with the acting principal), storage to the KVS emulator, queue pushes to the
 * queue emulator, product events to the manifest's triggers, and a virtual clock fires scheduled triggers.
 * Every invocation runs under Forge's limits for its module (function-limits.ts) and is stopped when its time
 * is up (invocation.ts). Handlers are found from manifest.yml.
 */

type Handler = (...args: unknown[]) => unknown;

interface Manifest {
  permissions?: LimitManifest['permissions'];
  modules: {
    function: Array<{ key: string; handler: string; timeoutSeconds?: number }>;
    trigger?: Array<{ key: string; function: string; events: string[]; filter?: { ignoreSelf?: boolean } }>;
    scheduledTrigger?: Array<{ key: string; function: string; interval: 'fiveMinute' | 'hour' | 'day' | 'week' }>;
    consumer?: Array<{ key: string; queue: string; function: string }>;
    webtrigger?: Array<{ key: string; function: string }>;
    'jira:issuePanel'?: Array<{ key: string; resolver?: { function: string } }>;
    'jira:adminPage'?: Array<{ key: string; resolver?: { function: string } }>;
  };
  app: { id: string; storage?: { entities?: ManifestEntity[] } };
}

export interface Clock {
  now(): number;
  advance(ms: number): void;
}

export interface InvocationStat {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Invocations Forge would have stopped at their time limit. */
  overruns: number;
}

const INTERVAL_MS = { fiveMinute: 5 * 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
/** How often, in real time, a running scheduled function lets the queue deliver what has fallen due. */
const DELIVERY_CHECK_MS = 20;

export interface PlatformOptions {
  repoRoot: string;
  jiraBaseUrl: string;
  clock: Clock;
  kvsFile?: string;
  /** Deliver every queue event twice: Forge's at-least-once delivery, made certain for tests. */
  duplicateDelivery?: boolean;
  /** Product events arrive 2 s to 3 min late, in a random order replayable from this seed. */
  eventSeed?: number;
  /** Product-event delivery lag; `{ min: 0, max: 0 }` delivers at once (unit tests of other behaviour). */
  productEventDelayMs?: { min: number; max: number };
  loadModule?: () => Record<string, unknown>;
}

export class ForgePlatform {
  readonly manifest: Manifest;
  readonly kvs: KvsEmulator;
  readonly stats = new Map<string, InvocationStat>();
  readonly jiraCalls = new Map<string, number>();
  readonly queue: QueueEmulator;
  readonly productEvents: ProductEventBus;
  /** Scheduled-trigger results Forge would record as errors (anything but `{ statusCode }`). */
  readonly scheduledErrors: Array<{ functionKey: string; returned: unknown }> = [];
  /** Egress origins standing in for the hosts manifest.yml allows (a simulator on loopback is "id.amiqus.co"). */
  readonly egressAliases = new Map<string, string>();
  /** Fault injection: kills a chosen invocation at a chosen step (see crash.ts). */
  readonly crashes = new CrashInjector();
  private readonly runner: InvocationRunner;
  private nextFire = new Map<string, number>();
  private module: Record<string, unknown> | null = null;
  private previousGlobals: { runtime: unknown; fetch: unknown; apiFetch: unknown } | null = null;
  /** Set by the web trigger server (sandbox/forge/webtrigger-server.ts) so webTrigger.getUrl can answer. */
  webtriggerUrlFor: ((moduleKey: string) => string) | null = null;

  constructor(private readonly options: PlatformOptions) {
    this.manifest = parse(readFileSync(join(options.repoRoot, 'manifest.yml'), 'utf8')) as Manifest;
    const now = () => options.clock.now();
    this.kvs = new KvsEmulator({
      now,
      entities: entityDefinitions(this.manifest.app.storage?.entities ?? []),
      ...(options.kvsFile ? { file: options.kvsFile } : {}),
    });
    this.runner = new InvocationRunner(now);
    this.queue = new QueueEmulator(
      now,
      (queueName) => ({
        longRunning: invocationLimits(this.manifest, this.consumerFor(queueName).function).timeoutMs > 55_000,
      }),
      (event) => this.deliver(event),
    );
    this.queue.duplicateDelivery = options.duplicateDelivery ?? false;
    this.productEvents = new ProductEventBus(
      now,
      seededRandom(options.eventSeed ?? 1),
      (event) => this.invokeTrigger(event.functionKey, event.payload),
      options.productEventDelayMs,
    );
    const start = now();
    for (const t of this.manifest.modules.scheduledTrigger ?? [])
      this.nextFire.set(t.key, start + INTERVAL_MS[t.interval]);
  }

  get duplicateDelivery(): boolean {
    return this.queue.duplicateDelivery;
  }
  set duplicateDelivery(on: boolean) {
    this.queue.duplicateDelivery = on;
  }
  get deadLetters(): QueuedEvent[] {
    return this.queue.deadLetters;
  }

  install(): this {
    const g = globalThis as Record<string, unknown>;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const api = require('@forge/api') as Record<string, unknown>;
    this.previousGlobals = { runtime: g.__forge_runtime__, fetch: g.__forge_fetch__, apiFetch: api.fetch };
    g.__forge_runtime__ = {
      proxy: { token: 'sandbox-proxy-token', url: 'http://forge-sandbox.invalid' },
      tracing: { traceId: randomUUID().replace(/-/g, ''), spanId: randomUUID().slice(0, 16) },
      metrics: {
        counter: () => ({ incr: () => undefined }),
        timing: () => ({ measure: () => ({ stop: () => undefined }) }),
      },
      appContext: {
        appId: this.manifest.app.id.split('/').pop(),
        appVersion: '1.0.0',
        environmentId: 'sandbox',
        environmentType: 'DEVELOPMENT',
        installationId: 'sandbox-installation',
        invocationId: randomUUID(),
        moduleKey: 'sandbox',
      },
      lambdaContext: {
        getRemainingTimeInMillis: () => {
          const ctx = this.runner.current();
          return ctx ? ctx.deadline - this.options.clock.now() : 25_000;
        },
      },
      externalAuth: [],
    };
    g.__forge_fetch__ = (descriptor: Record<string, unknown>, path: string, init?: RequestInit) =>
      this.forgeFetch(descriptor, path, init ?? {});
    // Egress: on Forge the runtime's proxy stands behind @forge/api's fetch; here the platform does.
    const passThrough = api.fetch as (url: string, init?: RequestInit) => Promise<Response>;
    api.fetch = (url: string, init?: RequestInit) => this.egress(passThrough, url, init);
    return this;
  }

  uninstall(): void {
    if (!this.previousGlobals) return;
    const g = globalThis as Record<string, unknown>;
    g.__forge_runtime__ = this.previousGlobals.runtime;
    g.__forge_fetch__ = this.previousGlobals.fetch;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('@forge/api') as Record<string, unknown>).fetch = this.previousGlobals.apiFetch;
    this.previousGlobals = null;
  }

  private async egress(
    passThrough: (url: string, init?: RequestInit) => Promise<Response>,
    url: string,
    init?: RequestInit,
  ): Promise<Response> {
    const ctx = this.runner.current();
    if (ctx) {
      this.runner.assertRunning();
      const target = new URL(url);
      const host = this.egressAliases.get(target.origin) ?? target.hostname;
      if (!egressAllowed(this.manifest, host)) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { ExternalEndpointNotAllowedError } = require('@forge/api') as {
          ExternalEndpointNotAllowedError: new (url: string) => Error;
        };
        throw new ExternalEndpointNotAllowedError(url);
      }
      ctx.egressCalls += 1;
      if (ctx.limits.egressCap !== null && ctx.egressCalls > ctx.limits.egressCap) {
        return new Response('', {
          status: 429,
          statusText: 'Too Many Requests',
          headers: { 'forge-proxy-error': 'FETCH_LIMIT_EXCEEDED' },
        });
      }
    }
    return ioStep(`${init?.method ?? 'GET'} ${new URL(url).pathname}`, () => passThrough(url, init));
  }

  private async forgeFetch(descriptor: Record<string, unknown>, path: string, init: RequestInit): Promise<Response> {
    this.runner.assertRunning();
    return ioStep(`${String(descriptor.type)} ${init.method ?? 'POST'} ${path.split('?')[0]}`, () =>
      this.answerForgeFetch(descriptor, path, init),
    );
  }

  private async answerForgeFetch(
    descriptor: Record<string, unknown>,
    path: string,
    init: RequestInit,
  ): Promise<Response> {
    if (descriptor.type === 'kvs') {
      const reply = this.kvs.handle(path, init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {});
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      return new Response(reply.status === 204 ? null : text, {
        status: reply.status,
        headers: { 'content-type': 'application/json' },
      });
    }
    if (descriptor.type === 'fpp' && descriptor.remote === 'jira') {
      const actor =
        descriptor.provider === 'user' ? String(descriptor.accountId ?? this.runner.current()?.principal ?? '') : 'app';
      const endpoint = `${init.method ?? 'GET'} ${path.split('?')[0]?.replace(/\/[A-Z]+-\d+|\/\d{2,}/g, '/{id}')}`;
      this.jiraCalls.set(endpoint, (this.jiraCalls.get(endpoint) ?? 0) + 1);
      const headers = new Headers(init.headers as Record<string, string> | undefined);
      headers.set('x-sandbox-actor', actor);
      return fetch(`${this.options.jiraBaseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers,
        ...(init.body !== undefined ? { body: init.body as BodyInit } : {}),
      });
    }
    if (
      descriptor.type === 'fpp' &&
      descriptor.remote === 'stargate' &&
      path === '/graphql' &&
      String(init.body).includes('createWebTriggerUrl')
    ) {
      // webTrigger.getUrl: Forge's GraphQL mutation, answered with the loopback web trigger server's URL.
      const key = (JSON.parse(String(init.body)) as { variables: { input: { triggerKey: string } } }).variables.input
        .triggerKey;
      if (!this.webtriggerUrlFor)
        return new Response(JSON.stringify({ errors: [{ message: 'no web trigger server running' }] }), {
          status: 503,
        });
      if (!this.manifest.modules.webtrigger?.some((t) => t.key === key))
        return new Response(JSON.stringify({ errors: [{ message: `manifest.yml has no web trigger ${key}` }] }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      return new Response(JSON.stringify({ data: { createWebTriggerUrl: { url: this.webtriggerUrlFor(key) } } }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }
    if (descriptor.type === 'fpp' && descriptor.remote === 'stargate' && path === '/app/report-accounts') {
      // Atlassian's personal data reporting API, answered by the Jira emulator (sandbox/jira/personal-data.ts).
      const headers = new Headers(init.headers as Record<string, string> | undefined);
      headers.set('x-sandbox-actor', 'app');
      return fetch(`${this.options.jiraBaseUrl}${path}`, {
        method: 'POST',
        headers,
        ...(init.body !== undefined ? { body: init.body as BodyInit } : {}),
      });
    }
    if (descriptor.type === 'fpp' && descriptor.remote === 'stargate' && path.startsWith('/webhook/queue/publish/')) {
      const reply = this.queue.push(JSON.parse(String(init.body)) as PushRequest);
      return new Response(JSON.stringify(reply.body), {
        status: reply.status,
        headers: { 'content-type': 'application/json' },
      });
    }
    return new Response(
      JSON.stringify({
        message: `the sandbox does not emulate ${String(descriptor.type)}/${String(descriptor.remote)} ${path}`,
      }),
      { status: 501 },
    );
  }

  private consumerFor(queueName: string): { key: string; queue: string; function: string } {
    const consumer = this.manifest.modules.consumer?.find((c) => c.queue === queueName);
    if (!consumer) throw new Error(`manifest.yml has no consumer for queue ${queueName}`);
    return consumer;
  }

  private handler(functionKey: string): Handler {
    const def = this.manifest.modules.function.find((f) => f.key === functionKey);
    if (!def) throw new Error(`manifest.yml has no function ${functionKey}`);
    const [file, name] = def.handler.split('.') as [string, string];
    // The handler module is named by manifest.yml at run time, so it is required by path, as Forge does.
    this.module ??= this.options.loadModule
      ? this.options.loadModule()
      : // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require(join(this.options.repoRoot, 'src', file)) as Record<string, unknown>);
    const fn = this.module[name];
    if (typeof fn !== 'function') throw new Error(`handler ${def.handler} is not an exported function`);
    return fn as Handler;
  }

  /** Runs one function as Forge would: under its module's limits, stopped when its time is up. */
  async invoke(functionKey: string, args: unknown[], principal: string | null = null): Promise<unknown> {
    const fn = this.handler(functionKey);
    const limits = invocationLimits(this.manifest, functionKey);
    const started = this.options.clock.now();
    let overran = false;
    try {
      return await this.runner.run(functionKey, principal, limits, () =>
        this.crashes.run(functionKey, async () => fn(...args)),
      );
    } catch (error) {
      overran = error instanceof FunctionTimeout;
      throw error;
    } finally {
      const ms = this.options.clock.now() - started;
      const stat = this.stats.get(functionKey) ?? { count: 0, totalMs: 0, maxMs: 0, overruns: 0 };
      stat.count += 1;
      stat.totalMs += ms;
      stat.maxMs = Math.max(stat.maxMs, ms);
      if (overran) stat.overruns += 1;
      this.stats.set(functionKey, stat);
    }
  }

  /** Jira emitted an event: each subscribed trigger gets it later, unless it filters out the app's own. */
  deliverProductEvent(eventType: string, payload: Record<string, unknown>, meta: { causedByApp: boolean }): void {
    for (const trigger of this.manifest.modules.trigger ?? []) {
      if (!trigger.events.includes(eventType)) continue;
      if (trigger.filter?.ignoreSelf && meta.causedByApp) continue;
      this.productEvents.publish(trigger.function, eventType, payload, meta.causedByApp);
    }
  }

  private async invokeTrigger(functionKey: string, payload: Record<string, unknown>): Promise<TriggerOutcome> {
    try {
      return {
        kind: 'returned',
        value: await this.invoke(functionKey, [payload, { installContext: 'ari:cloud:jira::site/sandbox' }]),
      };
    } catch (error) {
      return { kind: 'threw', error };
    }
  }

  async invokeResolver(
    moduleKey: string,
    functionKey: string,
    payload: unknown,
    context: { accountId: string; issueKey?: string },
  ): Promise<unknown> {
    const modules = [
      ...(this.manifest.modules['jira:issuePanel'] ?? []),
      ...(this.manifest.modules['jira:adminPage'] ?? []),
    ];
    const mod = modules.find((m) => m.key === moduleKey);
    if (!mod?.resolver) throw new Error(`manifest.yml has no UI module ${moduleKey} with a resolver`);
    const extension = context.issueKey
      ? { type: 'jira:issuePanel', issue: { key: context.issueKey } }
      : { type: 'jira:adminPage' };
    return this.invoke(
      mod.resolver.function,
      [{ call: { functionKey, payload }, context: { extension } }, { principal: { accountId: context.accountId } }],
      context.accountId,
    );
  }

  async invokeWebtrigger(
    moduleKey: string,
    request: { method: string; headers: Record<string, string[]>; body: string },
  ): Promise<unknown> {
    const mod = this.manifest.modules.webtrigger?.find((w) => w.key === moduleKey);
    if (!mod) throw new Error(`manifest.yml has no webtrigger ${moduleKey}`);
    return this.invoke(mod.function, [{ ...request, path: `/${moduleKey}`, queryParameters: {} }, {}]);
  }

  /** Queue events and product events not yet delivered (including those waiting for a retry). */
  pendingEvents(): number {
    return this.queue.size() + this.productEvents.size();
  }

  /** How long until the scheduled trigger `key` next fires (virtual time). */
  msUntilScheduled(key: string): number {
    const next = this.nextFire.get(key);
    if (next === undefined) throw new Error(`no scheduled trigger ${key} in the manifest`);
    return Math.max(0, next - this.options.clock.now());
  }

  /** What a sandbox restart does to queue events not yet delivered: they are gone (the pollers must recover). */
  dropQueuedEvents(): number {
    return this.queue.dropUndelivered();
  }

  /** Delivers every product event and queue event that is due now (and those their handlers cause). */
  async drain(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const n = (await this.productEvents.deliverDue()) + (await this.queue.drain());
      if (n === 0) return delivered;
      delivered += n;
    }
  }

  /** Moves the clock to each product event's delivery time in turn until none is waiting (a "deliver all"). */
  async settleProductEvents(): Promise<number> {
    let delivered = 0;
    for (let next = this.productEvents.nextDueAt(); next !== undefined; next = this.productEvents.nextDueAt()) {
      const wait = next - this.options.clock.now();
      if (wait > 0) this.moveClock(wait);
      delivered += await this.drain();
    }
    return delivered;
  }

  private moveClock(ms: number): void {
    this.options.clock.advance(ms);
    this.runner.checkDeadlines();
  }

  private async deliver(event: QueuedEvent): Promise<DeliveryOutcome> {
    const consumer = this.consumerFor(event.queueName);
    const asyncEvent = {
      body: event.body,
      queueName: event.queueName,
      jobId: event.jobId,
      eventId: event.eventId,
      ...(event.concurrency ? { concurrency: event.concurrency } : {}),
      ...(event.retryCount > 0
        ? {
            retryContext: {
              retryCount: event.retryCount,
              retryReason: event.retryReason ?? 'FUNCTION_UNHANDLED_ERROR',
              retryData: event.retryData,
            },
          }
        : {}),
    };
    try {
      const value = await this.invoke(consumer.function, [asyncEvent, {}]);
      const retry = asRetryRequest(value);
      return retry ? { kind: 'retry', ...retry } : { kind: 'ok' };
    } catch (error) {
      return {
        kind: 'threw',
        reason: error instanceof FunctionTimeout ? 'FUNCTION_TIME_OUT' : 'FUNCTION_UNHANDLED_ERROR',
      };
    }
  }

  /** Runs one scheduled trigger now, as its interval coming round would, and delivers what it queues. */
  async fireScheduledTrigger(key: string): Promise<void> {
    const t = this.manifest.modules.scheduledTrigger?.find((s) => s.key === key);
    if (!t) throw new Error(`manifest.yml has no scheduled trigger ${key}`);
    await this.deliveringWhile(this.fireScheduled(t.function, t.key));
    await this.drain();
  }

  /**
   * Forge runs queue consumers while a scheduled function runs: events that fall due meanwhile (the clock runs
   * at real speed inside an invocation) are delivered as they do, not held until it returns.
   */
  private async deliveringWhile(work: Promise<void>): Promise<void> {
    let finished = false;
    const running = work.finally(() => {
      finished = true;
    });
    while (!finished) {
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, DELIVERY_CHECK_MS))]);
      if (!finished) await this.drain();
    }
    await running;
  }

  /**
   * Moves virtual time forward in steps, firing scheduled triggers when their interval comes round and
   * delivering queue and product events as they fall due.
   */
  async advance(ms: number, stepMs = 60_000): Promise<void> {
    const end = this.options.clock.now() + ms;
    while (this.options.clock.now() < end) {
      this.moveClock(Math.min(stepMs, end - this.options.clock.now()));
      await this.drain();
      for (const t of this.manifest.modules.scheduledTrigger ?? []) {
        const next = this.nextFire.get(t.key) ?? Infinity;
        if (this.options.clock.now() >= next) {
          this.nextFire.set(t.key, next + INTERVAL_MS[t.interval]);
          await this.fireScheduledTrigger(t.key);
        }
      }
    }
  }

  private async fireScheduled(functionKey: string, moduleKey: string): Promise<void> {
    let returned: unknown;
    try {
      returned = await this.invoke(functionKey, [{ context: { cloudId: 'sandbox', moduleKey } }, {}]);
    } catch (error) {
      this.scheduledErrors.push({ functionKey, returned: error instanceof Error ? error.message : error });
      return;
    }
    // Forge expects a scheduled trigger to answer like a web trigger, `{ statusCode }`, and records anything
    // else as an error (https://developer.atlassian.com/platform/forge/manifest-reference/modules/scheduled-trigger/).
    const statusCode = (returned as { statusCode?: unknown } | null)?.statusCode;
    if (typeof statusCode !== 'number' || statusCode >= 400) this.scheduledErrors.push({ functionKey, returned });
  }
}
