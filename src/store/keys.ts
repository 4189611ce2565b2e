import { sha256 } from '../core/audit';
import type { Claim } from '../core/records';
import type { ProviderId } from '../core/erasure';

/**
 * Every key and entity name the app writes in Forge storage, in one place, so an auditor can see all that
 * the app keeps and a newcomer cannot invent a colliding prefix. Entities are declared in manifest.yml
 * `app.storage.entities`; changing a string here orphans what is already stored under the old one.
 */

/** Custom entities (manifest.yml), each with the indexes its queries use. */
export const ENTITIES = {
  case: 'erasure-case',
  job: 'erasure-job',
  audit: 'audit-event',
  hold: 'legal-hold',
  claim: 'claim',
  rateBudget: 'rate-budget',
} as const;

export const entityKeys = {
  case: (ticketKey: string) => ticketKey,
  job: (ticketKey: string, provider: ProviderId) => `${ticketKey}:${provider}`,
  /** Zero-padded so that the key order is the chain order. */
  auditEvent: (ticketKey: string, seq: number) => `${ticketKey}:${String(seq).padStart(6, '0')}`,
  /** One-time claims live in an entity so a lapsed one can be taken over with a conditional write. */
  claim: (claim: Claim) => claimName(claim),
  /** One shared rate budget per provider credential; the credential appears only as a hash. */
  rateBudget: (provider: ProviderId, credentialHash: string) => `${provider}:${credentialHash}`,
};

/** Plain key-value entries. */
export const kvsKeys = {
  settings: 'settings',
  /** Amiqus client id → the DSAR ticket opened for it. */
  amiqusClientTicket: (clientId: number) => `amiqus-client:${clientId}`,
  /**
   * An approval whose handling has not finished (src/app/approval-inbox.ts), one per Jira changelog: a later
   * status change of the same ticket (delivered in any order) must not replace an earlier approval's entry.
   */
  pendingApprovalPrefix: 'approval-pending:',
  pendingApprovalsOf: (ticketKey: string) => `approval-pending:${ticketKey}:`,
  pendingApproval: (ticketKey: string, changelogId: string) => `approval-pending:${ticketKey}:${changelogId}`,
  /** The ticket's latest approval whose handling ended (its changelog id), so nothing takes it up again. */
  handledApproval: (ticketKey: string) => `approval-handled:${ticketKey}`,
  /** The Genesys export preview last requested for a ticket. */
  genesysPreview: (ticketKey: string) => `genesys-preview:${ticketKey}`,
  /** SHA-256 of an Ada identifier → when it was last submitted (Ada's 7-day rule). */
  adaSubmitted: (identifierKey: string) => `ada-submitted:${identifierKey}`,
  /** Personal data reporting: each stored account id, each place it is stored, the cycle's position. */
  storedAccountPrefix: 'pd-account:',
  storedAccount: (accountId: string) => `pd-account:${accountId}`,
  accountPlacePrefix: (accountId: string) => `pd-place:${accountId}:`,
  reportingCycle: 'pd-report:cycle',
  /** The opening (salt and account id) of an actor commitment in the audit trail. */
  actorOpening: (commitment: string) => `actor-opening:${commitment}`,
  /** How long a provider's recent jobs took, by its own timestamps (src/app/completion-estimate.ts). */
  jobDurations: (provider: ProviderId) => `job-durations:${provider}`,
};

/** Forge secret storage (`kvs.setSecret`): encrypted, never returned by `get` or `query`. */
export const secretKeys = {
  providerCredentials: (provider: ProviderId) => `provider-secret:${provider}`,
  genesysToken: 'provider-token:genesys',
};

function claimName(claim: Claim): string {
  switch (claim.kind) {
    case 'approval':
      return `approval:${claim.ticketKey}:${claim.changelogId}`;
    case 'submit':
      return `submit:${claim.ticketKey}:${claim.provider}:${claim.attempt}`;
    case 'finalize':
      return `finalize:${claim.ticketKey}:${claim.round}`;
    case 'downstream':
      // A system's name may hold characters a key may not (parentheses, slashes): its hash names it.
      return `downstream:${claim.ticketKey}:${sha256(claim.system).slice(0, 32)}`;
    case 'amiqus-delivery':
      return `amiqus-delivery:${claim.deliveryId}`;
    case 'amiqus-reminder':
      return `amiqus-reminder:${claim.clientId}:${claim.day}`;
    case 'amiqus-intake':
      return `amiqus-intake:${claim.clientId}`;
  }
}
