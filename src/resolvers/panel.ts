import Resolver from '@forge/resolver';
import { z } from 'zod';
import { isPrivacyOfficer, NOT_ALLOWED } from '../app/access';
import { confirmDownstream, extendDeadline, getPanelView } from '../app/case-actions';
import type { AppDeps } from '../app/ports';
import { genesysPreviewStatus, requestGenesysPreview } from '../app/preview';
import { requestRetry } from '../app/retry';
import { buildDeps, RESOLVER_PROVIDER_RETRY } from '../deps';

/**
 * The issue panel's backend. The ticket key comes from the Forge context (the issue the panel is on),
 * never from the payload, so a caller cannot act on another ticket.
 */
const contextSchema = z.object({ extension: z.object({ issue: z.object({ key: z.string() }) }) });
const NOT_ON_A_TICKET = { ok: false as const, message: 'Open this panel on a DSAR ticket.' };

const resolver = new Resolver();

function issueKeyOf(context: unknown): string | null {
  const parsed = contextSchema.safeParse(context);
  return parsed.success ? parsed.data.extension.issue.key : null;
}

const projectOf = (issueKey: string) => issueKey.split('-')[0] as string;

interface OfficerCall<I> {
  deps: AppDeps;
  key: string;
  accountId: string;
  input: I;
}

/**
 * Defines a panel action that runs only for a privacy officer (src/app/access.ts), checked against Jira on
 * every call. The payload is parsed before anything is read, so bad input gets its message at once.
 */
function defineForOfficers<S extends z.ZodType>(
  name: string,
  input: { schema: S; invalid: string } | null,
  handler: (call: OfficerCall<z.infer<S>>) => Promise<unknown>,
  options: { callsProviders?: boolean } = {},
): void {
  resolver.define(name, async ({ payload, context }) => {
    const key = issueKeyOf(context);
    if (!key) return NOT_ON_A_TICKET;
    const parsed = input ? input.schema.safeParse(payload) : null;
    if (input && !parsed?.success) return { ok: false, message: input.invalid };
    const deps = await buildDeps(options.callsProviders ? { providerRetry: RESOLVER_PROVIDER_RETRY } : {});
    const accountId = typeof context.accountId === 'string' ? context.accountId : undefined;
    if (!accountId || !(await isPrivacyOfficer(deps, projectOf(key), accountId))) return NOT_ALLOWED;
    return handler({ deps, key, accountId, input: parsed?.data as z.infer<S> });
  });
}

resolver.define('getView', async ({ context }) => {
  const key = issueKeyOf(context);
  if (!key) return NOT_ON_A_TICKET;
  const deps = await buildDeps();
  return { ok: true, view: await getPanelView(deps, key) };
});

defineForOfficers('retry', null, async ({ deps, key, accountId }) => {
  const result = await requestRetry(deps, key, accountId);
  return result.ok ? { ok: true, message: `Retry started for ${result.providers.join(', ')}.` } : result;
});

defineForOfficers(
  'extendDeadline',
  { schema: z.object({ months: z.coerce.number().int(), reason: z.string() }), invalid: 'Choose one or two months and give a reason.' },
  ({ deps, key, accountId, input }) => extendDeadline(deps, key, input.months, input.reason, accountId),
);

defineForOfficers(
  'confirmDownstream',
  { schema: z.object({ system: z.string().min(1) }), invalid: 'Choose the system to confirm.' },
  ({ deps, key, accountId, input }) => confirmDownstream(deps, key, input.system, accountId),
);

defineForOfficers('requestPreview', null, ({ deps, key, accountId }) => requestGenesysPreview(deps, key, accountId), { callsProviders: true });

// The export's links open personal data: only officers may see them.
defineForOfficers('previewStatus', null, async ({ deps, key }) => ({ ok: true, preview: await genesysPreviewStatus(deps, key) }), { callsProviders: true });

export const panelResolver = resolver.getDefinitions();
