import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PROVIDERS, providerIdSchema } from '../core/erasure';
import { IDENTIFIER_KINDS, identifierKey } from '../core/legal-hold';
import { settingsSchema } from '../core/settings';
import type { AppDeps, UserJiraPort } from './ports';

/**
 * Use cases behind the admin page: settings, provider credentials and the legal-hold register. They change
 * where and how personal data is erased, so each runs only for a Jira administrator (`isJiraAdmin`, asked of
 * Jira on every call). Secrets are write-only: the page learns whether each is configured, never its value.
 * Legal holds are stored as identifier hashes. Bad input is a message with field-level errors, never a throw.
 */

export type AdminDeps = Pick<AppDeps, 'jira' | 'store' | 'now'> & { user: UserJiraPort };

export const NOT_ADMIN = { ok: false as const, message: 'Only Jira administrators can change Erasure Desk’s configuration.' };

export async function isJiraAdministrator(deps: AdminDeps, accountId: string | null): Promise<boolean> {
  // Asked as the calling user (GET /rest/api/3/mypermissions): checking another account needs Administer Jira.
  return accountId !== null && (await deps.user.isJiraAdmin());
}

const fieldErrors = (error: z.ZodError) => error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));

export async function getSettings(deps: AdminDeps) {
  return { ok: true as const, settings: await deps.store.settings.get() };
}

export async function saveSettings(deps: AdminDeps, payload: unknown) {
  const parsed = settingsSchema.safeParse((payload as { settings?: unknown } | undefined)?.settings);
  if (!parsed.success) return { ok: false as const, message: 'Some settings need fixing.', errors: fieldErrors(parsed.error) };
  return { ok: true as const, settings: await deps.store.settings.save(parsed.data) };
}

export async function getSecretStatus(deps: AdminDeps) {
  return { ok: true as const, status: await deps.store.secrets.status([...PROVIDERS]) };
}

const secretInput = z.object({ provider: providerIdSchema, value: z.record(z.string(), z.string()) });

export async function setProviderSecret(deps: AdminDeps, payload: unknown) {
  const input = secretInput.safeParse(payload);
  if (!input.success) return { ok: false as const, message: 'Choose a provider and fill in its credentials.' };
  try {
    await deps.store.secrets.set(input.data.provider, input.data.value);
  } catch (error) {
    return {
      ok: false as const,
      message: error instanceof z.ZodError ? fieldErrors(error).map((e) => `${e.field}: ${e.message}`).join('; ') : 'Could not store the credentials.',
    };
  }
  return { ok: true as const, message: `${input.data.provider} credentials stored in Forge secret storage.` };
}

export async function listHolds(deps: AdminDeps) {
  return { ok: true as const, holds: await deps.store.holds.list() };
}

const holdInput = z.object({
  reason: z.string().min(5),
  expiresOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  identifiers: z.array(z.object({ kind: z.enum(IDENTIFIER_KINDS), value: z.string().min(1) })).min(1),
  providers: z.union([z.literal('all'), z.array(providerIdSchema).min(1)]),
});

/** GDPR Art. 17(3)(e): a hold withholds erasure of the listed identifiers at the listed providers. */
export async function addLegalHold(deps: AdminDeps, payload: unknown, by: string) {
  const input = holdInput.safeParse(payload);
  if (!input.success) {
    return { ok: false as const, message: 'A hold needs a reason, at least one identifier and its scope.', errors: fieldErrors(input.error) };
  }
  const hold = await deps.store.holds.save({
    id: `hold-${randomUUID().slice(0, 8)}`,
    reason: input.data.reason,
    createdBy: by,
    createdAt: deps.now().toISOString(),
    expiresOn: input.data.expiresOn,
    identifierKeys: input.data.identifiers.map((i) => identifierKey(i.kind, i.value)),
    providers: input.data.providers,
  });
  return { ok: true as const, hold };
}

export async function removeLegalHold(deps: AdminDeps, payload: unknown) {
  const id = z.object({ id: z.string().min(1) }).safeParse(payload);
  if (!id.success) return { ok: false as const, message: 'Which hold?' };
  await deps.store.holds.remove(id.data.id);
  return { ok: true as const };
}
