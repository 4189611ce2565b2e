import type { z } from 'zod';
import type { ProviderId } from '../core/erasure';
import { ProviderAuthError, ProviderContractError, type ProviderError, ProviderHttpError } from './errors';
import type { HttpResponse } from './http';
import type { ErrorBodyDescription, ProviderDescription } from './port';

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
    throw new ProviderContractError(
      provider,
      endpoint,
      '',
      `body is not JSON (HTTP ${response.status}, ${text.length} bytes)`,
    );
  }
  return parseValue(provider, endpoint, json, schema);
}

export function parseValue<S extends z.ZodType>(
  provider: ProviderId,
  endpoint: string,
  value: unknown,
  schema: S,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ProviderContractError(provider, endpoint, issue ? issue.path.join('.') : '', issue?.message ?? 'invalid');
}

/** Reads an error body leniently: error bodies are informative, so a malformed one must not hide the status. */
export async function readErrorBody(response: HttpResponse): Promise<Record<string, unknown>> {
  try {
    const parsed = JSON.parse(await response.text()) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * The typed error for a provider's failed answer, read as its description says its error bodies read: the one
 * mapper every client uses, so a refused credential or a provider's message is reported the same everywhere.
 */
export async function failureOf(
  description: Pick<ProviderDescription, 'id' | 'errors'>,
  endpoint: string,
  response: HttpResponse,
): Promise<ProviderError> {
  if (description.errors.authStatuses.includes(response.status))
    return new ProviderAuthError(description.id, endpoint, response.status);
  const body = await readErrorBody(response);
  return new ProviderHttpError(
    description.id,
    endpoint,
    response.status,
    errorMessage(description.errors, body) ?? '',
    errorSupportRef(description.errors, body),
  );
}

/** The provider's message in an error body: the first of the described places that holds a string. */
export function errorMessage(errors: ErrorBodyDescription, body: Record<string, unknown>): string | null {
  for (const path of errors.messageAt) {
    const value = at(body, path);
    if (typeof value === 'string') return value;
  }
  return null;
}

function errorSupportRef(errors: ErrorBodyDescription, body: Record<string, unknown>): string | null {
  const value = errors.supportRefAt ? at(body, errors.supportRefAt) : undefined;
  return typeof value === 'string' ? value : null;
}

function at(value: unknown, path: readonly (string | number)[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}
