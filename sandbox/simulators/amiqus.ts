import { createHmac, randomUUID } from 'node:crypto';
import {
  bearer,
  Faults,
  Ledger,
  type LedgerEntry,
  parseJson,
  type SimRoute,
  type SimServer,
  startSimServer,
  WindowLimiter,
} from './kit';

/**
 * Amiqus API v2 on 127.0.0.1, after PROVIDERS.md and specs/amiqus-openapi.json: bearer tokens, clients with
 * deletion dates, `deletion_date` filters with paginated lists and `links`, DELETE (204 / 403 / 404),
 * rate-limit headers on every answer and 429 with Retry-After and X-RateLimit-Reset, and signed webhook
 * deliveries with Amiqus's retry schedule (+60 s, +120 s, +600 s, +900 s; disabled after 10 failures in a row).
 */

export interface AmiqusSeedClient {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  deletable?: boolean;
  /** Days from the simulator's today: 0 today, negative overdue, positive upcoming, null not set. */
  deletionInDays?: number | null;
}

export interface Client extends AmiqusSeedClient {
  createdAt: string;
}

export interface Webhook {
  uuid: string;
  url: string;
  events: string[];
  secret: string;
  enabled: boolean;
  /** Payloads in a row that failed all five attempts (not attempts: a payload is tried 1 + 4 times). */
  consecutiveFailures: number;
}

interface Delivery {
  id: string;
  webhook: Webhook;
  body: string;
  attempt: number;
  dueAt: number;
}

export interface AmiqusSimulator {
  url: string;
  token: string;
  ledger: Ledger;
  faults: Faults;
  server: SimServer;
  seedClient(client: AmiqusSeedClient): void;
  registerWebhook(url: string, events: string[]): Webhook;
  webhooks(): Webhook[];
  /**
   * Sends an event to every enabled webhook subscribed to it (wildcards included). A number is a client id
   * (`data.client`); an object is the event's `data` as it stands (e.g. `{ organisation: {…} }`).
   */
  deliverEvent(alias: string, subject: number | Record<string, unknown>): Promise<void>;
  /** Changes what a webhook is subscribed to, as `PATCH /webhooks/{id}` does. */
  setWebhookEvents(uuid: string, events: string[]): void;
  runDueDeliveries(): Promise<void>;
  /** The simulator's data, for the sandbox to keep across restarts. */
  snapshot(): AmiqusSnapshot;
  close(): Promise<void>;
}

const RETRY_SCHEDULE_S = [60, 120, 600, 900];
/** A webhook is turned off after this many payloads in a row failed every attempt (PROVIDERS.md). */
const FAILED_PAYLOADS_TO_DISABLE = 10;

/** What a webhook may subscribe to, wildcards included (specs/amiqus-openapi.json, WebhookSubscribeEvents). */
export const AMIQUS_SUBSCRIBE_EVENTS: readonly string[] = [
  '*',
  'case.*',
  'client.*',
  'form.*',
  'record.*',
  'case.approved',
  'case.archived',
  'case.created',
  'case.item_added',
  'case.item_removed',
  'case.rejected',
  'case.status',
  'case.unarchived',
  'case.updated',
  'client.archived',
  'client.created',
  'client.deleted',
  'client.organisations',
  'client.record',
  'client.status',
  'client.unarchived',
  'client.updated',
  'client.deletion_reminder_updated',
  'client.deletion_reminder_deleted',
  'client.deletion_reminder_due',
  'form.attached',
  'form.deleted',
  'form.modified',
  'form.sent',
  'form.submitted',
  'form.updated',
  'record.bounced',
  'record.created',
  'record.finished',
  'record.reviewed',
  'record.unreviewed',
  'record.updated',
  'watchlist.updated',
];
/** What a delivery may carry (WebhookDeliveryEvents): the exact names, and `ping`. */
const DELIVERY_EVENTS = new Set([...AMIQUS_SUBSCRIBE_EVENTS.filter((e) => !e.endsWith('*')), 'ping']);
const DAY = 86_400_000;

