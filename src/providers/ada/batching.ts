import { createHash } from 'node:crypto';
import type { AdaIdentifier } from './schemas';

/**
 * Ada rejects an identifier submitted in the previous 7 days, and the rejection fails the WHOLE job
 * (PROVIDERS.md). So identifiers carry a cooldown, and a risky one is never put into a shared batch.
 * Keys are SHA-256 of the identifier, so the log that remembers submissions stores no identifier.
 */
export const ADA_COOLDOWN_MS = 7 * 86_400_000;
export const ADA_MAX_IDENTIFIERS = 1000;
export const ADA_MAX_BODY_BYTES = 512 * 1024;

export function adaIdentifierKey(id: AdaIdentifier): string {
  return createHash('sha256').update(`ada:${id.type}:${id.variable ?? ''}:${id.value.toLowerCase()}`).digest('hex');
}

export interface AdaSubmissionLog {
  lastSubmission(identifierKey: string): Promise<{ at: string; clientReference: string } | null>;
  record(identifierKeys: string[], at: string, clientReference: string): Promise<void>;
}

export interface BatchEntry {
  reference: string;
  identifiers: AdaIdentifier[];
}

/**
 * Packs entries into jobs of at most 1000 identifiers and 512 KB, keeping each entry whole, and defers any
 * entry with an identifier inside its cooldown, with the date it becomes eligible.
 */
export function planAdaBatches(
  entries: BatchEntry[],
  lastSubmittedAt: (key: string) => number | null,
  nowMs: number,
): { batches: BatchEntry[][]; deferred: Array<{ entry: BatchEntry; eligibleAt: number }> } {
  const batches: BatchEntry[][] = [];
  const deferred: Array<{ entry: BatchEntry; eligibleAt: number }> = [];
  let current: BatchEntry[] = [];
  let count = 0;
  let bytes = 64;
  for (const entry of entries) {
    const last = Math.max(...entry.identifiers.map((i) => lastSubmittedAt(adaIdentifierKey(i)) ?? -Infinity));
    if (Number.isFinite(last) && nowMs - last < ADA_COOLDOWN_MS) {
      deferred.push({ entry, eligibleAt: last + ADA_COOLDOWN_MS });
      continue;
    }
    const size = Buffer.byteLength(JSON.stringify(entry.identifiers));
    if (count + entry.identifiers.length > ADA_MAX_IDENTIFIERS || bytes + size > ADA_MAX_BODY_BYTES) {
      if (current.length > 0) batches.push(current);
      current = [];
      count = 0;
      bytes = 64;
    }
    current.push(entry);
    count += entry.identifiers.length;
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return { batches, deferred };
}
