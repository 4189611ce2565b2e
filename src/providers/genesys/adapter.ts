import type { Subject } from '../../core/subject';
import type { ErasureProvider, ErasureRef, PollResult, PreviewResult, RequestRecord, SubmitResult, WithheldIdentifier } from '../port';
import type { GenesysApi } from './client';
import type { GdprRequest, GdprSubject } from './schemas';

const MAX_LISTING_PAGES = 10;
const MAX_SINGLE_GETS = 20;

/** Maps a Genesys request status to our outcome. ERROR carries no detail and may be partial. */
export function genesysOutcome(request: GdprRequest): PollResult {
  if (request.status === 'COMPLETED') {
    return { kind: 'completed', providerRef: request.id, summary: `Genesys Cloud GDPR_DELETE request ${request.id} completed` };
  }
  if (request.status === 'ERROR') {
    return {
      kind: 'failed',
      providerRef: request.id,
      reason: `Genesys Cloud reports ERROR for request ${request.id}, without detail; some records may already be deleted`,
      nextStep: `Open a Genesys support case quoting request ${request.id}; do not resubmit until they confirm what was deleted`,
    };
  }
  return { kind: 'in_progress', providerRef: request.id, providerStatus: request.status };
}

function previewOf(request: GdprRequest): PreviewResult {
  const urls = [...new Set([...(request.resultsUrls ?? []), ...(request.resultsUrl ? [request.resultsUrl] : [])])];
  return { providerRef: request.id, status: request.status === 'COMPLETED' ? 'completed' : request.status === 'ERROR' ? 'failed' : 'in_progress', resultUrls: urls };
}

function sameSubject(a: GdprSubject, b: GdprSubject): boolean {
  if (a.externalContactId && a.externalContactId === b.externalContactId) return true;
  if (a.userId && a.userId === b.userId) return true;
  return (a.emailAddresses ?? []).some((e) => (b.emailAddresses ?? []).map((x) => x.toLowerCase()).includes(e.toLowerCase()));
}

export class GenesysProvider implements ErasureProvider {
  constructor(private readonly api: GenesysApi) {}

  async submitErasure(subject: Subject, ref: ErasureRef): Promise<SubmitResult> {
    const requests: RequestRecord[] = [];
    const { target, withheld, kinds } = await this.target(subject, requests);

    // Reconcile first: a request we made for this attempt (crash after submit, or an ambiguous timeout)
    // is adopted, never duplicated. Requests from before this attempt was planned belong to other cases.
    if (target) {
      const existing = await this.findExisting(target, ref.plannedAt);
      requests.push({ endpoint: 'GET /api/v2/gdpr/requests', identifierKinds: [], providerRef: existing?.id ?? null, reconciled: !!existing });
      if (existing) return { outcome: this.submitted(existing), requests, withheld };
    }
    if (!target) {
      if (withheld.length > 0) {
        return {
          outcome: {
            kind: 'needs_attention',
            providerRef: null,
            reason: 'only phone numbers identify this subject at Genesys, and none is confirmed against the held period',
            nextStep: 'Run the export preview from the panel, compare it with the period the subject held each number, mark the numbers "confirmed" on the ticket and retry',
          },
          requests,
          withheld,
        };
      }
      return { outcome: { kind: 'not_found', providerRef: null, summary: 'Genesys Cloud found no subject matching the identifiers' }, requests, withheld };
    }
    const created = await this.api.createRequest('GDPR_DELETE', target);
    requests.push({ endpoint: 'POST /api/v2/gdpr/requests?deleteConfirmed=true', identifierKinds: kinds, providerRef: created.id, reconciled: false });
    return { outcome: this.submitted(created), requests, withheld };
  }

  private submitted(request: GdprRequest): SubmitResult['outcome'] {
    const mapped = genesysOutcome(request);
    return mapped.kind === 'in_progress' ? { kind: 'submitted', providerRef: request.id, providerStatus: request.status } : mapped;
  }

  /** The GDPR subject to delete: ids from the ticket, the ticket's email, and only confirmed phone numbers. */
  private async target(subject: Subject, requests: RequestRecord[]): Promise<{ target: GdprSubject | null; withheld: WithheldIdentifier[]; kinds: string[] }> {
    const withheld: WithheldIdentifier[] = subject.phones
      .filter((p) => !p.confirmed)
      .map(() => ({ kind: 'phone', reason: 'matching is by number and numbers are recycled: not confirmed against the held period' }));
    const phones = subject.phones.filter((p) => p.confirmed).map((p) => p.number);
    const target: GdprSubject = {};
    const kinds: string[] = [];
    if (subject.genesysExternalContactId) {
      target.externalContactId = subject.genesysExternalContactId;
      kinds.push('genesys_external_contact_id');
    }
    if (subject.genesysUserId) {
      target.userId = subject.genesysUserId;
      kinds.push('genesys_user_id');
    }
    if (subject.email) {
      const found = await this.api.searchSubjects('EMAIL', subject.email);
      requests.push({ endpoint: 'GET /api/v2/gdpr/subjects?searchType=EMAIL', identifierKinds: ['email'], providerRef: null, reconciled: false });
      if (found.length > 0) {
        target.emailAddresses = [subject.email];
        kinds.push('email');
        const contact = found.find((f) => f.externalContactId);
        if (!target.externalContactId && contact?.externalContactId) target.externalContactId = contact.externalContactId;
      }
    }
    if (phones.length > 0) {
      target.phoneNumbers = phones;
      kinds.push('phone');
    }
    return { target: Object.keys(target).length > 0 ? target : null, withheld, kinds };
  }

  private async findExisting(target: GdprSubject, since: string): Promise<GdprRequest | null> {
    for (let page = 1; page <= MAX_LISTING_PAGES; page += 1) {
      const { entities, pageCount } = await this.api.listRequests(page);
      const match = entities.find((r) => r.requestType === 'GDPR_DELETE' && r.createdDate >= since && sameSubject(target, r.subject));
      if (match) return match;
      if (page >= pageCount) break;
    }
    return null;
  }

  /** Many statuses from the paged listing; only requests it does not show are fetched one by one. */
  async pollStatus(providerRefs: readonly string[]): Promise<Map<string, PollResult>> {
    const wanted = new Set(providerRefs);
    const found = new Map<string, PollResult>();
    for (let page = 1; page <= MAX_LISTING_PAGES && found.size < wanted.size; page += 1) {
      const { entities, pageCount } = await this.api.listRequests(page);
      for (const r of entities) if (wanted.has(r.id)) found.set(r.id, genesysOutcome(r));
      if (page >= pageCount) break;
    }
    for (const id of [...wanted].filter((id) => !found.has(id)).slice(0, MAX_SINGLE_GETS)) {
      const r = await this.api.getRequest(id);
      if (r) found.set(id, genesysOutcome(r));
    }
    return found;
  }

  /**
   * A GDPR_EXPORT of what Genesys holds, for a person to compare with the periods the subject held each
   * number. It reads only, so unconfirmed numbers are included: checking them is what the preview is for.
   */
  async preview(subject: Subject, _ref: ErasureRef): Promise<PreviewResult> {
    const { target } = await this.target({ ...subject, phones: subject.phones.map((p) => ({ ...p, confirmed: true })) }, []);
    if (!target) return { providerRef: '', status: 'failed', resultUrls: [] };
    return previewOf(await this.api.createRequest('GDPR_EXPORT', target));
  }

  async previewStatus(providerRef: string): Promise<PreviewResult | null> {
    const request = await this.api.getRequest(providerRef);
    return request && request.requestType === 'GDPR_EXPORT' ? previewOf(request) : null;
  }
}
