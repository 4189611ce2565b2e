import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type ProviderId, providerIdSchema } from './erasure';
import type { Subject } from './subject';

/**
 * Legal holds: GDPR Art. 17(3)(e) lets a controller keep data "for the establishment, exercise or defence of
 * legal claims". A held record is withheld from erasure, and the record says so, with the hold's reason and
 * expiry. The register matches on identifier keys (SHA-256 of kind and normalised value), so it stores no
 * identifier in the clear.
 */

export const legalHoldSchema = z.object({
  id: z.string().min(1),
  reason: z.string().min(5, { message: 'give the reason for the hold (it goes into the compliance record)' }),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  identifierKeys: z.array(z.string().regex(/^[0-9a-f]{64}$/)).min(1),
  providers: z.union([z.literal('all'), z.array(providerIdSchema).min(1)]),
});
export type LegalHold = z.infer<typeof legalHoldSchema>;

export const IDENTIFIER_KINDS = [
  'email',
  'phone',
  'amiqus_client_id',
  'ada_chatter_id',
  'genesys_user_id',
  'genesys_external_contact_id',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

function normalise(kind: IdentifierKind, value: string): string {
  const trimmed = value.trim();
  if (kind === 'email') return trimmed.toLowerCase();
  if (kind === 'phone') return trimmed.replace(/[\s()-]/g, '');
  if (kind === 'genesys_user_id' || kind === 'genesys_external_contact_id') return trimmed.toLowerCase();
  return trimmed;
}

export function identifierKey(kind: IdentifierKind, value: string): string {
  return createHash('sha256')
    .update(`${kind}:${normalise(kind, value)}`)
    .digest('hex');
}

export function subjectIdentifierKeys(subject: Subject): string[] {
  const pairs: Array<[IdentifierKind, string | number | undefined]> = [
    ['email', subject.email],
    ['amiqus_client_id', subject.amiqusClientId],
    ['ada_chatter_id', subject.adaChatterId],
    ['genesys_user_id', subject.genesysUserId],
    ['genesys_external_contact_id', subject.genesysExternalContactId],
    ...subject.phones.map((p) => ['phone', p.number] as [IdentifierKind, string]),
  ];
  return pairs
    .filter((p): p is [IdentifierKind, string | number] => p[1] !== undefined)
    .map(([kind, value]) => identifierKey(kind, String(value)));
}

/** A hold is in force through its expiry date; one without an expiry lasts until it is removed. */
export function holdInForce(hold: Pick<LegalHold, 'expiresOn'>, today: string): boolean {
  return hold.expiresOn === null || hold.expiresOn >= today;
}

/** Holds matching the subject, split into those in force today and those that have expired. */
export function legalHoldsFor(
  subject: Subject,
  holds: readonly LegalHold[],
  today: string,
): { active: LegalHold[]; expired: LegalHold[] } {
  const keys = new Set(subjectIdentifierKeys(subject));
  const matching = holds.filter((h) => h.identifierKeys.some((k) => keys.has(k)));
  return {
    active: matching.filter((h) => holdInForce(h, today)),
    expired: matching.filter((h) => !holdInForce(h, today)),
  };
}

/** For each provider a case would use, the active hold that withholds it (the first, if several). */
export function withheldProviders(
  active: readonly LegalHold[],
  providers: readonly ProviderId[],
): Map<ProviderId, LegalHold> {
  const withheld = new Map<ProviderId, LegalHold>();
  for (const provider of providers) {
    const hold = active.find((h) => h.providers === 'all' || h.providers.includes(provider));
    if (hold) withheld.set(provider, hold);
  }
  return withheld;
}
