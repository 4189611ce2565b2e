import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ForgePlatform } from './runtime';

/**
 * The public URL Forge gives a web trigger, on loopback: `POST {url}/x/{moduleKey}` invokes the module's
 * function with Forge's request shape (raw body, lower-cased multi-value headers) and answers with the
 * function's `{statusCode, headers, body}`, so a provider simulator can deliver real webhooks to the app.
 */
export interface WebtriggerServer {
  url: string;
  urlFor(moduleKey: string): string;
  close(): Promise<void>;
}

const responseOf = (value: unknown): { statusCode: number; headers: Record<string, string[]>; body: string } => {
  const v = (value ?? {}) as { statusCode?: unknown; headers?: unknown; body?: unknown };
  return {
    statusCode: typeof v.statusCode === 'number' ? v.statusCode : 200,
    headers: (v.headers as Record<string, string[]> | undefined) ?? {},
    body: typeof v.body === 'string' ? v.body : '',
  };
};

export async function startWebtriggerServer(platform: ForgePlatform): Promise<WebtriggerServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const moduleKey = /^\/x\/([^/?]+)/.exec(req.url ?? '')?.[1];
      if (!moduleKey) return void res.writeHead(404).end();
      const headers: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value : [value];
      const answer = responseOf(await platform.invokeWebtrigger(moduleKey, { method: req.method ?? 'POST', headers, body: Buffer.concat(chunks).toString('utf8') }));
      const flat = Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k, v.join(', ')]));
      res.writeHead(answer.statusCode, flat).end(answer.body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    urlFor: (moduleKey) => `${url}/x/${moduleKey}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
