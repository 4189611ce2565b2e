import Resolver from '@forge/resolver';
import { z } from 'zod';
import { confirmDownstream, extendDeadline, getPanelView } from '../app/case-actions';
import { genesysPreviewStatus, requestGenesysPreview } from '../app/preview';
import { requestRetry } from '../app/retry';
import { buildDeps } from '../deps';
import { isPrivacyOfficer, NOT_ALLOWED } from './access';

/**
 * The issue panel's backend. The ticket key comes from the Forge context (the issue the panel is on),
 * never from the payload, so a caller cannot act on another ticket.
 */
const contextSchema = z.object({ extension: z.object({ issue: z.object({ key: z.string() }) }) });
const extendSchema = z.object({ months: z.coerce.number().int(), reason: z.string() });
const confirmSchema = z.object({ system: z.string().min(1) });

const resolver = new Resolver();

function issueKeyOf(context: unknown): string | null {
  const parsed = contextSchema.safeParse(context);
  return parsed.success ? parsed.data.extension.issue.key : null;
}

const projectOf = (issueKey: string) => issueKey.split('-')[0] as string;

resolver.define('getView', async ({ context }) => {
  const key = issueKeyOf(context);
  if (!key) return { ok: false, message: 'Open this panel on a DSAR ticket.' };
  const deps = await buildDeps();
  return { ok: true, view: await getPanelView(deps, key) };
});

resolver.define('retry', async ({ context }) => {
  const key = issueKeyOf(context);
  if (!key) return { ok: false, message: 'Open this panel on a DSAR ticket.' };
  const deps = await buildDeps();
  if (!(await isPrivacyOfficer(deps, projectOf(key), context.accountId))) return NOT_ALLOWED;
  const result = await requestRetry(deps, key, context.accountId as string);
  return result.ok ? { ok: true, message: `Retry started for ${result.providers.join(', ')}.` } : result;
});

resolver.define('extendDeadline', async ({ payload, context }) => {
  const key = issueKeyOf(context);
  const input = extendSchema.safeParse(payload);
  if (!key) return { ok: false, message: 'Open this panel on a DSAR ticket.' };
  if (!input.success) return { ok: false, message: 'Choose one or two months and give a reason.' };
  const deps = await buildDeps();
  if (!(await isPrivacyOfficer(deps, projectOf(key), context.accountId))) return NOT_ALLOWED;
  return extendDeadline(deps, key, input.data.months, input.data.reason, context.accountId as string);
});

resolver.define('confirmDownstream', async ({ payload, context }) => {
  const key = issueKeyOf(context);
  const input = confirmSchema.safeParse(payload);
  if (!key || !input.success) return { ok: false, message: 'Choose the system to confirm.' };
  const deps = await buildDeps();
  if (!(await isPrivacyOfficer(deps, projectOf(key), context.accountId))) return NOT_ALLOWED;
  return confirmDownstream(deps, key, input.data.system, context.accountId as string);
});

resolver.define('requestPreview', async ({ context }) => {
  const key = issueKeyOf(context);
  if (!key) return { ok: false, message: 'Open this panel on a DSAR ticket.' };
  const deps = await buildDeps();
  if (!(await isPrivacyOfficer(deps, projectOf(key), context.accountId))) return NOT_ALLOWED;
  return requestGenesysPreview(deps, key, context.accountId as string);
});

// The export's links open personal data: only officers may see them.
resolver.define('previewStatus', async ({ context }) => {
  const key = issueKeyOf(context);
  if (!key) return { ok: false, message: 'Open this panel on a DSAR ticket.' };
  const deps = await buildDeps();
  if (!(await isPrivacyOfficer(deps, projectOf(key), context.accountId))) return NOT_ALLOWED;
  return { ok: true, preview: await genesysPreviewStatus(deps, key) };
});

export const panelResolver = resolver.getDefinitions();
