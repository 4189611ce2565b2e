import { randomUUID } from 'node:crypto';
import { formatISO } from 'date-fns';
import { z } from 'zod';
import { LEGAL_HOLD_REGISTER } from '../core/audit';
import { PROVIDERS, type ProviderId, providerIdSchema } from '../core/erasure';
import { IDENTIFIER_KINDS, identifierKey, subjectIdentifierKeys } from '../core/legal-hold';
import { type Settings, settingsSchema } from '../core/settings';
import { legalHoldPlacedComment, legalHoldReleasedComment } from './comments';
import { subjectFromFields } from './dsar-fields';
import type { AppDeps, IntakeJira, JiraCatalog, UserJiraPort } from './ports';

/**
 * Use cases behind the admin page: settings, provider credentials and the legal-hold register. They change
 * where and how personal data is erased, so each runs only for a Jira administrator (`isJiraAdmin`, asked of
 * Jira on every call). Secrets are write-only: the page learns whether each is configured, never its value.
 * Legal holds are stored as identifier hashes; placing and releasing one is written to the register's audit
 * chain and commented on the open tickets it matches. Bad input is a message with field-level errors, never a throw.
 */

export type AdminDeps = Pick<AppDeps, 'jira' | 'store' | 'now'> & {
  user: UserJiraPort;
  tickets: Pick<IntakeJira, 'searchIssueKeys'>;
  catalog: JiraCatalog;
  /** One harmless authenticated call to the provider with its stored credentials. */
  testConnection(settings: Settings, provider: ProviderId): Promise<{ ok: boolean; message: string }>;
};

export const NOT_ADMIN = {
  ok: false as const,
  message: 'Only Jira administrators can change Erasure Desk’s configuration.',
};

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
  if (!parsed.success)
    return { ok: false as const, message: 'Some settings need fixing.', errors: fieldErrors(parsed.error) };
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
      message:
        error instanceof z.ZodError
          ? fieldErrors(error)
              .map((e) => `${e.field}: ${e.message}`)
              .join('; ')
          : 'Could not store the credentials.',
    };
  }
  return { ok: true as const, message: `${input.data.provider} credentials stored in Forge secret storage.` };
}

export async function listHolds(deps: AdminDeps) {
  return { ok: true as const, holds: await deps.store.holds.list() };
}

const holdInput = z.object({
  reason: z.string().min(5),
  expiresOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  identifiers: z.array(z.object({ kind: z.enum(IDENTIFIER_KINDS), value: z.string().min(1) })).min(1),
  providers: z.union([z.literal('all'), z.array(providerIdSchema).min(1)]),
});

/** GDPR Art. 17(3)(e): a hold withholds erasure of the listed identifiers at the listed providers. */
export async function addLegalHold(deps: AdminDeps, payload: unknown, by: string) {
  const input = holdInput.safeParse(payload);
  if (!input.success) {
    return {
      ok: false as const,
      message: 'A hold needs a reason, at least one identifier and its scope.',
      errors: fieldErrors(input.error),
    };
  }
  const today = formatISO(deps.now(), { representation: 'date' });
  if (input.data.expiresOn && input.data.expiresOn < today)
    return {
      ok: false as const,
      message: `The expiry ${input.data.expiresOn} is in the past.`,
      errors: [{ field: 'expiresOn', message: 'is in the past' }],
    };
  const at = deps.now().toISOString();
  const hold = await deps.store.holds.save({
    id: `hold-${randomUUID().slice(0, 8)}`,
    reason: input.data.reason.trim(),
    createdBy: by,
    createdAt: at,
    expiresOn: input.data.expiresOn,
    identifierKeys: input.data.identifiers.map((i) => identifierKey(i.kind, i.value)),
    providers: input.data.providers,
  });
  const affected = await openTicketsMatching(deps, hold.identifierKeys);
  await deps.store.audit.append(LEGAL_HOLD_REGISTER, [
    {
      at,
      kind: 'legal_hold_added',
      data: {
        holdId: hold.id,
        reason: hold.reason,
        expiresOn: hold.expiresOn,
        providers: hold.providers,
        identifierCount: hold.identifierKeys.length,
        by,
        affectedTickets: affected,
      },
    },
  ]);
  for (const key of affected) await deps.jira.addComment(key, legalHoldPlacedComment(hold));
  return {
    ok: true as const,
    hold,
    affectedTickets: affected,
    message: `Hold ${hold.id} placed${affected.length ? `; commented on ${affected.join(', ')}` : ''}.`,
  };
}

