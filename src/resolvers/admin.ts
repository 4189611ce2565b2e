import Resolver from '@forge/resolver';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { settingsSchema } from '../core/settings';
import { createAppJira } from '../jira/app-jira';
import { PROVIDERS, providerIdSchema } from '../core/erasure';
import { IDENTIFIER_KINDS, identifierKey } from '../core/legal-hold';
import { holdStore } from '../store/hold-store';
import { settingsStore } from '../store/kvs-store';
import { secretStatus, setProviderSecret } from '../store/secrets';

/**
 * The admin page's backend. Forge shows the page to Jira administrators only; each call checks it again with
 * Jira, because these calls change where and how personal data is erased. Secrets are write-only:
 * the page learns whether each is configured, never its value. Legal holds are stored as identifier hashes.
 */
const resolver = new Resolver();
const NOT_ADMIN = { ok: false as const, message: 'Only Jira administrators can change Erasure Desk’s configuration.' };

type Request = Parameters<Parameters<Resolver['define']>[1]>[0];
/** Defines a call that runs only for a Jira administrator (Jira's Administer global permission). */
function defineForAdmins(name: string, handler: (request: Request) => Promise<unknown>): void {
  resolver.define(name, async (request) => {
    const accountId = typeof request.context.accountId === 'string' ? request.context.accountId : null;
    if (!accountId || !(await createAppJira().isJiraAdmin(accountId))) return NOT_ADMIN;
    return handler(request);
  });
}
const fieldErrors = (error: z.ZodError) => error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));

defineForAdmins('getSettings', async () => ({ ok: true, settings: await settingsStore.get() }));

defineForAdmins('saveSettings', async ({ payload }) => {
  const parsed = settingsSchema.safeParse((payload as { settings?: unknown }).settings);
  if (!parsed.success) return { ok: false, message: 'Some settings need fixing.', errors: fieldErrors(parsed.error) };
  return { ok: true, settings: await settingsStore.save(parsed.data) };
});

defineForAdmins('getSecretStatus', async () => ({ ok: true, status: await secretStatus([...PROVIDERS]) }));

const secretInput = z.object({ provider: providerIdSchema, value: z.record(z.string(), z.string()) });
defineForAdmins('setSecret', async ({ payload }) => {
  const input = secretInput.safeParse(payload);
  if (!input.success) return { ok: false, message: 'Choose a provider and fill in its credentials.' };
  try {
    await setProviderSecret(input.data.provider, input.data.value);
  } catch (error) {
    return { ok: false, message: error instanceof z.ZodError ? fieldErrors(error).map((e) => `${e.field}: ${e.message}`).join('; ') : 'Could not store the credentials.' };
  }
  return { ok: true, message: `${input.data.provider} credentials stored in Forge secret storage.` };
});

defineForAdmins('listHolds', async () => ({ ok: true, holds: await holdStore.list() }));

const holdInput = z.object({
  reason: z.string().min(5),
  expiresOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  identifiers: z.array(z.object({ kind: z.enum(IDENTIFIER_KINDS), value: z.string().min(1) })).min(1),
  providers: z.union([z.literal('all'), z.array(providerIdSchema).min(1)]),
});
defineForAdmins('addHold', async ({ payload, context }) => {
  const input = holdInput.safeParse(payload);
  if (!input.success) return { ok: false, message: 'A hold needs a reason, at least one identifier and its scope.', errors: fieldErrors(input.error) };
  const hold = await holdStore.save({
    id: `hold-${randomUUID().slice(0, 8)}`,
    reason: input.data.reason,
    createdBy: String(context.accountId ?? 'unknown'),
    createdAt: new Date().toISOString(),
    expiresOn: input.data.expiresOn,
    identifierKeys: input.data.identifiers.map((i) => identifierKey(i.kind, i.value)),
    providers: input.data.providers,
  });
  return { ok: true, hold };
});

defineForAdmins('removeHold', async ({ payload }) => {
  const id = z.object({ id: z.string().min(1) }).safeParse(payload);
  if (!id.success) return { ok: false, message: 'Which hold?' };
  await holdStore.remove(id.data.id);
  return { ok: true };
});

export const adminResolver = resolver.getDefinitions();
