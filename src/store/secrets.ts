import { kvs } from '@forge/kvs';
import { z } from 'zod';
import type { ProviderId } from '../core/erasure';

/**
 * Provider credentials live in Forge secret storage (`kvs.setSecret`), which is encrypted and never
 * returned by plain `get` or `query`. The admin page can write them and learn whether each is set, but can
 * never read one back.
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

const secretKey = (provider: ProviderId) => `provider-secret:${provider}`;

export async function getProviderSecret<P extends ProviderId>(provider: P): Promise<ProviderSecrets[P] | undefined> {
  const raw = await kvs.getSecret<unknown>(secretKey(provider));
  if (raw === undefined) return undefined;
  const parsed = providerSecretSchemas[provider].safeParse(raw);
  return parsed.success ? (parsed.data as ProviderSecrets[P]) : undefined;
}

export async function setProviderSecret<P extends ProviderId>(provider: P, value: unknown): Promise<void> {
  const parsed = providerSecretSchemas[provider].parse(value);
  await kvs.setSecret(secretKey(provider), parsed);
}

/** Which providers have credentials, without revealing them. */
export async function secretStatus(providers: readonly ProviderId[]): Promise<Record<string, boolean>> {
  const entries = await Promise.all(providers.map(async (p) => [p, (await getProviderSecret(p)) !== undefined] as const));
  return Object.fromEntries(entries);
}

const genesysTokenSchema = z.object({ token: z.string().min(1), expiresAt: z.number() });
const GENESYS_TOKEN_KEY = 'provider-token:genesys';

/** Genesys access tokens are secrets too: shared between invocations through secret storage only. */
export const genesysTokenCache = {
  async get(): Promise<{ token: string; expiresAt: number } | null> {
    const parsed = genesysTokenSchema.safeParse(await kvs.getSecret<unknown>(GENESYS_TOKEN_KEY));
    return parsed.success ? parsed.data : null;
  },
  async set(entry: { token: string; expiresAt: number }): Promise<void> {
    await kvs.setSecret(GENESYS_TOKEN_KEY, entry);
  },
};
