import { appliesTo, PROVIDER_DESCRIPTIONS } from '../providers/descriptions';
import type { PreviewResult } from '../providers/port';
import type { ActionResult } from './case-actions';
import { previewRequestedComment } from './comments';
import type { AppDeps } from './ports';
import { readTicketSubject } from './ticket-subject';

/**
 * Use case: a privacy officer asks Genesys Cloud for a GDPR_EXPORT of what it holds for the ticket's subject,
 * before approving, to check phone numbers against the periods the subject held them (numbers are recycled).
 * A preview erases nothing. The export's links stay in the panel, not in a comment: they open personal data.
 */

export type PreviewView = (PreviewResult & { requestedBy: string; requestedAt: string }) | null;

export async function requestGenesysPreview(deps: AppDeps, ticketKey: string, by: string): Promise<ActionResult> {
  const provider = await deps.provider('genesys');
  if (!provider?.preview)
    return { ok: false, message: 'Genesys Cloud is not configured (admin page), so there is nothing to preview.' };
  // The preview needs identifiers, not a complete ticket: a missing receipt date must not block it.
  const { read } = await readTicketSubject(deps, ticketKey);
  const subject = read.identifiers;
  if (!subject) {
    const blocking = read.problems.filter((p) => p.field !== 'receivedOn');
    return {
      ok: false,
      message: `Fix the ticket's identifiers first: ${blocking.map((p) => `${p.field}: ${p.message}`).join('; ')}.`,
    };
  }
  if (!appliesTo(PROVIDER_DESCRIPTIONS.genesys, subject))
    return { ok: false, message: 'The ticket carries no identifier Genesys Cloud can search by.' };
  const at = deps.now().toISOString();
  const result = await provider.preview(subject, { ticketKey, attempt: 0, plannedAt: at });
  if (!result.providerRef)
    return { ok: false, message: 'Genesys Cloud holds nothing matching the ticket’s identifiers.' };
  await deps.store.previews.set(ticketKey, { providerRef: result.providerRef, requestedBy: by, requestedAt: at });
  await deps.jira.addComment(ticketKey, previewRequestedComment(result.providerRef));
  return { ok: true, message: `Export requested from Genesys Cloud (request ${result.providerRef}).` };
}

export async function genesysPreviewStatus(deps: AppDeps, ticketKey: string): Promise<PreviewView> {
  const stored = await deps.store.previews.get(ticketKey);
  if (!stored) return null;
  const provider = await deps.provider('genesys');
  const status = provider?.previewStatus ? await provider.previewStatus(stored.providerRef) : null;
  return status ? { ...status, requestedBy: stored.requestedBy, requestedAt: stored.requestedAt } : null;
}
