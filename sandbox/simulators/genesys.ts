import { randomUUID } from 'node:crypto';
import {
  bearer,
  Faults,
  Ledger,
  type LedgerEntry,
  parseJson,
  type SimRequest,
  type SimResponse,
  type SimRoute,
  type SimServer,
  startSimServer,
  WindowLimiter,
} from './kit';

/**
 * Genesys Cloud's GDPR API on 127.0.0.1, after PROVIDERS.md and specs/genesys-gdpr-openapi.yml: client
 * credentials on /oauth/token (Basic auth), bearer tokens that expire on the simulator's clock, subject search,
 * GDPR_DELETE (deleteConfirmed as a query parameter) and GDPR_EXPORT requests that progress INITIATED →
 * SEARCHING → DELETING → FINALIZING → COMPLETED (or ERROR, with no detail), the paged request listing, Genesys
 * error bodies with contextId, and 300 requests/min for the org with `too.many.requests.retry.after`.
 */

export interface GenesysSeedContact {
  externalContactId: string;
  name: string;
  emails: string[];
  phones?: string[];
}

export interface StoredRequest {
  id: string;
  requestType: 'GDPR_DELETE' | 'GDPR_EXPORT';
  createdAt: number;
  subject: Record<string, unknown>;
  failsWithError: boolean;
  recorded: boolean;
  /** Another OAuth client (another tool) made it: the listing is the whole org's. */
  createdBy?: string;
  /** A status the request reports regardless of time (e.g. one the app does not know). */
  fixedStatus?: string;
  /** Fields missing from this entity in the listing (a malformed entity). */
  omit?: string[];
}

export interface ForeignRequest {
  requestType?: 'GDPR_DELETE' | 'GDPR_EXPORT';
  subject: Record<string, unknown>;
  createdAt: number;
  status?: string;
  omit?: string[];
}

export interface GenesysSimulator {
  loginUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** How long a request takes from INITIATED to COMPLETED (one step a status). */
  requestDurationMs: number;
  ledger: Ledger;
  faults: Faults;
  server: SimServer;
  seedContact(contact: GenesysSeedContact): void;
  /** Requests for subjects with this email end in ERROR (possibly after deleting part of the data). */
  failRequestsFor(email: string): void;
  requestCount(type?: 'GDPR_DELETE' | 'GDPR_EXPORT'): number;
  /** A request another tool of the org made; it shows in the listing like the app's own. */
  seedForeignRequest(request: ForeignRequest): string;
  /** The simulator's data, for the sandbox to keep across restarts. */
  snapshot(): GenesysSnapshot;
  close(): Promise<void>;
}

export interface GenesysSnapshot {
  contacts: GenesysSeedContact[];
  requests: StoredRequest[];
  errorEmails: string[];
  ledger: LedgerEntry[];
}

const STEPS = ['INITIATED', 'SEARCHING', 'DELETING', 'FINALIZING', 'COMPLETED'] as const;
const ALLOWED_REQUEST_FIELDS = new Set(['requestType', 'subject', 'replacementTerms', 'name']);
const SEARCH_TYPES = [
  'NAME',
  'ADDRESS',
  'PHONE',
  'EMAIL',
  'TWITTER',
  'INSTAGRAM',
  'FACEBOOK',
  'APPLE_MESSAGES',
  'EXTERNAL_ID',
];
const STRING_SUBJECT_FIELDS = new Set(['name', 'userId', 'externalContactId', 'externalId']);
const LIST_SUBJECT_FIELDS = new Set(['addresses', 'phoneNumbers', 'emailAddresses']);
const ALLOWED_SUBJECT_FIELDS = new Set([
  'name',
  'userId',
  'externalContactId',
  'dialerContactId',
  'journeyCustomer',
  'socialHandle',
  'externalId',
  'addresses',
  'phoneNumbers',
  'emailAddresses',
]);

