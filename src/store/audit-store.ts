import { randomBytes } from 'node:crypto';
import { kvs, Sort } from '@forge/kvs';
import { type ActorOpening, actorCommitment, ERASED_ACCOUNT, isActorCommitment } from '../core/actor-commitment';
import { accountRegistry } from './account-registry';
import {
  appendAuditEvent,
  type AuditEvent,
  type AuditEventInput,
  auditEventSchema,
  sameAuditEvent,
} from '../core/audit';
import { ENTITIES, entityKeys, kvsKeys } from './keys';
import { isConflict } from './kvs-store';

/**
 * The audit trail of each ticket, one KVS entity per event. Appends are serialised by the event's sequence
 * number: the key `<ticket>:<seq>` can be written once only, so two workers appending at the same moment
 * cannot fork the hash chain; the loser re-reads the head and appends after it.
 */

const MAX_APPEND_ATTEMPTS = 8;
const eventKey = entityKeys.auditEvent;

export class AuditAppendContention extends Error {
  constructor(readonly ticketKey: string) {
    super(`${ticketKey}: could not append to the audit trail after ${MAX_APPEND_ATTEMPTS} attempts (heavy contention)`);
    this.name = 'AuditAppendContention';
  }
}

/**
 * The event with its actor (`data.by`) replaced by a salted commitment; the opening is stored beside the
 * chain and registered for personal data reporting, so a closed account can be erased without touching the chain.
 */
async function committed(input: AuditEventInput): Promise<AuditEventInput> {
  const data = input.data as { by?: unknown };
  if (typeof data.by !== 'string' || isActorCommitment(data.by) || data.by === ERASED_ACCOUNT) return input;
  const opening: ActorOpening = { accountId: data.by, salt: randomBytes(16).toString('hex') };
  const commitment = actorCommitment(opening);
  await kvs.set(kvsKeys.actorOpening(commitment), opening);
  await accountRegistry.note(opening.accountId, input.at, { kind: 'audit-actor', commitment });
  return { ...input, data: { ...input.data, by: commitment } } as AuditEventInput;
}

export const auditStore = {
  /** Who a commitment in the trail names, while the account's opening is kept; null once erased. */
  async openActor(commitment: string): Promise<ActorOpening | null> {
    return (await kvs.get<ActorOpening>(kvsKeys.actorOpening(commitment))) ?? null;
  },

  async list(ticketKey: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let cursor: string | undefined;
    do {
      let query = kvs
        .entity<AuditEvent & { ticketKey: string }>(ENTITIES.audit)
        .query()
        .index('by-ticket', { partition: [ticketKey] })
        .sort(Sort.ASC)
        .limit(100);
      if (cursor) query = query.cursor(cursor);
      const page = await query.getMany();
      for (const r of page.results) {
        const { ticketKey: _ticket, ...event } = r.value;
        events.push(auditEventSchema.parse(event));
      }
      cursor = page.nextCursor;
    } while (cursor);
    return events;
  },

  append(ticketKey: string, inputs: AuditEventInput[]): Promise<AuditEvent[]> {
    return appendEvents(ticketKey, inputs, false);
  },

  appendMissing(ticketKey: string, inputs: AuditEventInput[]): Promise<AuditEvent[]> {
    return appendEvents(ticketKey, inputs, true);
  },
};

/**
 * Whether the chain holds this entry: the same time, kind and data, where an entry naming an actor matches
 * one whose commitment opens to that actor (each append commits afresh, with a new salt). An approval finished
 * after a crash (src/app/approve.ts) appends its `approved` entry this way, once.
 */
async function recordedAlready(chain: readonly AuditEvent[], input: AuditEventInput): Promise<boolean> {
  const by = (input.data as { by?: unknown }).by;
  const namesActor = typeof by === 'string' && !isActorCommitment(by) && by !== ERASED_ACCOUNT;
  if (!namesActor) return chain.some((e) => sameAuditEvent(e, input));
  for (const event of chain) {
    const committedBy = (event.data as { by?: unknown }).by;
    if (typeof committedBy !== 'string' || event.at !== input.at || event.kind !== input.kind) continue;
    const asPlain = { ...event, data: { ...(event.data as object), by } } as unknown as AuditEventInput;
    if (!sameAuditEvent(asPlain, input)) continue;
    if (committedBy === by || (await auditStore.openActor(committedBy))?.accountId === by) return true;
  }
  return false;
}

/**
 * `skipRecorded` (finishing a job's outbox, or an approval): an entry already in the chain is not appended
 * again (recordedAlready).
 */
async function appendEvents(
  ticketKey: string,
  plainInputs: AuditEventInput[],
  skipRecorded: boolean,
): Promise<AuditEvent[]> {
  let chain = await auditStore.list(ticketKey);
  const inputs: AuditEventInput[] = [];
  for (const input of plainInputs) {
    if (skipRecorded && (await recordedAlready(chain, input))) continue;
    inputs.push(await committed(input));
  }
  for (const input of inputs) {
    for (let attempt = 1; ; attempt += 1) {
      // Checked again after every conflict: the invocation that won may have appended this very entry.
      if (skipRecorded && chain.some((e) => sameAuditEvent(e, input))) break;
      const next = appendAuditEvent(chain, ticketKey, input);
      const event = next[next.length - 1] as AuditEvent;
      try {
        await kvs
          .entity<AuditEvent & { ticketKey: string }>(ENTITIES.audit)
          .set(eventKey(ticketKey, event.seq), { ...event, ticketKey }, { keyPolicy: 'FAIL_IF_EXISTS' });
        chain = next;
        break;
      } catch (error) {
        if (!isConflict(error)) throw error;
        if (attempt >= MAX_APPEND_ATTEMPTS) throw new AuditAppendContention(ticketKey);
        chain = await auditStore.list(ticketKey);
      }
    }
  }
  return chain;
}
