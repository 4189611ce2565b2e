import { createHmac, timingSafeEqual } from 'node:crypto';
import { amiqusOtherEventSchema, amiqusWebhookSchema } from './schemas';

/**
 * Amiqus signs each delivery: `X-AQID-Signature` = base64(HMAC-SHA256(raw body, webhook secret)).
 * The check runs on the raw bytes, before any parsing, with a constant-time comparison.
 */
export function verifyAmiqusSignature(
  rawBody: string | Uint8Array,
  signatureHeader: string | undefined,
  secret: string,
): boolean {
  if (!signatureHeader) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(signatureHeader.trim(), 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export class AmiqusWebhookPayloadError extends Error {
  constructor(readonly problem: string) {
    super(`Amiqus webhook body is not one of the documented shapes: ${problem}`);
    this.name = 'AmiqusWebhookPayloadError';
  }
}

export type AmiqusWebhookEvent =
  /** `triggeredAt`: epoch ms of the signed `trigger.triggered_at`, null when absent or unreadable. */
  | { kind: 'client_event'; alias: string; clientId: number; webhookUuid: string; triggeredAt: number | null }
  | { kind: 'ping' }
  /** An event about something other than a client: the app does not act on it. */
  | { kind: 'other_event'; alias: string };

export function parseAmiqusWebhook(rawBody: string): AmiqusWebhookEvent {
  let json: unknown;
  try {
    json = JSON.parse(rawBody) as unknown;
  } catch {
    throw new AmiqusWebhookPayloadError('not JSON');
  }
  const parsed = amiqusWebhookSchema.safeParse(json);
  if (!parsed.success) {
    const other = amiqusOtherEventSchema.safeParse(json);
    if (other.success) return { kind: 'other_event', alias: other.data.trigger.alias };
    throw new AmiqusWebhookPayloadError(parsed.error.issues[0]?.path.join('.') || 'unknown shape');
  }
  const body = parsed.data;
  if ('event' in body) return { kind: 'ping' };
  const triggeredAt = body.trigger.triggered_at ? Date.parse(body.trigger.triggered_at) : Number.NaN;
  return {
    kind: 'client_event',
    alias: body.trigger.alias,
    clientId: body.data.client.id,
    webhookUuid: body.webhook.uuid,
    triggeredAt: Number.isNaN(triggeredAt) ? null : triggeredAt,
  };
}
