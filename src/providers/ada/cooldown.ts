import { createHash } from 'node:crypto';
import type { AdaIdentifier } from './schemas';

/**
 * Ada rejects an identifier submitted in the previous 7 days, and the rejection fails the WHOLE job
 * (PROVIDERS.md). So identifiers carry a cooldown, checked before every submission. Keys are SHA-256 of the
 * identifier, so the log that remembers submissions stores no identifier.
 */
export const ADA_COOLDOWN_MS = 7 * 86_400_000;
/**
 * `client_reference` deduplicates for 24 hours (docs.ada.cx). We reuse a reference for 23 hours only, so a
 * resubmission made near the end of the window cannot reach Ada just after it closed.
 */
export const ADA_IDEMPOTENCY_MS = 23 * 3_600_000;

export function adaIdentifierKey(id: AdaIdentifier): string {
  return createHash('sha256')
    .update(`ada:${id.type}:${id.variable ?? ''}:${id.value.toLowerCase()}`)
    .digest('hex');
}

export interface AdaSubmissionLog {
  lastSubmission(identifierKey: string): Promise<{ at: string; clientReference: string } | null>;
  /**
   * Notes that these identifiers are being sent under `clientReference`, before the call leaves. Sending the
   * same reference again keeps the first time: Ada's 24 hours of deduplication run from the first job.
   */
  record(identifierKeys: string[], at: string, clientReference: string): Promise<void>;
}