export async function startGenesysSimulator(
  options: {
    port?: number;
    now?: () => number;
    stepMs?: number;
    tokenTtlSeconds?: number;
    rateLimit?: number;
    endpointLimits?: Record<string, number>;
    listingOrder?: 'shuffled' | 'oldest_first' | 'newest_first';
    restore?: GenesysSnapshot;
  } = {},
): Promise<GenesysSimulator> {
  const now = options.now ?? Date.now;
  const stepMs = options.stepMs ?? 2 * 60_000;
  const clientId = 'sandbox-genesys-client';
  const clientSecret = 'sandbox-genesys-secret-0123456789';
  const tokens = new Map<string, number>();
  const contacts: GenesysSeedContact[] = [];
  const requests: StoredRequest[] = [];
  // Lookups a backlog needs: contacts by email, requests by id, and the listing's order (kept until a request is added).
  const contactsByEmail = new Map<string, GenesysSeedContact[]>();
  const requestsById = new Map<string, StoredRequest>();
  let listed: StoredRequest[] | null = null;
  const addContact = (c: GenesysSeedContact) => {
    contacts.push(c);
    for (const e of new Set(c.emails.map((x) => x.toLowerCase())))
      contactsByEmail.set(e, [...(contactsByEmail.get(e) ?? []), c]);
  };
  const addRequest = (r: StoredRequest) => {
    requests.push(r);
    requestsById.set(r.id, r);
    listed = null;
  };
  const errorEmails = new Set<string>();
  const limiter = new WindowLimiter(options.rateLimit ?? 300, 60_000);
  // Per token and endpoint, and reported in inin-ratelimit-*; some endpoints allow fewer than 300/min.
  const tokenLimiters = new Map<string, WindowLimiter>();
  const tokenLimiter = (label: string) => {
    let l = tokenLimiters.get(label);
    if (!l) tokenLimiters.set(label, (l = new WindowLimiter(options.endpointLimits?.[label] ?? 300, 60_000)));
    return l;
  };
  let counted: { allowed: number; count: number; resetAt: number } | null = null;
  const ledger = new Ledger(options.restore?.ledger);
  const faults = new Faults();
  if (options.restore) {
    for (const c of options.restore.contacts) addContact(c);
    for (const r of options.restore.requests) addRequest(r);
    for (const e of options.restore.errorEmails) errorEmails.add(e);
  }

  const error = (status: number, code: string, message: string): SimResponse => ({
    status,
    body: { message, code, status, contextId: randomUUID(), details: [], errors: [] },
  });

  function statusOf(r: StoredRequest): string {
    const step = Math.min(STEPS.length - 1, Math.floor((now() - r.createdAt) / stepMs));
    if (r.failsWithError && step >= 3) return 'ERROR';
    const status = STEPS[step] as string;
    if (status === 'COMPLETED' && r.requestType === 'GDPR_DELETE' && !r.recorded) {
      r.recorded = true;
      ledger.record({ at: now(), action: 'subject_deleted', subject: subjectKey(r.subject) });
    }
    return status;
  }

  function render(r: StoredRequest) {
    const status = r.fixedStatus ?? statusOf(r);
    const body: Record<string, unknown> = {
      id: r.id,
      requestType: r.requestType,
      createdDate: new Date(r.createdAt).toISOString(),
      createdBy: { id: r.createdBy ?? clientId, selfUri: `/api/v2/oauth/clients/${r.createdBy ?? clientId}` },
      status,
      subject: r.subject,
      ...(r.requestType === 'GDPR_EXPORT' && status === 'COMPLETED'
        ? { resultsUrl: `${apiBase()}/exports/${r.id}.zip`, resultsUrls: [`${apiBase()}/exports/${r.id}.zip`] }
        : {}),
      selfUri: `/api/v2/gdpr/requests/${r.id}`,
    };
    for (const field of r.omit ?? []) delete body[field];
    return body;
  }

  let server: SimServer | null = null;
  const apiBase = () => server?.url ?? '';

  const routes: SimRoute[] = [
    {
      label: 'POST /oauth/token',
      method: 'POST',
      pattern: /^\/oauth\/token$/,
      handle: (req) => {
        const basic = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
        const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
        if (id !== clientId || secret !== clientSecret)
          return { status: 401, body: { error: 'invalid_client', description: 'client authentication failed' } };
        if (new URLSearchParams(req.body).get('grant_type') !== 'client_credentials')
          return { status: 400, body: { error: 'unsupported_grant_type' } };
        const token = `gc_${randomUUID().replace(/-/g, '')}`;
        const ttl = options.tokenTtlSeconds ?? 86_400;
        tokens.set(token, now() + ttl * 1000);
        return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: ttl } };
      },
    },
    {
      label: 'GET /api/v2/gdpr/subjects',
      method: 'GET',
      pattern: /^\/api\/v2\/gdpr\/subjects$/,
      handle: (req) => {
        const type = req.url.searchParams.get('searchType');
        const value = (req.url.searchParams.get('searchValue') ?? '').toLowerCase();
        if (!type || !value)
          return error(
            400,
            'bad.request',
            'The request could not be understood by the server due to malformed syntax.',
          );
        if (!SEARCH_TYPES.includes(type)) return badQueryValue(type, 'searchType', SEARCH_TYPES.join(', '));
        const hits =
          type === 'EMAIL'
            ? (contactsByEmail.get(value) ?? [])
            : contacts.filter((c) =>
                type === 'PHONE'
                  ? (c.phones ?? []).includes(value)
                  : type === 'NAME'
                    ? c.name.toLowerCase() === value
                    : false,
              );
        return {
          status: 200,
          body: {
            entities: hits.map((c) => ({
              name: c.name,
              externalContactId: c.externalContactId,
              emailAddresses: c.emails,
              phoneNumbers: c.phones ?? [],
            })),
            pageSize: 25,
            pageNumber: 1,
            total: hits.length,
            pageCount: 1,
          },
        };
      },
    },
    {
      label: 'POST /api/v2/gdpr/requests',
      method: 'POST',
      pattern: /^\/api\/v2\/gdpr\/requests$/,
      handle: (req) => createRequest(req),
    },
    {
      label: 'GET /api/v2/gdpr/requests/{requestId}',
      method: 'GET',
      pattern: /^\/api\/v2\/gdpr\/requests\/([^/]+)$/,
      handle: (_req, m) => {
        const r = requestsById.get(m[1] as string);
        return r
          ? { status: 200, body: render(r) }
          : error(404, 'not.found', 'The requested GDPR request was not found');
      },
    },
    {
      label: 'GET /api/v2/gdpr/requests',
      method: 'GET',
      pattern: /^\/api\/v2\/gdpr\/requests$/,
      handle: (req) => {
        for (const name of ['pageSize', 'pageNumber']) {
          const raw = req.url.searchParams.get(name);
          if (raw !== null && !/^-?\d+$/.test(raw)) return badQueryValue(raw, name, 'a 32-bit integer');
        }
        const pageSize = Math.min(100, Math.max(1, Number(req.url.searchParams.get('pageSize') ?? 25)));
        const pageNumber = Math.max(1, Number(req.url.searchParams.get('pageNumber') ?? 1));
        // Genesys documents no order for this listing: by default the simulator lists by request id, which
        // has nothing to do with time, so the app cannot lean on one.
        const order = options.listingOrder ?? 'shuffled';
        const newestFirst = (listed ??= [...requests].sort((a, b) =>
          order === 'shuffled'
            ? a.id < b.id
              ? -1
              : 1
            : order === 'oldest_first'
              ? a.createdAt - b.createdAt
              : b.createdAt - a.createdAt,
        ));
        const pageCount = Math.max(1, Math.ceil(newestFirst.length / pageSize));
        const entities = newestFirst.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(render);
        return {
          status: 200,
          body: {
            entities,
            pageSize,
            pageNumber,
            total: newestFirst.length,
            pageCount,
            ...(pageNumber < pageCount
              ? { nextUri: `/api/v2/gdpr/requests?pageSize=${pageSize}&pageNumber=${pageNumber + 1}` }
              : {}),
          },
        };
      },
    },
  ];

  function createRequest(req: SimRequest): SimResponse {
    if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) {
      return error(
        415,
        'unsupported.media.type',
        'Unsupported Media Type - Unsupported or incorrect media type, such as an incorrect Content-Type value in the header.',
      );
    }
    const confirmed = req.url.searchParams.get('deleteConfirmed');
    if (confirmed !== null && confirmed !== 'true' && confirmed !== 'false')
      return badQueryValue(confirmed, 'deleteConfirmed', 'true, false');
    const body = parseJson(req.body) as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return error(400, 'bad.request', 'The request could not be understood by the server due to malformed syntax.');
    if (
      body.subject !== undefined &&
      (typeof body.subject !== 'object' || body.subject === null || Array.isArray(body.subject))
    )
      return badField(body.subject, 'subject', 'GDPRSubject');
    const unknown = [
      ...Object.keys(body)
        .filter((k) => !ALLOWED_REQUEST_FIELDS.has(k))
        .map((k) => [k, 'GDPRRequest']),
      ...Object.keys((body.subject as object) ?? {})
        .filter((k) => !ALLOWED_SUBJECT_FIELDS.has(k))
        .map((k) => [k, 'GDPRSubject']),
    ];
    const first = unknown[0];
    if (first)
      return error(400, 'invalid.property', `Value [${first[0]}] is not a valid property for object [${first[1]}]`);
    if (body.requestType !== 'GDPR_DELETE' && body.requestType !== 'GDPR_EXPORT')
      return badField(body.requestType, 'requestType', 'GDPR_EXPORT, GDPR_UPDATE, GDPR_DELETE');
    if (body.requestType === 'GDPR_DELETE' && confirmed !== 'true')
      return error(400, 'bad.request', 'Delete requests must be confirmed with deleteConfirmed=true');
    const subject = (body.subject ?? {}) as Record<string, unknown>;
    // A wrongly typed field is Genesys's 400, never a crash of the simulator.
    for (const [field, v] of Object.entries(subject)) {
      if (STRING_SUBJECT_FIELDS.has(field) && typeof v !== 'string') return badField(v, field, 'a string');
      if (LIST_SUBJECT_FIELDS.has(field) && !(Array.isArray(v) && v.every((x) => typeof x === 'string')))
        return badField(v, field, 'a list of strings');
    }
    if (Object.keys(subject).length === 0) return error(400, 'invalid.value', 'subject must identify someone');
    const emails = ((subject.emailAddresses as string[] | undefined) ?? []).map((e) => e.toLowerCase());
    const stored: StoredRequest = {
      id: randomUUID(),
      requestType: body.requestType,
      createdAt: now(),
      subject,
      failsWithError: emails.some((e) => errorEmails.has(e)),
      recorded: false,
    };
    addRequest(stored);
    if (stored.requestType === 'GDPR_DELETE')
      ledger.record({ at: now(), action: 'delete_request', subject: subjectKey(subject) });
    return { status: 202, body: render(stored) };
  }

  function badQueryValue(value: string, parameter: string, allowed: string): SimResponse {
    return error(
      400,
      'invalid.query.param.value',
      `Value [${value}] is not valid for parameter [${parameter}]. Allowable values are: ${allowed}`,
    );
  }

  function badField(value: unknown, field: string, allowed: string): SimResponse {
    return error(
      400,
      'invalid.value',
      `Value [${JSON.stringify(value) ?? 'undefined'}] is not valid for field type [${field}]. Allowable values are: ${allowed}`,
    );
  }

  function tooMany(retryAfterMs: number, limit: number): SimResponse {
    const seconds = Math.ceil(retryAfterMs / 1000);
    const res = error(
      429,
      'too.many.requests.retry.after',
      `Rate limit exceeded the maximum. Retry the request in [${seconds}] seconds`,
    );
    return {
      ...res,
      body: { ...(res.body as object), limit: { key: 'requests.per.minute', namespace: 'gdpr', value: limit } },
      headers: { 'Retry-After': String(seconds) },
    };
  }

  server = await startSimServer(routes, faults, {
    ...(options.port ? { port: options.port } : {}),
    notFound: error(404, 'not.found', 'The requested resource was not found'),
    before: (req, route) => {
      counted = null;
      if (route.label === 'POST /oauth/token') return null;
      const token = bearer(req);
      const expiry = token ? tokens.get(token) : undefined;
      if (!token || expiry === undefined || expiry <= now())
        return error(
          401,
          'authentication.required',
          'No authentication bearer token specified in authorization header.',
        );
      // The token's own limit for this endpoint, which Genesys reports on every answer (platform-client SDKs'
      // extended responses: inin-ratelimit-allowed, inin-ratelimit-count, inin-ratelimit-reset in seconds).
      const own = tokenLimiter(route.label);
      const mine = own.hit(`${token}|${route.label}`, now());
      counted = { allowed: own.limit, count: own.limit - mine.remaining, resetAt: mine.resetAt };
      if (mine.retryAfterMs !== null) return tooMany(mine.retryAfterMs, own.limit);
      // The documented 300/min is org-wide: every token of the client counts against one budget, and what
      // other tokens spent is invisible in this token's headers until the 429.
      const rate = limiter.hit(clientId, now());
      if (rate.retryAfterMs !== null) return tooMany(rate.retryAfterMs, limiter.limit);
      return null;
    },
    decorate: (res) =>
      counted
        ? {
            ...res,
            headers: {
              'inin-ratelimit-allowed': String(counted.allowed),
              'inin-ratelimit-count': String(counted.count),
              'inin-ratelimit-reset': String(Math.max(0, Math.ceil((counted.resetAt - now()) / 1000))),
              ...res.headers,
            },
          }
        : res,
  });

  return {
    loginUrl: server.url,
    apiUrl: server.url,
    clientId,
    clientSecret,
    requestDurationMs: stepMs * (STEPS.length - 1),
    ledger,
    faults,
    server,
    seedContact: addContact,
    failRequestsFor: (email) => errorEmails.add(email.toLowerCase()),
    requestCount: (type) => requests.filter((r) => !r.createdBy && (!type || r.requestType === type)).length,
    seedForeignRequest: (f) => {
      const id = randomUUID();
      addRequest({
        id,
        requestType: f.requestType ?? 'GDPR_DELETE',
        createdAt: f.createdAt,
        subject: f.subject,
        failsWithError: false,
        recorded: true,
        createdBy: 'other-tool-client',
        ...(f.status ? { fixedStatus: f.status } : {}),
        ...(f.omit ? { omit: f.omit } : {}),
      });
      return id;
    },
    snapshot: () => ({
      contacts: [...contacts],
      requests: [...requests],
      errorEmails: [...errorEmails],
      ledger: [...ledger.entries],
    }),
    close: () => (server as SimServer).close(),
  };
}

/** The ledger's name for a subject: its external contact id, else its first email. */
export function subjectKey(subject: Record<string, unknown>): string {
  return String(
    subject.externalContactId ?? (subject.emailAddresses as string[] | undefined)?.[0] ?? subject.userId ?? 'unknown',
  ).toLowerCase();
}
