import { z } from 'zod';
import { sha256 } from './audit';

/**
 * Who acted, kept out of the hash-chained audit trail: an event names its actor by a salted commitment
 * `actor:<sha256(salt|accountId)>`, and the opening (salt and account id) is stored beside the chain. When
 * Atlassian reports the account closed, the opening is erased: the chain still verifies (the commitment
 * is what was hashed), and without the salt nobody can test an account id against the commitment.
 */

export const ERASED_ACCOUNT = 'erased-account';
const PATTERN = /^actor:[0-9a-f]{64}$/;

export interface ActorOpening {
  accountId: string;
  salt: string;
}

export const actorCommitment = ({ accountId, salt }: ActorOpening): string =>
  `actor:${sha256(`erasure-desk-actor|${salt}|${accountId}`)}`;
export const isActorCommitment = (value: string): boolean => PATTERN.test(value);
/** Whether an opening shown to an auditor is the one the trail committed to. */
export const opens = (commitment: string, opening: ActorOpening): boolean => actorCommitment(opening) === commitment;

/** Where an account id is stored, so a closed account can be erased from each place. */
export const accountPlaceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('audit-actor'), commitment: z.string() }),
  z.object({ kind: z.literal('case'), ticketKey: z.string() }),
  z.object({ kind: z.literal('hold'), holdId: z.string() }),
  z.object({ kind: z.literal('preview'), ticketKey: z.string() }),
]);
export type AccountPlace = z.infer<typeof accountPlaceSchema>;
export const storedAccountSchema = z.object({ accountId: z.string(), updatedAt: z.string() });
/** An account id the app stores, and when its data was last stored (what Atlassian's reporting asks for). */
export type StoredAccount = z.infer<typeof storedAccountSchema>;
