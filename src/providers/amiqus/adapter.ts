import type { Subject } from '../../core/subject';
import type { ErasureProvider, ErasureRef, PollResult, SubmitResult } from '../port';
import type { AmiqusApi } from './client';

/** Amiqus deletes a client (PII, files, records) synchronously: the answer to DELETE is the outcome. */
export class AmiqusProvider implements ErasureProvider {
  constructor(private readonly api: AmiqusApi) {}

  async submitErasure(subject: Subject, _ref: ErasureRef): Promise<SubmitResult> {
    const id = subject.amiqusClientId as number;
    const ref = String(id);
    const client = await this.api.getClient(id);
    const lookup = { endpoint: 'GET /clients/{id}', identifierKinds: ['amiqus_client_id'], providerRef: ref, reconciled: false };
    if (!client) {
      return { outcome: { kind: 'not_found', providerRef: ref, summary: `Amiqus has no client ${id} (already deleted or never held)` }, requests: [lookup], withheld: [] };
    }
    if (!client.is_deletable) {
      return {
        outcome: {
          kind: 'needs_attention',
          providerRef: ref,
          reason: `Amiqus marks client ${id} as not deletable (it has requests; deleting needs an Admin token)`,
          nextStep: 'Delete the client in Amiqus as an administrator (or configure an Admin token), then use Retry on the panel',
        },
        requests: [lookup],
        withheld: [],
      };
    }
    const deleted = await this.api.deleteClient(id);
    const request = { endpoint: 'DELETE /clients/{id}', identifierKinds: ['amiqus_client_id'], providerRef: ref, reconciled: deleted.result === 'gone' };
    if (deleted.result === 'forbidden') {
      return {
        outcome: { kind: 'needs_attention', providerRef: ref, reason: `Amiqus refused the deletion: ${deleted.message}`, nextStep: 'Ask an Amiqus administrator to delete the client, then use Retry on the panel' },
        requests: [lookup, request],
        withheld: [],
      };
    }
    const summary =
      deleted.result === 'deleted'
        ? `Amiqus client ${id} deleted with all personal data, files and records (HTTP 204)`
        : `Amiqus client ${id} was already gone when deleted (HTTP 404 after our lookup found it): recorded as deleted`;
    return { outcome: { kind: 'completed', providerRef: ref, summary }, requests: [lookup, request], withheld: [] };
  }

  async pollStatus(): Promise<Map<string, PollResult>> {
    return new Map();
  }
}
