import Resolver from '@forge/resolver';
import { z } from 'zod';
import { isPrivacyOfficer, lookupRefused, NOT_ALLOWED } from '../app/access';
import { extendDeadline, getPanelView } from '../app/case-actions';
import { confirmDownstream } from '../app/downstream';
import type { AppDeps, UserJiraPort } from '../app/ports';
import { genesysPreviewStatus, requestGenesysPreview } from '../app/preview';
import { requestRetry } from '../app/retry';
import { buildDeps, buildUserJira, RESOLVER_PROVIDER_RETRY } from '../deps';

/**
 * The issue panel's backend. Forge guarantees only `accountId`, `accountType`, `license` and `installContext`
 * in the context; `extension.issue` is what the browser says. So it is only a claim: the issue is fetched from
 * Jira as the calling user, and the key and project Jira returns are the ones acted on. A user who cannot
 * browse the issue gets nothing, not even the view.
 */
const claimSchema = z.object({
  extension: z.object({
    issue: z.union([
      z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
      z.object({ key: z.string() }),
    ]),
  }),
});
const NOT_ON_A_TICKET = { ok: false as const, message: 'Open this panel on a DSAR ticket you can see.' };

const resolver = new Resolver();

/** The issue Jira shows this user, or null (no claim, no such issue, or not theirs to browse). */
async function issueFor(
  context: Record<string, unknown>,
): Promise<{ user: UserJiraPort; accountId: string; key: string; projectKey: string } | null> {
  const claim = claimSchema.safeParse(context);
  if (!claim.success || typeof context.accountId !== 'string') return null;
  const user = buildUserJira();
  const claimed = claim.data.extension.issue;
  const issue = await user.visibleIssue('id' in claimed ? claimed.id : claimed.key);
  return issue ? { user, accountId: context.accountId, key: issue.key, projectKey: issue.projectKey } : null;
}

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
    const parsed = input ? input.schema.safeParse(payload) : null;
    if (input && !parsed?.success) return { ok: false, message: input.invalid };
    // Someone who cannot even see the ticket is certainly not its privacy officer.
    const found = await issueFor(context);
    if (!found) return NOT_ALLOWED;
    const deps = await buildDeps(options.callsProviders ? { providerRetry: RESOLVER_PROVIDER_RETRY } : {});
    try {
      if (!(await isPrivacyOfficer(deps, found.projectKey, found.accountId, () => found.user.myGroups())))
        return NOT_ALLOWED;
    } catch (error) {
      const refused = lookupRefused(error);
      if (refused) return refused;
      throw error;
    }
    return handler({ deps, key: found.key, accountId: found.accountId, input: parsed?.data as z.infer<S> });
  });
}

// Anyone who can browse the ticket sees the case's progress (no identifiers are in it).
resolver.define('getView', async ({ context }) => {
  const found = await issueFor(context);
  if (!found) return NOT_ON_A_TICKET;
  const deps = await buildDeps();
  return { ok: true, view: await getPanelView(deps, found.key) };
});

defineForOfficers(
  'retry',
  {
    schema: z
      .object({ genesysSupportCase: z.string().max(100).optional(), genesysConfirmed: z.boolean().optional() })
      .default({}),
    invalid: 'The support case reference is too long.',
  },
  async ({ deps, key, accountId, input }) => {
    const result = await requestRetry(deps, key, accountId, {
      ...(input.genesysSupportCase !== undefined ? { supportCase: input.genesysSupportCase } : {}),
      ...(input.genesysConfirmed !== undefined ? { confirmed: input.genesysConfirmed } : {}),
    });
    return result.ok ? { ok: true, message: `Retry started for ${result.providers.join(', ')}.` } : result;
  },
);

defineForOfficers(
  'extendDeadline',
  {
    schema: z.object({ months: z.coerce.number().int(), reason: z.string() }),
    invalid: 'Choose one or two months and give a reason.',
  },
  ({ deps, key, accountId, input }) => extendDeadline(deps, key, input.months, input.reason, accountId),
);

defineForOfficers(
  'confirmDownstream',
  {
    schema: z.object({ system: z.string().min(1), note: z.string().max(1000).optional() }),
    invalid: 'Choose the system to confirm.',
  },
  ({ deps, key, accountId, input }) => confirmDownstream(deps, key, input.system, accountId, input.note),
);

defineForOfficers('requestPreview', null, ({ deps, key, accountId }) => requestGenesysPreview(deps, key, accountId), {
  callsProviders: true,
});

// The export's links open personal data: only officers may see them.
defineForOfficers(
  'previewStatus',
  null,
  async ({ deps, key }) => ({ ok: true, preview: await genesysPreviewStatus(deps, key) }),
  { callsProviders: true },
);

export const panelResolver = resolver.getDefinitions();
