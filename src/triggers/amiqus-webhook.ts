import { z } from 'zod';
import { handleAmiqusWebhook } from '../app/amiqus-webhook';
import { buildAmiqusDirectory, buildDeps } from '../deps';
import { createAppJira } from '../jira/app-jira';

/** Web trigger `amiqus-webhook-endpoint`: Forge hands over the raw body, which the signature is computed on. */
const webtriggerRequestSchema = z.object({
  body: z.string().default(''),
  headers: z.record(z.string(), z.array(z.string())).default({}),
});

/**
 * Forge passes header names in the caller's casing (its docs show `Content-Type` beside `accept-encoding`:
 * https://developer.atlassian.com/platform/forge/manifest-reference/modules/web-trigger/), and HTTP header
 * names are case-insensitive (RFC 9110 §5.1), so a look-up must ignore case.
 */
export function headerValue(headers: Record<string, string[]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(headers).find(([key]) => key.toLowerCase() === wanted)?.[1][0];
}

export async function amiqusWebhook(
  request: unknown,
): Promise<{ statusCode: number; headers: Record<string, string[]>; body: string }> {
  const parsed = webtriggerRequestSchema.safeParse(request);
  if (!parsed.success) return { statusCode: 400, headers: {}, body: '' };
  const { body, headers } = parsed.data;
  const deps = await buildDeps();
  const directory = await buildAmiqusDirectory(deps.settings);
  if (!directory) return { statusCode: 404, headers: {}, body: '' };
  const response = await handleAmiqusWebhook(deps, createAppJira(), directory, {
    rawBody: body,
    header: (name) => headerValue(headers, name),
  });
  return { statusCode: response.status, headers: { 'content-type': ['text/plain'] }, body: response.body };
}
