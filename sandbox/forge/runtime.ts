import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { entityDefinitions, type ManifestEntity } from './entity-schema';
import { KvsEmulator } from './kvs-emulator';

/**
 * The Forge platform on one machine. The pinned `@forge/api`, `@forge/kvs` and `@forge/events` reach Forge
 * only through `global.__forge_runtime__` and `global.__forge_fetch__(descriptor, path, init)`; this module
 * installs both and answers underneath them: Jira product calls go to the Jira emulator over HTTP (with the
 * acting principal), storage to the KVS emulator, queue pushes to a dispatcher that invokes the manifest's
 * consumer, and a virtual clock fires the manifest's scheduled triggers. Handlers are found from manifest.yml.
 */

type Handler = (...args: unknown[]) => unknown;

interface ManifestFunction {
  key: string;
  handler: string;
  timeoutSeconds?: number;
}
interface Manifest {
  modules: {
    function: ManifestFunction[];
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

interface QueuedEvent {
  queueName: string;
  jobId: string;
  eventId: string;
  body: unknown;
  dueAt: number;
  retryCount: number;
}

export interface InvocationStat {
  count: number;
  totalMs: number;
  maxMs: number;
  overruns: number;
}

const INTERVAL_MS = { fiveMinute: 5 * 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
/** Forge retries a failed async event; after this many retries it is given up (and recorded here). */
const MAX_EVENT_RETRIES = 4;

export interface PlatformOptions {
  repoRoot: string;
  jiraBaseUrl: string;
  clock: Clock;
  kvsFile?: string;
  /** Deliver every queue event twice: Forge's at-least-once delivery, made certain for tests. */
  duplicateDelivery?: boolean;
  loadModule?: () => Record<string, unknown>;
}

export class ForgePlatform {
  readonly manifest: Manifest;
  readonly kvs: KvsEmulator;
  readonly stats = new Map<string, InvocationStat>();
  readonly deadLetters: QueuedEvent[] = [];
  readonly jiraCalls = new Map<string, number>();
  private queue: QueuedEvent[] = [];
  private nextFire = new Map<string, number>();
  private module: Record<string, unknown> | null = null;
  private principal: string | null = null;
  private previousGlobals: { runtime: unknown; fetch: unknown } | null = null;
  duplicateDelivery: boolean;

  constructor(private readonly options: PlatformOptions) {
    this.manifest = parse(readFileSync(join(options.repoRoot, 'manifest.yml'), 'utf8')) as Manifest;
    this.kvs = new KvsEmulator({ now: () => options.clock.now(), entities: entityDefinitions(this.manifest.app.storage?.entities ?? []), ...(options.kvsFile ? { file: options.kvsFile } : {}) });
    this.duplicateDelivery = options.duplicateDelivery ?? false;
    const start = options.clock.now();
    for (const t of this.manifest.modules.scheduledTrigger ?? []) this.nextFire.set(t.key, start + INTERVAL_MS[t.interval]);
  }

  install(): this {
    const g = globalThis as Record<string, unknown>;
    this.previousGlobals = { runtime: g.__forge_runtime__, fetch: g.__forge_fetch__ };
    g.__forge_runtime__ = {
      proxy: { token: 'sandbox-proxy-token', url: 'http://forge-sandbox.invalid' },
      tracing: { traceId: randomUUID().replace(/-/g, ''), spanId: randomUUID().slice(0, 16) },
      metrics: { counter: () => ({ incr: () => undefined }), timing: () => ({ measure: () => ({ stop: () => undefined }) }) },
      appContext: {
        appId: this.manifest.app.id.split('/').pop(),
        appVersion: '1.0.0',
        environmentId: 'sandbox',
        environmentType: 'DEVELOPMENT',
        installationId: 'sandbox-installation',
        invocationId: randomUUID(),
        moduleKey: 'sandbox',
      },
      lambdaContext: { getRemainingTimeInMillis: () => 25_000 },
      externalAuth: [],
    };
    g.__forge_fetch__ = (descriptor: Record<string, unknown>, path: string, init?: RequestInit) => this.forgeFetch(descriptor, path, init ?? {});
    return this;
  }

  uninstall(): void {
    if (!this.previousGlobals) return;
    const g = globalThis as Record<string, unknown>;
    g.__forge_runtime__ = this.previousGlobals.runtime;
    g.__forge_fetch__ = this.previousGlobals.fetch;
    this.previousGlobals = null;
  }

  private async forgeFetch(descriptor: Record<string, unknown>, path: string, init: RequestInit): Promise<Response> {
    if (descriptor.type === 'kvs') {
      const reply = this.kvs.handle(path, init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {});
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      return new Response(reply.status === 204 ? null : text, { status: reply.status, headers: { 'content-type': 'application/json' } });
    }
    if (descriptor.type === 'fpp' && descriptor.remote === 'jira') {
      const actor = descriptor.provider === 'user' ? String(descriptor.accountId ?? this.principal ?? '') : 'app';
      const endpoint = `${init.method ?? 'GET'} ${path.split('?')[0]?.replace(/\/[A-Z]+-\d+|\/\d{2,}/g, '/{id}')}`;
      this.jiraCalls.set(endpoint, (this.jiraCalls.get(endpoint) ?? 0) + 1);
      const headers = new Headers(init.headers as Record<string, string> | undefined);
      headers.set('x-sandbox-actor', actor);
      return fetch(`${this.options.jiraBaseUrl}${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body as BodyInit } : {}) });
    }
    if (descriptor.type === 'fpp' && descriptor.remote === 'stargate' && path.startsWith('/webhook/queue/publish/')) {
      const push = JSON.parse(String(init.body)) as { queueName: string; jobId: string; payload: Array<{ body: unknown; delayInSeconds?: number }> };
      for (const event of push.payload) {
        this.enqueue({ queueName: push.queueName, jobId: push.jobId, eventId: randomUUID(), body: event.body, dueAt: this.options.clock.now() + (event.delayInSeconds ?? 0) * 1000, retryCount: 0 });
      }
      return new Response('{}', { status: 201, headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ message: `the sandbox does not emulate ${String(descriptor.type)}/${String(descriptor.remote)} ${path}` }), { status: 501 });
  }

  private enqueue(event: QueuedEvent): void {
    this.queue.push(event);
    if (this.duplicateDelivery && event.retryCount === 0) this.queue.push({ ...event });
  }

  private handler(functionKey: string): { fn: Handler; timeoutSeconds: number } {
    const def = this.manifest.modules.function.find((f) => f.key === functionKey);
    if (!def) throw new Error(`manifest.yml has no function ${functionKey}`);
    const [file, name] = def.handler.split('.') as [string, string];
    // The handler module is named by manifest.yml at run time, so it is required by path, as Forge does.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.module ??= this.options.loadModule ? this.options.loadModule() : (require(join(this.options.repoRoot, 'src', file)) as Record<string, unknown>);
    const fn = this.module[name];
    if (typeof fn !== 'function') throw new Error(`handler ${def.handler} is not an exported function`);
    return { fn: fn as Handler, timeoutSeconds: def.timeoutSeconds ?? 25 };
  }

  /** Runs one function as Forge would, recording its time against the manifest's limit. */
  async invoke(functionKey: string, args: unknown[], principal: string | null = null): Promise<unknown> {
    const { fn, timeoutSeconds } = this.handler(functionKey);
    const started = Date.now();
    this.principal = principal;
    try {
      return await fn(...args);
    } finally {
      this.principal = null;
      const ms = Date.now() - started;
      const stat = this.stats.get(functionKey) ?? { count: 0, totalMs: 0, maxMs: 0, overruns: 0 };
      stat.count += 1;
      stat.totalMs += ms;
      stat.maxMs = Math.max(stat.maxMs, ms);
      if (ms > timeoutSeconds * 1000) stat.overruns += 1;
      this.stats.set(functionKey, stat);
    }
  }

  async deliverProductEvent(eventType: string, payload: Record<string, unknown>, meta: { causedByApp: boolean }): Promise<unknown[]> {
    const results: unknown[] = [];
    for (const trigger of this.manifest.modules.trigger ?? []) {
      if (!trigger.events.includes(eventType)) continue;
      if (trigger.filter?.ignoreSelf && meta.causedByApp) continue;
      results.push(await this.invoke(trigger.function, [{ ...payload, eventType }, { installContext: 'ari:cloud:jira::site/sandbox' }]));
    }
    return results;
  }

  async invokeResolver(moduleKey: string, functionKey: string, payload: unknown, context: { accountId: string; issueKey?: string }): Promise<unknown> {
    const modules = [...(this.manifest.modules['jira:issuePanel'] ?? []), ...(this.manifest.modules['jira:adminPage'] ?? [])];
    const mod = modules.find((m) => m.key === moduleKey);
    if (!mod?.resolver) throw new Error(`manifest.yml has no UI module ${moduleKey} with a resolver`);
    const extension = context.issueKey ? { type: 'jira:issuePanel', issue: { key: context.issueKey } } : { type: 'jira:adminPage' };
    return this.invoke(mod.resolver.function, [{ call: { functionKey, payload }, context: { extension } }, { principal: { accountId: context.accountId } }], context.accountId);
  }

  async invokeWebtrigger(moduleKey: string, request: { method: string; headers: Record<string, string[]>; body: string }): Promise<unknown> {
    const mod = this.manifest.modules.webtrigger?.find((w) => w.key === moduleKey);
    if (!mod) throw new Error(`manifest.yml has no webtrigger ${moduleKey}`);
    return this.invoke(mod.function, [{ ...request, path: `/${moduleKey}`, queryParameters: {} }, {}]);
  }

  pendingEvents(): number {
    return this.queue.length;
  }

  /** Delivers every queue event that is due now (and those their handlers push), oldest first. */
  async drain(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const now = this.options.clock.now();
      const due = this.queue.filter((e) => e.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
      const event = due[0];
      if (!event) return delivered;
      this.queue.splice(this.queue.indexOf(event), 1);
      delivered += 1;
      await this.deliver(event);
    }
  }

  private async deliver(event: QueuedEvent): Promise<void> {
    const consumer = this.manifest.modules.consumer?.find((c) => c.queue === event.queueName);
    if (!consumer) throw new Error(`manifest.yml has no consumer for queue ${event.queueName}`);
    const asyncEvent = {
      body: event.body,
      queueName: event.queueName,
      jobId: event.jobId,
      eventId: event.eventId,
      retryContext: event.retryCount > 0 ? { retryCount: event.retryCount, retryReason: 'FUNCTION_UNHANDLED_ERROR' } : undefined,
    };
    try {
      await this.invoke(consumer.function, [asyncEvent, {}]);
    } catch {
      if (event.retryCount >= MAX_EVENT_RETRIES) this.deadLetters.push(event);
      else this.queue.push({ ...event, retryCount: event.retryCount + 1, dueAt: this.options.clock.now() + 60_000 * (event.retryCount + 1) });
    }
  }

  /**
   * Moves virtual time forward in steps, firing scheduled triggers when their interval comes round and
   * delivering queue events as they fall due.
   */
  async advance(ms: number, stepMs = 60_000): Promise<void> {
    const end = this.options.clock.now() + ms;
    while (this.options.clock.now() < end) {
      const step = Math.min(stepMs, end - this.options.clock.now());
      this.options.clock.advance(step);
      await this.drain();
      for (const t of this.manifest.modules.scheduledTrigger ?? []) {
        const next = this.nextFire.get(t.key) ?? Infinity;
        if (this.options.clock.now() >= next) {
          this.nextFire.set(t.key, next + INTERVAL_MS[t.interval]);
          await this.invoke(t.function, [{ context: { cloudId: 'sandbox', moduleKey: t.key } }, {}]);
          await this.drain();
        }
      }
    }
  }
}