const releaseInput = z.object({
  id: z.string().min(1),
  reason: z.string().trim().min(5, { message: 'give the reason for releasing the hold' }),
});

/** Releasing needs a reason, kept in the register's audit chain and told to the affected tickets. */
export async function releaseLegalHold(deps: AdminDeps, payload: unknown, by: string) {
  const input = releaseInput.safeParse(payload);
  if (!input.success)
    return { ok: false as const, message: 'Say which hold and why it is released.', errors: fieldErrors(input.error) };
  const hold = (await deps.store.holds.list()).find((h) => h.id === input.data.id);
  if (!hold)
    return { ok: false as const, message: `There is no hold ${input.data.id} (it may have been released already).` };
  const affected = await openTicketsMatching(deps, hold.identifierKeys);
  await deps.store.holds.remove(hold.id);
  await deps.store.audit.append(LEGAL_HOLD_REGISTER, [
    {
      at: deps.now().toISOString(),
      kind: 'legal_hold_released',
      data: { holdId: hold.id, reason: input.data.reason, by, affectedTickets: affected },
    },
  ]);
  for (const key of affected) await deps.jira.addComment(key, legalHoldReleasedComment(hold, input.data.reason));
  return {
    ok: true as const,
    affectedTickets: affected,
    message: `Hold ${hold.id} released${affected.length ? `; commented on ${affected.join(', ')}` : ''}.`,
  };
}

/** An admin action is rare; reading this many tickets per project keeps it well inside one invocation. */
const MAX_TICKETS_SCANNED = 200;

/** Open DSAR tickets (not in the Done status) whose subject's identifiers the hold names. */
async function openTicketsMatching(deps: AdminDeps, keys: string[]): Promise<string[]> {
  const settings = await deps.store.settings.get();
  const wanted = new Set(keys);
  const fields = Object.values(settings.fields).filter((f): f is string => !!f);
  const today = formatISO(deps.now(), { representation: 'date' });
  const matches: string[] = [];
  for (const project of settings.projectKeys) {
    const ticketKeys = (await deps.tickets.searchIssueKeys(`project = ${project}`)).slice(0, MAX_TICKETS_SCANNED);
    for (const key of ticketKeys) {
      const issue = await deps.jira.getIssue(key, ['status', ...fields]);
      if ((issue.fields.status as { name?: string } | undefined)?.name === settings.statuses.done) continue;
      const subject = subjectFromFields(issue.fields, settings.fields, today).identifiers;
      if (subject && subjectIdentifierKeys(subject).some((k) => wanted.has(k))) matches.push(key);
    }
  }
  return matches;
}

/** The pickers' choices: Jira's fields (custom ones first) and statuses, read from Jira each time. */
export async function getJiraCatalog(deps: AdminDeps) {
  const [fields, statuses] = await Promise.all([deps.catalog.listFields(), deps.catalog.listStatuses()]);
  return {
    ok: true as const,
    fields: [...fields].sort((a, b) => Number(b.custom) - Number(a.custom) || a.name.localeCompare(b.name)),
    statuses,
  };
}

export async function testConnection(deps: AdminDeps, payload: unknown) {
  const input = z.object({ provider: providerIdSchema }).safeParse(payload);
  if (!input.success) return { ok: false as const, message: 'Which provider?' };
  return deps.testConnection(await deps.store.settings.get(), input.data.provider);
}
