import { kvs } from '@forge/kvs';
import { z } from 'zod';
import type { ProviderId } from '../core/erasure';
import { PROVIDER_DESCRIPTIONS, type ProviderSecrets } from '../providers/descriptions';
import { secretKeys } from './keys';

/**
 * Provider credentials live in Forge secret storage (`kvs.setSecret`), which is encrypted and never
 * returned by plain `get` or `query`. The admin page can write them and learn whether each is set, but can
 * never read one back. What each provider's credentials are is its description's `credentials` schema.
 */

const secretKey = secretKeys.providerCredentials;

export async function getProviderSecret<P extends ProviderId>(provider: P): Promise<ProviderSecrets[P] | undefined> {
  const raw = await kvs.getSecret<unknown>(secretKey(provider));
  if (raw === undefined) return undefined;
  const parsed = PROVIDER_DESCRIPTIONS[provider].credentials.safeParse(raw);
  return parsed.success ? (parsed.data as ProviderSecrets[P]) : undefined;
}

export async function setProviderSecret<P extends ProviderId>(provider: P, value: unknown): Promise<void> {
  const parsed = PROVIDER_DESCRIPTIONS[provider].credentials.parse(value);
  await kvs.setSecret(secretKey(provider), parsed);
}

/** Which providers have credentials, without revealing them. */
export async function secretStatus(providers: readonly ProviderId[]): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    providers.map(async (p) => [p, (await getProviderSecret(p)) !== undefined] as const),
  );
  return Object.fromEntries(entries);
}

const genesysTokenSchema = z.object({ token: z.string().min(1), expiresAt: z.number() });
const GENESYS_TOKEN_KEY = secretKeys.genesysToken;

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

/** The provider-secret port (src/app/ports.ts `ProviderSecretStore`) on Forge secret storage. */
export const providerSecrets = { get: getProviderSecret, set: setProviderSecret, status: secretStatus };
