import type { z } from 'zod';
import type { ProviderId } from '../core/erasure';
import { identifierKinds, type Subject } from '../core/subject';
import { ADA_DESCRIPTION } from './ada/description';
import { AMIQUS_DESCRIPTION } from './amiqus/description';
import { GENESYS_DESCRIPTION } from './genesys/description';
import type { ProviderDescription } from './port';

/** Every provider's description, by id: the data the engine and the use cases read instead of special cases. */
export const PROVIDER_DESCRIPTIONS = {
  amiqus: AMIQUS_DESCRIPTION,
  ada: ADA_DESCRIPTION,
  genesys: GENESYS_DESCRIPTION,
} as const satisfies { [P in ProviderId]: ProviderDescription & { id: P } };

/** Each provider's credentials, as its description's schema parses them. */
export type ProviderSecrets = { [P in ProviderId]: z.infer<(typeof PROVIDER_DESCRIPTIONS)[P]['credentials']> };

/** Whether the subject carries an identifier the provider erases by: the one rule for "is it sent there". */
export function appliesTo(description: ProviderDescription, subject: Subject): boolean {
  const kinds = identifierKinds(subject);
  return description.acceptsIdentifiers.some((kind) => kinds.includes(kind));
}

/** Whether the subject carries an identifier naming a record at this provider alone (not a shared email or phone). */
export function namesRecordAt(description: ProviderDescription, subject: Subject): boolean {
  const kinds = identifierKinds(subject);
  return description.recordIdentifiers.some((kind) => kinds.includes(kind));
}
