import type { z } from 'zod';
import type { ProviderId } from '../core/erasure';
import { ProviderContractError } from './errors';
import type { HttpResponse } from './http';

/**
 * Parses a provider's answer against its documented schema. A body that does not match is a typed
 * ProviderContractError naming the field, never a crash and never a silent success: an erasure must not be
 * recorded as done on the strength of a response we did not understand.
 */
export async function parseBody<S extends z.ZodType>(
  provider: ProviderId,
  endpoint: string,
  response: HttpResponse,
  schema: S,
): Promise<z.infer<S>> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    throw new ProviderContractError(provider, endpoint, '', `body is not JSON (HTTP ${response.status}, ${text.length} bytes)`);
  }
  return parseValue(provider, endpoint, json, schema);
}

export function parseValue<S extends z.ZodType>(provider: ProviderId, endpoint: string, value: unknown, schema: S): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ProviderContractError(provider, endpoint, issue ? issue.path.join('.') : '', issue?.message ?? 'invalid');
}

/** Reads an error body leniently: error bodies are informative, so a malformed one must not hide the status. */
export async function readErrorBody(response: HttpResponse): Promise<Record<string, unknown>> {
  try {
    const parsed = JSON.parse(await response.text()) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
