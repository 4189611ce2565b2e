import type { Subject } from '../../core/subject';
import { isTransient, OutcomeUnknown, pollFailure } from '../errors';
import type { ErasureProvider, ErasureRef, PollResult, SubmitResult } from '../port';
import type { AmiqusApi } from './client';
import { type ClientMatch, matchClientToSubject } from './identity';

const UNCONFIRMED = 'deleted, not yet confirmed (the client still reads back)';

function matchNote(match: ClientMatch): string {
  if (!match.matches) return `client's ${match.differs} differs from the ticket's: not deleted`;
  return match.by === null
    ? 'client not compared with the ticket: no email or name on both; deleted by the approved id'
    : `client matches the ticket by ${match.by}`;
}

/** Amiqus deletes a client (PII, files, records) synchronously; a read-back after the DELETE confirms it. */
export class AmiqusProvider implements ErasureProvider {
  constructor(private readonly api: AmiqusApi) {}

  callsToSubmit(): number {
    // GET (is the client the ticket's subject; is it deletable, PROVIDERS.md: route non-deletable clients to a
    // person), DELETE, and the read-back that confirms it. Booking one too few let a busy budget refuse the
    // read-back after the DELETE, so the outcome went unrecorded and the retry found the client gone: recorded as
    // "nothing found" with no DELETE in it.
    return 3;
  }

  /** One read-back per unconfirmed deletion. */
  callsToPoll(providerRefs: readonly string[]): number {
    return providerRefs.length;
  }

  async submitErasure(subject: Subject, _ref: ErasureRef): Promise<SubmitResult> {
    const id = subject.amiqusClientId as number;
    const ref = String(id);
    const client = await this.api.getClient(id);
    const match = client ? matchClientToSubject(subject, client) : null;
    const lookup = {
      endpoint: 'GET /clients/{id}',
      identifierKinds: ['amiqus_client_id'],
      providerRef: ref,
      reconciled: false,
      ...(match ? { note: matchNote(match) } : {}),
    };
    if (!client) {
      return {
        outcome: {
          kind: 'not_found',
          providerRef: ref,
          summary: `Amiqus has no client ${id} (already deleted or never held)`,
        },
        requests: [lookup],
        withheld: [],
      };
    }
    if (match && !match.matches) {
      return {
        outcome: {
          kind: 'needs_attention',
          providerRef: ref,
          reason: `Amiqus client ${id} is not this ticket's subject: the client's ${match.differs} differs from the ticket's, so nothing was deleted`,
          // A corrected ticket needs a new approval (the approval covers the identifiers it saw); a corrected
          // Amiqus record needs only a retry.
          nextStep: `Check the ticket's Amiqus client id and ${match.differs} against the subject's record in Amiqus: if the ticket is wrong, correct it and approve the ticket again; if Amiqus is out of date, correct it there and use Retry on the panel`,
        },
        requests: [lookup],
        withheld: [],
      };
    }
    if (!client.is_deletable) {
      return {
        outcome: {
          kind: 'needs_attention',
          providerRef: ref,
          reason: `Amiqus marks client ${id} as not deletable (it has requests; deleting needs an Admin token)`,
          nextStep:
            'Delete the client in Amiqus as an administrator (or configure an Admin token), then use Retry on the panel',
        },
        requests: [lookup],
        withheld: [],
      };
    }
    const deleted = await this.api.deleteClient(id);
    const request = {
      endpoint: 'DELETE /clients/{id}',
      identifierKinds: ['amiqus_client_id'],
      providerRef: ref,
      reconciled: deleted.result === 'gone',
    };
    if (deleted.result === 'forbidden') {
      return {
        outcome: {
          kind: 'needs_attention',
          providerRef: ref,
          reason: `Amiqus refused the deletion: ${deleted.message}`,
          nextStep: 'Ask an Amiqus administrator to delete the client, then use Retry on the panel',
        },
        requests: [lookup, request],
        withheld: [],
      };
    }
    const summary =
      deleted.result === 'deleted'
        ? `Amiqus client ${id} deleted with all personal data, files and records (HTTP 204)`
        : `Amiqus client ${id} was already gone when deleted (HTTP 404 after our lookup found it): recorded as deleted`;
    // A 204 says Amiqus accepted the deletion; reading the client back as 404 shows it took effect. The DELETE
    // has been made, so a read-back that cannot be made now must not lose it: the status poll reads back later.
    let readBack;
    try {
      readBack = await this.api.getClient(id);
    } catch (error) {
      if (!(isTransient(error) || error instanceof OutcomeUnknown)) throw error;
      return {
        outcome: { kind: 'submitted', providerRef: ref, providerStatus: UNCONFIRMED },
        requests: [lookup, request],
        withheld: [],
      };
    }
    const confirmed = readBack === null;
    const check = {
      endpoint: 'GET /clients/{id}',
      identifierKinds: ['amiqus_client_id'],
      providerRef: ref,
      reconciled: false,
      note: confirmed ? 'read back after DELETE: 404, deletion confirmed' : 'read back after DELETE: still present',
    };
    if (!confirmed) {
      return {
        outcome: { kind: 'submitted', providerRef: ref, providerStatus: UNCONFIRMED },
        requests: [lookup, request, check],
        withheld: [],
      };
    }
    return {
      outcome: {
        kind: 'completed',
        providerRef: ref,
        summary,
        confirmation: { evidence: 'read_404', providerRef: ref },
      },
      requests: [lookup, request, check],
      withheld: [],
    };
  }

  /** A deletion Amiqus accepted but still showed: confirmed once the client reads back as 404. */
  async pollStatus(providerRefs: readonly string[]): Promise<Map<string, PollResult>> {
    const out = new Map<string, PollResult>();
    for (const ref of providerRefs) {
      const id = Number(ref);
      if (!Number.isInteger(id)) continue;
      const client = await this.api.getClient(id).catch((error: unknown) => {
        throw pollFailure(out, error);
      });
      out.set(
        ref,
        client === null
          ? {
              kind: 'completed',
              providerRef: ref,
              summary: `Amiqus client ${id} deleted (reads back as 404 after the DELETE)`,
              confirmation: { evidence: 'read_404', providerRef: ref },
            }
          : { kind: 'in_progress', providerRef: ref, providerStatus: UNCONFIRMED },
      );
    }
    return out;
  }
}