export interface AmiqusSnapshot {
  clients: Client[];
  webhooks: Webhook[];
  ledger: LedgerEntry[];
}

export async function startAmiqusSimulator(
  options: {
    port?: number;
    now?: () => number;
    token?: string;
    rateLimit?: number;
    windowMs?: number;
    restore?: AmiqusSnapshot;
  } = {},
): Promise<AmiqusSimulator> {
  const now = options.now ?? Date.now;
  const token = options.token ?? 'aq_pat_sandbox_0123456789abcdefghijklmnop';
  const limiter = new WindowLimiter(options.rateLimit ?? 200, options.windowMs ?? 60_000);
  const clients = new Map<number, Client>();
  const webhooks: Webhook[] = [];
  const deliveries: Delivery[] = [];
  const ledger = new Ledger(options.restore?.ledger);
  const faults = new Faults();
  let base = '';
  let remaining = options.rateLimit ?? 200;
  if (options.restore) {
    for (const c of options.restore.clients) clients.set(c.id, c);
    webhooks.push(...options.restore.webhooks);
  }

  const today = () => new Date(now()).toISOString().slice(0, 10);
  const deletionDate = (c: Client) =>
    c.deletionInDays === null || c.deletionInDays === undefined
      ? null
      : new Date(Date.parse(`${today()}T00:00:00Z`) + c.deletionInDays * DAY).toISOString().slice(0, 10);
  const render = (c: Client) => ({
    object: 'client',
    id: c.id,
    status: 'approved',
    name: {
      object: 'name',
      title: null,
      other_title: null,
      first_name: c.firstName,
      middle_name: null,
      last_name: c.lastName,
      name: `${c.firstName} ${c.lastName}`,
      full_name: `${c.firstName} ${c.lastName}`,
      complete_name: `${c.firstName} ${c.lastName}`,
    },
    email: c.email,
    landline: null,
    mobile: null,
    dob: null,
    reference: null,
    is_deletable: c.deletable ?? true,
    deletion_date: deletionDate(c),
    created_at: c.createdAt,
    updated_at: c.createdAt,
    archived_at: null,
  });
  const notFound = { status: 404, body: { error: 'Not Found.' } };

  const routes: SimRoute[] = [
    { label: 'GET /status', method: 'GET', pattern: /^\/api\/v2\/status$/, handle: () => ({ status: 204 }) },
    {
      label: 'GET /clients',
      method: 'GET',
      pattern: /^\/api\/v2\/clients$/,
      handle: (req) => {
        const filter = req.url.searchParams.get('deletion_date');
        const limit = Number(req.url.searchParams.get('limit') ?? 15);
        const page = Number(req.url.searchParams.get('page') ?? 1);
        const errors: Record<string, string[]> = {};
        if (filter !== null && !['upcoming', 'today', 'overdue', 'not_set'].includes(filter))
          errors.deletion_date = ['The selected deletion date is invalid.'];
        if (!Number.isInteger(limit) || limit < 1 || limit > 100)
          errors.limit = ['The limit must be between 1 and 100.'];
        if (!Number.isInteger(page) || page < 1) errors.page = ['The page must be at least 1.'];
        if (Object.keys(errors).length > 0) return { status: 422, body: errors };
        const t = today();
        const matching = [...clients.values()]
          .filter((c) => {
            const d = deletionDate(c);
            if (filter === null) return true;
            if (filter === 'not_set') return d === null;
            if (d === null) return false;
            return filter === 'today' ? d === t : filter === 'overdue' ? d < t : d > t;
          })
          .sort((a, b) => a.id - b.id);
        const totalPages = Math.max(1, Math.ceil(matching.length / limit));
        const data = matching.slice((page - 1) * limit, page * limit).map(render);
        const link = (p: number) =>
          `${base}/api/v2/clients?${new URLSearchParams({ ...(filter ? { deletion_date: filter } : {}), page: String(p), limit: String(limit) }).toString()}`;
        const links =
          totalPages === 1
            ? null
            : { next: page < totalPages ? link(page + 1) : null, previous: page > 1 ? link(page - 1) : null };
        return {
          status: 200,
          body: {
            object: 'paginated_list',
            data,
            total: matching.length,
            count: data.length,
            limit,
            current_page: page,
            total_pages: totalPages,
            links,
          },
        };
      },
    },
    {
      label: 'GET /clients/{id}',
      method: 'GET',
      pattern: /^\/api\/v2\/clients\/(\d+)$/,
      handle: (_req, m) => {
        const c = clients.get(Number(m[1]));
        return c ? { status: 200, body: render(c) } : notFound;
      },
    },
    {
      label: 'DELETE /clients/{id}',
      method: 'DELETE',
      pattern: /^\/api\/v2\/clients\/(\d+)$/,
      handle: async (_req, m) => {
        const id = Number(m[1]);
        const c = clients.get(id);
        if (!c) return notFound;
        if (c.deletable === false)
          return {
            status: 403,
            body: { message: 'This client has requests and can only be deleted with an Admin token.' },
          };
        clients.delete(id);
        ledger.record({ at: now(), action: 'delete_client', subject: String(id) });
        await deliverEvent('client.deleted', id);
        return { status: 204 };
      },
    },
    {
      label: 'POST /webhooks',
      method: 'POST',
      pattern: /^\/api\/v2\/webhooks$/,
      handle: (req) => {
        const body = parseJson(req.body) as { url?: unknown; events?: unknown; is_enabled?: unknown } | undefined;
        const errors: Record<string, string[]> = {};
        if (typeof body?.url !== 'string' || body.url === '') errors.url = ['The url field is required.'];
        if (!Array.isArray(body?.events) || body.events.length === 0) errors.events = ['The events field is required.'];
        else
          body.events.forEach((e, i) => {
            if (typeof e !== 'string' || !AMIQUS_SUBSCRIBE_EVENTS.includes(e))
              errors[`events.${i}`] = ['The selected event is invalid.'];
          });
        if (body?.is_enabled !== undefined && typeof body.is_enabled !== 'boolean')
          errors.is_enabled = ['The is enabled field must be true or false.'];
        if (Object.keys(errors).length > 0) return { status: 422, body: errors };
        const hook = registerWebhook(body?.url as string, body?.events as string[]);
        return {
          status: 201,
          body: {
            object: 'webhook',
            uuid: hook.uuid,
            url: hook.url,
            events: hook.events,
            is_enabled: true,
            secret: hook.secret,
          },
        };
      },
    },
  ];

  function registerWebhook(url: string, events: string[]): Webhook {
    const unknown = events.filter((e) => !AMIQUS_SUBSCRIBE_EVENTS.includes(e));
    if (unknown.length > 0) throw new Error(`Amiqus has no webhook event ${unknown.join(', ')}`);
    const hook: Webhook = {
      uuid: randomUUID(),
      url,
      events,
      secret: randomUUID().replace(/-/g, ''),
      enabled: true,
      consecutiveFailures: 0,
    };
    webhooks.push(hook);
    return hook;
  }

  /** `*` takes every event and `client.*` every client event (specs/amiqus-openapi.json, Webhook.events). */
  const subscribed = (hook: Webhook, alias: string) =>
    hook.events.some((e) => e === alias || e === '*' || (e.endsWith('.*') && alias.startsWith(e.slice(0, -1))));

  function eventData(alias: string, subject: number | Record<string, unknown>): Record<string, unknown> {
    if (typeof subject !== 'number') return subject;
    // The client is gone after client.deleted, so its payload carries the id and no `show` link.
    return {
      client: alias === 'client.deleted' ? { id: subject } : { id: subject, show: `${base}/api/v2/clients/${subject}` },
    };
  }

  async function deliverEvent(alias: string, subject: number | Record<string, unknown>): Promise<void> {
    if (!DELIVERY_EVENTS.has(alias)) throw new Error(`Amiqus sends no event ${alias}`);
    for (const hook of webhooks.filter((w) => w.enabled && subscribed(w, alias))) {
      const body = JSON.stringify({
        webhook: { uuid: hook.uuid, created_at: new Date(now()).toISOString(), events: hook.events },
        trigger: { triggered_at: new Date(now()).toISOString(), alias },
        data: eventData(alias, subject),
      });
      const delivery: Delivery = { id: randomUUID(), webhook: hook, body, attempt: 1, dueAt: now() };
      await attempt(delivery);
    }
  }

  async function attempt(delivery: Delivery): Promise<void> {
    const signature = createHmac('sha256', delivery.webhook.secret).update(delivery.body).digest('base64');
    let ok = false;
    try {
      const response = await fetch(delivery.webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'X-AQID-Signature': signature,
          'X-AQID-Delivery-Id': delivery.id,
          'X-AQID-Delivery-Attempt': String(delivery.attempt),
        },
        body: delivery.body,
        signal: AbortSignal.timeout(5_000),
      });
      ok = response.status >= 200 && response.status < 300;
    } catch {
      ok = false;
    }
    ledger.record({
      at: now(),
      action: ok ? 'webhook_delivered' : 'webhook_failed',
      subject: delivery.id,
      detail: `attempt ${delivery.attempt}`,
    });
    if (ok) {
      delivery.webhook.consecutiveFailures = 0;
      return;
    }
    const wait = RETRY_SCHEDULE_S[delivery.attempt - 1];
    if (wait !== undefined) {
      deliveries.push({ ...delivery, attempt: delivery.attempt + 1, dueAt: now() + wait * 1000 });
      return;
    }
    // The fifth attempt failed too: the payload has failed.
    delivery.webhook.consecutiveFailures += 1;
    if (delivery.webhook.consecutiveFailures >= FAILED_PAYLOADS_TO_DISABLE) delivery.webhook.enabled = false;
  }

  const server = await startSimServer(routes, faults, {
    ...(options.port ? { port: options.port } : {}),
    notFound,
    before: (req) => {
      if (bearer(req) !== token) return { status: 401, body: { error: 'Unauthenticated.' } };
      const rate = limiter.hit(token, now());
      remaining = rate.remaining;
      if (rate.retryAfterMs !== null) {
        return {
          status: 429,
          body: { message: 'Too Many Attempts.' },
          headers: {
            'Retry-After': String(Math.ceil(rate.retryAfterMs / 1000)),
            'X-RateLimit-Reset': String(Math.ceil(rate.resetAt / 1000)),
            'X-RateLimit-Limit': String(limiter.limit),
            'X-RateLimit-Remaining': '0',
          },
        };
      }
      return null;
    },
    decorate: (res) => ({
      ...res,
      headers: {
        'X-RateLimit-Limit': String(limiter.limit),
        'X-RateLimit-Remaining': String(remaining),
        ...res.headers,
      },
    }),
  });
  base = server.url;

  return {
    url: `${server.url}/api/v2`,
    token,
    ledger,
    faults,
    server,
    seedClient: (c) => clients.set(c.id, { ...c, createdAt: new Date(now() - 90 * DAY).toISOString() }),
    registerWebhook,
    webhooks: () => [...webhooks],
    deliverEvent,
    setWebhookEvents: (uuid, events) => {
      const hook = webhooks.find((w) => w.uuid === uuid);
      if (hook) hook.events = [...events];
    },
    async runDueDeliveries() {
      const due = deliveries.filter((d) => d.dueAt <= now());
      for (const d of due) {
        deliveries.splice(deliveries.indexOf(d), 1);
        if (d.webhook.enabled) await attempt(d);
      }
    },
    snapshot: () => ({ clients: [...clients.values()], webhooks: [...webhooks], ledger: [...ledger.entries] }),
    close: () => server.close(),
  };
}
