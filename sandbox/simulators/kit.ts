import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What every provider simulator shares: a real HTTP server on 127.0.0.1, a route table, an injectable clock,
 * fixed-window rate limits with the provider's own 429, per-endpoint fault injection (5xx, slow answers,
 * dropped connections, malformed bodies) and a ledger of erasures so tests can prove "exactly once".
 */

export interface SimRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SimRoute {
  /** A stable label used by fault injection and contract tests, e.g. `DELETE /clients/{id}`. */
  label: string;
  method: string;
  pattern: RegExp;
  handle: (req: SimRequest, match: RegExpMatchArray) => SimResponse | Promise<SimResponse>;
}

export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' }
  | { kind: 'malformed' }
  /** Let the handler run (and change state), then drop the connection: the caller never hears the answer. */
  | { kind: 'dropAfterCommit' };

export class Faults {
  private rules: Array<{ label: string; fault: Fault; remaining: number }> = [];
  inject(label: string, fault: Fault, times = 1): void {
    this.rules.push({ label, fault, remaining: times });
  }
  take(label: string): Fault | null {
    const rule = this.rules.find((r) => r.label === label && r.remaining > 0);
    if (!rule) return null;
    rule.remaining -= 1;
    return rule.fault;
  }
  clear(): void {
    this.rules = [];
  }
}

export interface LedgerEntry {
  at: number;
  action: string;
  subject: string;
  detail?: string;
}

export class Ledger {
  readonly entries: LedgerEntry[] = [];
  /** Entries by action and subject: a backlog's bench asks about thousands of subjects among tens of thousands. */
  private readonly counts = new Map<string, number>();
  /** `entries`: what an earlier run of the simulator recorded, when the sandbox restores it. */
  constructor(entries: readonly LedgerEntry[] = []) {
    for (const entry of entries) this.record(entry);
  }
  record(entry: LedgerEntry): void {
    this.entries.push(entry);
    const key = `${entry.action}\u0000${entry.subject}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  count(action: string, subject: string): number {
    return this.counts.get(`${action}\u0000${subject}`) ?? 0;
  }
}

/** Fixed windows per key (a token, an instance), as providers document their limits. */
export class WindowLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}
  /** Counts the call; returns null if allowed, else ms until the window resets. */
  hit(key: string, now: number): { remaining: number; resetAt: number; retryAfterMs: number | null } {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now - (now % this.windowMs), count: 0 };
      this.windows.set(key, w);
    }
    const resetAt = w.start + this.windowMs;
    if (w.count >= this.limit) return { remaining: 0, resetAt, retryAfterMs: resetAt - now };
    w.count += 1;
    return { remaining: this.limit - w.count, resetAt, retryAfterMs: null };
  }
}

export interface SimServer {
  url: string;
  close(): Promise<void>;
  /** Every request answered, by route label and status, for contract tests and call counts. */
  exchanges: Array<{ label: string; method: string; path: string; status: number; body: unknown }>;
}

/** Listens on the port asked for (0: any free one); a taken port fails with a message a person can act on. */
export function listenOn(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} on 127.0.0.1 is in use: stop what uses it, or start the sandbox with --port N`)
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

export async function startSimServer(
  routes: SimRoute[],
  faults: Faults,
  options: {
    before?: (req: SimRequest, route: SimRoute) => SimResponse | null;
    decorate?: (res: SimResponse) => SimResponse;
    notFound: SimResponse;
    port?: number;
  },
): Promise<SimServer> {
  const exchanges: SimServer['exchanges'] = [];
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const sim: SimRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://127.0.0.1'),
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    const route = routes.find((r) => r.method === sim.method && r.pattern.test(sim.url.pathname));
    if (!route) return write(res, options.notFound, 'unknown', sim);
    const fault = faults.take(route.label);
    if (fault?.kind === 'drop') return void req.socket.destroy();
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'status')
      return write(
        res,
        {
          status: fault.status,
          body: fault.body ?? { message: 'injected failure' },
          ...(fault.headers ? { headers: fault.headers } : {}),
        },
        route.label,
        sim,
      );
    const early = options.before?.(sim, route);
    if (early) return write(res, early, route.label, sim);
    const answer = await route.handle(sim, sim.url.pathname.match(route.pattern) as RegExpMatchArray);
    if (fault?.kind === 'dropAfterCommit') return void req.socket.destroy();
    if (fault?.kind === 'malformed') {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      return void res.end('{"truncated": ');
    }
    write(res, answer, route.label, sim);
  }

  function write(res: ServerResponse, answer: SimResponse, label: string, sim: SimRequest): void {
    const decorated = options.decorate ? options.decorate(answer) : answer;
    exchanges.push({
      label,
      method: sim.method,
      path: sim.url.pathname,
      status: decorated.status,
      body: decorated.body,
    });
    const headers: Record<string, string> = { ...decorated.headers };
    if (decorated.body !== undefined) headers['content-type'] ??= 'application/json';
    res.writeHead(decorated.status, headers);
    res.end(
      decorated.body === undefined
        ? undefined
        : typeof decorated.body === 'string'
          ? decorated.body
          : JSON.stringify(decorated.body),
    );
  }

  await listenOn(server, options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const bearer = (req: SimRequest): string | null =>
  /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? null;

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
