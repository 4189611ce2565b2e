import { z } from 'zod';
import type { ProviderId } from '../core/erasure';

/**
 * The credentials each provider needs, as the admin page submits them and secret storage keeps them
 * (src/store/secrets.ts). The providers own these shapes because their clients are what read them.
 */

export const providerSecretSchemas = {
  amiqus: z.object({
    /** Personal access token (1 year, not refreshable) or an OAuth access token. */
    token: z.string().min(20, { message: 'looks too short for an Amiqus token' }),
    /** The `secret` Amiqus returned when the webhook was registered. */
    webhookSecret: z.string().min(8).optional(),
  }),
  ada: z.object({ apiKey: z.string().min(16, { message: 'looks too short for an Ada API key' }) }),
  genesys: z.object({
    clientId: z.string().min(8),
    clientSecret: z.string().min(8),
  }),
} as const;

export type ProviderSecrets = { [P in ProviderId]: z.infer<(typeof providerSecretSchemas)[P]> };

