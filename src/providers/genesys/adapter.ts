import type { Subject } from '../../core/subject';
import type {
  ErasureProvider,
  ErasureRef,
  PollResult,
  PreviewResult,
  RequestRecord,
  SubmitResult,
  WithheldIdentifier,
} from '../port';
import { pollFailure, ReconciliationIncomplete } from '../errors';
import type { GenesysApi } from './client';
import type { GdprRequest, GdprSubject } from './schemas';

/** Calls one poll may make, listing pages and single GETs together (100 a page: 20,000 requests). */
const MAX_POLL_CALLS = 200;
/** Pages the reconciliation before a submit may read (100 a page): the whole listing of any realistic org. */
const MAX_RECONCILE_PAGES = 50;
const LISTING_PAGE_SIZE = 100;

/** Maps a Genesys request status to our outcome. ERROR carries no detail and may be partial. */
export function genesysOutcome(request: GdprRequest): PollResult {
  if (request.status === 'COMPLETED') {
    return {
      kind: 'completed',
      providerRef: request.id,
      summary: `Genesys Cloud GDPR_DELETE request ${request.id} completed`,
    };
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
  return {
    providerRef: request.id,
    status: request.status === 'COMPLETED' ? 'completed' : request.status === 'ERROR' ? 'failed' : 'in_progress',
    resultUrls: urls,
  };
}

const normalPhone = (p: string) => p.replace(/[^\d+]/g, '');

/** Every identifier a subject names, normalised, so two subjects compare by all of them (phones included). */
function identifiersOf(subject: GdprSubject): string {
  const set = [
    ...(subject.emailAddresses ?? []).map((e) => `email:${e.trim().toLowerCase()}`),
    ...(subject.phoneNumbers ?? []).map((p) => `phone:${normalPhone(p)}`),
    ...(subject.externalContactId ? [`ecid:${subject.externalContactId.toLowerCase()}`] : []),
    ...(subject.userId ? [`user:${subject.userId.toLowerCase()}`] : []),
  ];
  return [...new Set(set)].sort().join('|');
}

/**
 * Whether a listed request is the one this app made for `target`: the listing is the whole org's (other
 * tools' requests too), so a request only counts as ours when it names exactly the identifiers we sent.
 */
function sameSubject(target: GdprSubject, listed: GdprSubject): boolean {
  const ours = identifiersOf(target);
  return ours !== '' && ours === identifiersOf(listed);
}

export class GenesysProvider implements ErasureProvider {
  constructor(private readonly api: GenesysApi) {}

  /** The email search, the reconciling listing scan when an earlier delivery may have submitted, and the create. */
  callsToSubmit(identifierKinds: readonly string[], ref: ErasureRef): number {
    return (identifierKinds.includes('email') ? 1 : 0) + (ref.mayHaveSubmitted === false ? 0 : 1) + 1;
  }

  async submitErasure(subject: Subject, ref: ErasureRef): Promise<SubmitResult> {
    const requests: RequestRecord[] = [];
    const { target, withheld, kinds, otherContact } = await this.target(subject, requests);

    // Reconcile first: a request we made for this attempt (crash after submit, or an ambiguous timeout)
    // is adopted, never duplicated. Requests from before this attempt was planned belong to other cases.
    if (target && ref.mayHaveSubmitted !== false) {
      const existing = await this.findExisting(target, ref.plannedAt);
      requests.push({
        endpoint: 'GET /api/v2/gdpr/requests',
        identifierKinds: [],
        providerRef: existing?.id ?? null,
        reconciled: !!existing,
      });
      if (existing) return { outcome: this.submitted(existing), requests, withheld };
    }
    if (otherContact) {
      return {
        outcome: {
          kind: 'needs_attention',
          providerRef: null,
          reason:
            "the Genesys external contact id on the ticket is not the contact Genesys holds for the ticket's email, so nothing was deleted",
          // As at Amiqus: a corrected ticket needs a new approval, a corrected Genesys contact only a retry.
          nextStep:
            "Check the ticket's Genesys external contact id against the contact Genesys holds for the subject's email: if the ticket is wrong, correct it and approve the ticket again; if the contact in Genesys is out of date, correct it there and use Retry on the panel",
        },
        requests,
        withheld,
      };
    }
    if (!target) {
      if (withheld.length > 0) {
        return {
          outcome: {
            kind: 'needs_attention',
            providerRef: null,
            reason:
              'only phone numbers identify this subject at Genesys, and none is confirmed against the held period',
            nextStep:
              'Run the export preview from the panel, compare it with the period the subject held each number, mark the numbers "confirmed" on the ticket and retry',
          },
          requests,
          withheld,
        };
      }
      return {
        outcome: {
          kind: 'not_found',
          providerRef: null,
          summary: 'Genesys Cloud found no subject matching the identifiers',
        },
        requests,
        withheld,
      };
    }
    const created = await this.api.createRequest('GDPR_DELETE', target);
    requests.push({
      endpoint: 'POST /api/v2/gdpr/requests?deleteConfirmed=true',
      identifierKinds: kinds,
      providerRef: created.id,
      reconciled: false,
    });
    return { outcome: this.submitted(created), requests, withheld };
  }

  private submitted(request: GdprRequest): SubmitResult['outcome'] {
    const mapped = genesysOutcome(request);
    return mapped.kind === 'in_progress'
      ? { kind: 'submitted', providerRef: request.id, providerStatus: request.status }
      : mapped;
  }

  /** The GDPR subject to delete: ids from the ticket, the ticket's email, and only confirmed phone numbers. */
  private async target(
    subject: Subject,
    requests: RequestRecord[],
  ): Promise<{ target: GdprSubject | null; withheld: WithheldIdentifier[]; kinds: string[]; otherContact: boolean }> {
    const withheld: WithheldIdentifier[] = subject.phones
      .filter((p) => !p.confirmed)
      .map(() => ({
        kind: 'phone',
        reason: 'matching is by number and numbers are recycled: not confirmed against the held period',
      }));
    const phones = subject.phones.filter((p) => p.confirmed).map((p) => p.number);
    const target: GdprSubject = {};
    const kinds: string[] = [];
    let otherContact = false;
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
      // A GDPR_DELETE erases whatever its external contact id names, and that id is typed by a person: where
      // Genesys holds contacts for the ticket's email and none is the ticket's, the id names someone else.
      const contactIds = found.flatMap((f) => (f.externalContactId ? [f.externalContactId.toLowerCase()] : []));
      const ticketId = subject.genesysExternalContactId?.toLowerCase();
      otherContact = ticketId !== undefined && contactIds.length > 0 && !contactIds.includes(ticketId);
      // Deliberate: a search that finds no contact does not close the case as "nothing found". Conversation
      // data (emails, chats, recordings' metadata) can exist for an email with no contact record, and a
      // GDPR_DELETE matches by identifier, so the ticket's verified email is sent as the request's subject.
      requests.push({
        endpoint: 'GET /api/v2/gdpr/subjects?searchType=EMAIL',
        identifierKinds: ['email'],
        providerRef: null,
        reconciled: false,
        ...(found.length === 0
          ? {
              note: 'no contact record for the email; the email is sent as the subject, since conversation data can exist without a contact',
            }
          : otherContact
            ? { note: "the email's contact has another external contact id than the ticket's: not deleted" }
            : {}),
      });
      target.emailAddresses = [subject.email];
      kinds.push('email');
      const contact = found.find((f) => f.externalContactId);
      if (!target.externalContactId && contact?.externalContactId) target.externalContactId = contact.externalContactId;
    }
    if (phones.length > 0) {
      target.phoneNumbers = phones;
      kinds.push('phone');
    }
    return { target: Object.keys(target).length > 0 ? target : null, withheld, kinds, otherContact };
  }

  /**
   * Looks for this attempt's request in the org-wide listing. Its order is undocumented, so every page up to
   * `pageCount` is read, unless the pages seen so far are newest first and have reached requests older than
   * the attempt: then no later page can hold it. If the listing is longer than we may read, the answer is
   * unknown, and a person decides rather than risk a second deletion.
   */
  private async findExisting(target: GdprSubject, since: string): Promise<GdprRequest | null> {
    const sinceMs = Date.parse(since);
    let newestFirst = true;
    let previous = Number.POSITIVE_INFINITY;
    let pageCount = 1;
    for (let page = 1; page <= pageCount; page += 1) {
      if (page > MAX_RECONCILE_PAGES)
        throw new ReconciliationIncomplete(
          'genesys',
          'GET /api/v2/gdpr/requests',
          `the request listing has ${pageCount} pages, more than the ${MAX_RECONCILE_PAGES} read; check in Genesys for a GDPR_DELETE of this subject before retrying`,
        );
      const listing = await this.api.listRequests(page);
      pageCount = listing.pageCount;
      const match = listing.entities.find(
        (r) =>
          r.requestType === 'GDPR_DELETE' && Date.parse(r.createdDate) >= sinceMs && sameSubject(target, r.subject),
      );
      if (match) return match;
      for (const r of listing.entities) {
        const created = Date.parse(r.createdDate);
        if (!(created <= previous)) newestFirst = false;
        previous = created;
      }
      if (newestFirst && previous < sinceMs) break;
    }
    return null;
  }

  /** Many statuses from the paged listing; only requests it does not show are fetched one by one. */
  /** One listing scan for all of them (100 a page, newest first, so pending requests come first). */
  callsToPoll(providerRefs: readonly string[]): number {
    return Math.max(1, Math.ceil(new Set(providerRefs).size / LISTING_PAGE_SIZE));
  }

  async pollStatus(providerRefs: readonly string[]): Promise<Map<string, PollResult>> {
    const found = new Map<string, PollResult>();
    try {
      return await this.scanStatuses(providerRefs, found);
    } catch (error) {
      throw pollFailure(found, error);
    }
  }

  private async scanStatuses(
    providerRefs: readonly string[],
    found: Map<string, PollResult>,
  ): Promise<Map<string, PollResult>> {
    const wanted = new Set(providerRefs);
    // The listing is the whole org's, in no documented order: a request may be on any page. Read it while that
    // is cheaper than asking for each request not yet seen by itself, then ask for those one by one.
    let calls = 0;
    for (let page = 1; found.size < wanted.size && calls < MAX_POLL_CALLS; page += 1) {
      const { entities, pageCount } = await this.api.listRequests(page);
      calls += 1;
      for (const r of entities) if (wanted.has(r.id)) found.set(r.id, genesysOutcome(r));
      if (page >= pageCount || wanted.size - found.size <= pageCount - page) break;
    }
    const unseen = [...wanted].filter((id) => !found.has(id)).slice(0, Math.max(0, MAX_POLL_CALLS - calls));
    for (const id of unseen) {
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
    const { target } = await this.target(
      { ...subject, phones: subject.phones.map((p) => ({ ...p, confirmed: true })) },
      [],
    );
    if (!target) return { providerRef: '', status: 'failed', resultUrls: [] };
    return previewOf(await this.api.createRequest('GDPR_EXPORT', target));
  }

  async previewStatus(providerRef: string): Promise<PreviewResult | null> {
    const request = await this.api.getRequest(providerRef);
    return request && request.requestType === 'GDPR_EXPORT' ? previewOf(request) : null;
  }
}
