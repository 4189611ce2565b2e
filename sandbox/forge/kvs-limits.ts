/**
 * Key and value limits of the Forge Key-Value and Custom Entity Store, each with the page it comes from.
 * The emulator refuses what Forge refuses, with Forge's error codes, so an app that passes here fits on Forge.
 */

// https://developer.atlassian.com/platform/forge/limits-kvs-ce/ ("Key and object size limits"):
// key length 500, key format /^(?!\s+$)[a-zA-Z0-9:._\s-#]+$/, value size 240 KiB, object depth 31.
// The error page (storage-reference/handling-errors-customentities) says depth 32; the stricter 31 is used.
export const MAX_KEY_LENGTH = 500;
export const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s#-]+$/;
export const MAX_VALUE_BYTES = 240 * 1024;
export const MAX_OBJECT_DEPTH = 31;
// https://developer.atlassian.com/platform/forge/storage-reference/transactions/ : "Each transaction can
// contain a maximum of 25 operations" and "Each key can only be used once in a transaction".
export const MAX_TRANSACTION_OPERATIONS = 25;
// https://developer.atlassian.com/platform/forge/storage-reference/handling-errors-customentities/ :
// COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE, "The page limit must be set between 1 and 100" (an error, not a clamp).
export const MIN_QUERY_LIMIT = 1;
export const MAX_QUERY_LIMIT = 100;
// https://developer.atlassian.com/platform/forge/storage-reference/kvs-api/ (the `ttl` option of set): expired
// data is deleted asynchronously and may still be returned for up to 48 hours after it expires. The emulator takes
// the worst case and keeps returning it for the whole 48 hours, so an app cannot rely on expiry for correctness.
export const TTL_DELETION_LAG_MS = 48 * 3_600_000;

export interface LimitError {
  status: number;
  code: string;
  message: string;
}

export function keyProblem(key: string): LimitError | null {
  if (key.length === 0) return { status: 400, code: 'EMPTY_KEY', message: 'Key cannot be empty.' };
  if (key.length > MAX_KEY_LENGTH)
    return {
      status: 400,
      code: 'KEY_TOO_LONG',
      message: `The provided key has exceeded the maximum ${MAX_KEY_LENGTH} characters.`,
    };
  if (!KEY_PATTERN.test(key))
    return {
      status: 400,
      code: 'INVALID_KEY',
      message: `The provided key does not match the regex: ${KEY_PATTERN.source}`,
    };
  return null;
}

export function valueProblem(value: unknown): LimitError | null {
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  if (bytes > MAX_VALUE_BYTES)
    return {
      status: 400,
      code: 'MAX_SIZE',
      message: `The provided value (${bytes} bytes) has exceeded the maximum size limit of 240 KiB.`,
    };
  if (depthOf(value) > MAX_OBJECT_DEPTH)
    return {
      status: 400,
      code: 'MAX_DEPTH',
      message: `The provided value has exceeded the maximum object depth (${MAX_OBJECT_DEPTH}) limit.`,
    };
  return null;
}

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Object.values(value as Record<string, unknown>);
  return 1 + (children.length === 0 ? 0 : Math.max(...children.map(depthOf)));
}
