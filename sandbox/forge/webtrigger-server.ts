import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOn } from '../simulators/kit';
import type { ForgePlatform } from './runtime';

/**
 * The public URL Forge gives a web trigger, on loopback: `POST {url}/x/{moduleKey}` invokes the module's
 * function with Forge's request shape (raw body, multi-value headers named in the caller's casing) and answers
 * with the function's `{statusCode, headers, body}`, so a provider simulator can deliver real webhooks to the app.
 * Source for both shapes: https://developer.atlassian.com/platform/forge/manifest-reference/modules/web-trigger/
 * (the request example lists `Content-Type` beside `accept-encoding`; a dynamic response must have a numeric
 * `statusCode`, headers as string arrays and a string body, and Forge answers 500 when it is malformed).
 */
export interface WebtriggerServer {
  url: string;
  urlFor(moduleKey: string): string;
  close(): Promise<void>;
}

export interface WebtriggerResponse {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string;
}

/** The function's answer, or null when it is not a valid dynamic web trigger response (Forge then answers 500). */
export function webtriggerResponseOf(value: unknown): WebtriggerResponse | null {
  if (value === null || typeof value !== 'object') return null;
  const v = value as { statusCode?: unknown; headers?: unknown; body?: unknown };
  if (typeof v.statusCode !== 'number' || !Number.isInteger(v.statusCode) || v.statusCode < 100 || v.statusCode > 599)
    return null;
  if (v.body !== undefined && typeof v.body !== 'string') return null;
  if (v.headers !== undefined) {
    if (v.headers === null || typeof v.headers !== 'object') return null;
    for (const values of Object.values(v.headers))
      if (!Array.isArray(values) || !values.every((x) => typeof x === 'string')) return null;
  }
  return {
    statusCode: v.statusCode,
    headers: (v.headers as Record<string, string[]> | undefined) ?? {},
    body: v.body ?? '',
  };
}

/** Header names as the caller sent them: Node lower-cases `req.headers`, `rawHeaders` keeps the original. */
export function callerHeaders(rawHeaders: string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const existing = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    (headers[existing] ??= []).push(rawHeaders[i + 1] as string);
  }
  return headers;
}

export async function startWebtriggerServer(platform: ForgePlatform, port = 0): Promise<WebtriggerServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const moduleKey = /^\/x\/([^/?]+)/.exec(req.url ?? '')?.[1];
      if (!moduleKey) return void res.writeHead(404).end();
      const headers = callerHeaders(req.rawHeaders);
      const answer = webtriggerResponseOf(
        await platform.invokeWebtrigger(moduleKey, {
          method: req.method ?? 'POST',
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      if (!answer) return void res.writeHead(500).end();
      const flat = Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k, v.join(', ')]));
      res.writeHead(answer.statusCode, flat).end(answer.body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await listenOn(server, port);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  platform.webtriggerUrlFor = (moduleKey) => `${url}/x/${moduleKey}`;
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
