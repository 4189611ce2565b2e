import { parseAmiqusWebhook, verifyAmiqusSignature } from '../providers/amiqus/webhook';
import type { Claim } from '../core/records';
import type { AmiqusDirectory } from '../providers/port';
import { findTicket, intakeDueClient } from './intake';
import type { AppDeps, IntakeJira } from './ports';

/**
 * Use case: Amiqus delivered a webhook. The signature is checked on the raw bytes before anything is parsed;
 * an unverifiable call gets 404, as Amiqus's docs advise, and only that one. Deliveries are de-duplicated by
 * `X-AQID-Delivery-Id` (Amiqus retries up to 4 times), and a failure answers 5xx so that Amiqus retries.
 */

export interface WebhookRequest {
  rawBody: string;
  header(name: string): string | undefined;
}

export interface WebhookResponse {
  status: number;
  body: string;
}

const DELIVERY_TTL_SECONDS = 7 * 86_400;
/**
 * Amiqus retries a delivery 4 times, at +60 s, +120 s, +600 s and +900 s (PROVIDERS.md): a genuine delivery is
 * at most about half an hour old. One that is older (or from the future, beyond clock skew) is a captured
 * body replayed under a new delivery id, which the signature alone cannot tell from a real one.
 */
const MAX_DELIVERY_AGE_MS = 60 * 60_000;
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export async function handleAmiqusWebhook(
  deps: AppDeps,
  jira: IntakeJira,
  directory: AmiqusDirectory,
  request: WebhookRequest,
): Promise<WebhookResponse> {
  const secret = (await deps.store.secrets.get('amiqus'))?.webhookSecret;
  if (!secret || !verifyAmiqusSignature(request.rawBody, request.header('x-aqid-signature'), secret)) {
    deps.log.warn('amiqus webhook rejected: signature missing or wrong');
    return { status: 404, body: '' };
  }
  // A verified call always gets a 2xx unless we failed: Amiqus retries any other answer 4 times and turns the
  // webhook off after 10 payloads fail in a row (amiqus/developers webhook guide), which would stop the
  // reminders the app does act on. A reminder we could not read is still found by the daily due-clients poll.
  let payload;
  try {
    payload = parseAmiqusWebhook(request.rawBody);
  } catch {
    deps.log.warn(
      'amiqus webhook not understood: unknown payload shape; acknowledged, the daily poll covers reminders',
    );
    return { status: 202, body: 'unrecognised payload, logged' };
  }
  if (payload.kind === 'ping') return { status: 204, body: '' };
  if (payload.kind === 'other_event') {
    deps.log.info('amiqus webhook event not acted on', { alias: payload.alias });
    return { status: 204, body: '' };
  }
  const age = payload.triggeredAt === null ? 0 : deps.now().getTime() - payload.triggeredAt;
  if (age > MAX_DELIVERY_AGE_MS || age < -MAX_CLOCK_SKEW_MS) {
    // 2xx, so Amiqus does not count it towards disabling the hook; the daily poll still finds every due client.
    deps.log.warn('amiqus webhook ignored: trigger time outside the retry window', {
      ageMinutes: Math.round(age / 60_000),
    });
    return { status: 200, body: 'stale delivery ignored' };
  }

  const deliveryId = request.header('x-aqid-delivery-id');
  const claimKey: Claim | null = deliveryId ? { kind: 'amiqus-delivery', deliveryId } : null;
  if (
    claimKey &&
    !(await deps.store.claims.take(claimKey, 'webhook', deps.now().toISOString(), DELIVERY_TTL_SECONDS))
  ) {
    return { status: 200, body: 'already processed' };
  }
  try {
    if (payload.alias === 'client.deleted') {
      await recordDeletionEvent(deps, jira, payload.clientId);
      return { status: 204, body: '' };
    }
    if (payload.alias !== 'client.deletion_reminder_due') {
      deps.log.info('amiqus webhook event not acted on', { alias: payload.alias });
      return { status: 204, body: '' };
    }
    const client = await directory.getClient(payload.clientId);
    if (!client) return { status: 204, body: '' };
    const result = await intakeDueClient(deps, jira, client, 'webhook');
    deps.log.info('amiqus reminder handled', { result: result.kind, ticket: result.ticketKey });
    return { status: 204, body: '' };
  } catch (error) {
    // Let Amiqus's retry schedule bring it back rather than lose the reminder.
    if (claimKey) await deps.store.claims.release(claimKey);
    deps.log.error('amiqus webhook failed', { error: error instanceof Error ? error.name : 'unknown' });
    return { status: 503, body: 'temporarily unavailable' };
  }
}

/**
 * Amiqus's own word that a client is gone (`client.deleted`, which carries only the id) is evidence for the
 * case that erases that client: it goes into the compliance record beside the 404 read-back.
 */
async function recordDeletionEvent(deps: AppDeps, jira: IntakeJira, clientId: number): Promise<void> {
  const ticketKey = await findTicket(deps, jira, clientId);
  const job = ticketKey ? ((await deps.store.jobs.get(ticketKey, 'amiqus')) ?? null) : null;
  if (!ticketKey || !job || (job.providerRef !== null && job.providerRef !== String(clientId))) {
    deps.log.info('amiqus client.deleted for a client no erasure case is deleting');
    return;
  }
  await deps.store.audit.append(ticketKey, [
    {
      at: deps.now().toISOString(),
      kind: 'deletion_confirmed',
      data: {
        provider: 'amiqus',
        attempt: job.attempt,
        providerRef: String(clientId),
        evidence: 'webhook_client_deleted',
      },
    },
  ]);
  deps.log.info('amiqus deletion confirmed by client.deleted', { ticket: ticketKey });
}
