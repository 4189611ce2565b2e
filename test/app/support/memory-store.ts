import { memoryAdaSubmissionLog } from '../../support/ada-submission-log';
import { appendAuditEvent, type AuditEvent, sameAuditEvent } from '../../../src/core/audit';
import type { LegalHold } from '../../../src/core/legal-hold';
import {
  type CaseRecord,
  type Claim,
  ConcurrentUpdate,
  type JobRecord,
  type PendingApproval,
  type PreviewRequest,
} from '../../../src/core/records';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../../src/core/settings';
import type { AppStore } from '../../../src/app/ports';
import { PROVIDER_DESCRIPTIONS } from '../../../src/providers/descriptions';
import { entityKeys } from '../../../src/store/keys';

/**
 * The storage ports in memory, with the guarantees the use cases rely on from Forge KVS: values are copied
 * in and out (as serialisation would), versioned writes fail on a stale version, `create` and `take` fail
 * if the key exists, claims lapse after their TTL, and the audit trail is hash-chained.
 */

const copy = <T>(value: T): T => structuredClone(value);

class Versioned<T extends { version: number }> {
  readonly rows = new Map<string, T>();
  constructor(private readonly entity: string) {}
  get(key: string): T | undefined {
    const row = this.rows.get(key);
    return row === undefined ? undefined : copy(row);
  }
  create(key: string, value: T): boolean {
    if (this.rows.has(key)) return false;
    this.rows.set(key, copy({ ...value, version: 0 }));
    return true;
  }
  update(key: string, value: T): T {
    const stored = this.rows.get(key);
    if (!stored || stored.version !== value.version) throw new ConcurrentUpdate(this.entity, key);
    const next = copy({ ...value, version: value.version + 1 });
    this.rows.set(key, next);
    return copy(next);
  }
  /** Changes a stored row behind the use case's back, as a concurrent invocation would. */
  bump(key: string): void {
    const stored = this.rows.get(key);
    if (stored) this.rows.set(key, { ...stored, version: stored.version + 1 });
  }
}

function page<T>(items: T[], limit: number, cursor?: string): { items: T[]; cursor?: string } {
  const start = cursor ? Number(cursor) : 0;
  const end = start + limit;
  return { items: items.slice(start, end).map(copy), ...(end < items.length ? { cursor: String(end) } : {}) };
}

export function createMemoryStore(now: () => Date, settings: Settings = DEFAULT_SETTINGS) {
  const cases = new Versioned<CaseRecord>('erasure-case');
  const jobs = new Versioned<JobRecord>('erasure-job');
  const claimRows = new Map<string, { owner: string; at: string; expiresAtMs: number }>();
  const audit = new Map<string, AuditEvent[]>();
  const holds = new Map<string, LegalHold>();
  const secrets = new Map<string, unknown>();
  const amiqusTickets = new Map<number, string>();
  const previews = new Map<string, PreviewRequest>();
  const approvals = new Map<string, PendingApproval>();
  const handledApprovals = new Map<string, string>();
  const adaLog = memoryAdaSubmissionLog();
  let storedSettings: Settings = copy(settings);
  let genesysToken: { token: string; expiresAt: number } | null = null;

  const store: AppStore = {
    cases: {
      get: async (key) => cases.get(key),
      create: async (record) => cases.create(record.ticketKey, record),
      update: async (record) => cases.update(record.ticketKey, record),
      listOpen: async (limit, cursor) => {
        const open = [...cases.rows.values()]
          .filter((c) => c.phase === 'open')
          .sort((a, b) => a.dueOn.localeCompare(b.dueOn));
        const { items, cursor: next } = page(open, limit, cursor);
        return { cases: items, ...(next ? { cursor: next } : {}) };
      },
    },
    jobs: {
      get: async (ticketKey, provider) => jobs.get(`${ticketKey}:${provider}`),
      create: async (job) => jobs.create(`${job.ticketKey}:${job.provider}`, job),
      update: async (job) => jobs.update(`${job.ticketKey}:${job.provider}`, job),
      listForCase: async (ticketKey) => [...jobs.rows.values()].filter((j) => j.ticketKey === ticketKey).map(copy),
      dueForPoll: async (nowMs, limit, cursor) => {
        const due = [...jobs.rows.values()]
          .filter((j) => j.pollQueue === 'waiting' && j.nextPollAt <= nowMs)
          .sort((a, b) => a.nextPollAt - b.nextPollAt);
        const { items, cursor: next } = page(due, limit, cursor);
        return { jobs: items, ...(next ? { cursor: next } : {}) };
      },
    },
    claims: {
      take: async (claim: Claim, owner, at, ttlSeconds) => {
        const key = entityKeys.claim(claim);
        const held = claimRows.get(key);
        if (held && held.expiresAtMs > now().getTime()) return false;
        claimRows.set(key, { owner, at, expiresAtMs: ttlSeconds ? Date.parse(at) + ttlSeconds * 1000 : Infinity });
        return true;
      },
      release: async (claim) => {
        claimRows.delete(entityKeys.claim(claim));
      },
    },
    audit: {
      list: async (ticketKey) => copy(audit.get(ticketKey) ?? []),
      append: async (ticketKey, inputs) => {
        let chain = audit.get(ticketKey) ?? [];
        for (const input of inputs) chain = appendAuditEvent(chain, ticketKey, input);
        audit.set(ticketKey, chain);
        return copy(chain);
      },
      appendMissing: async (ticketKey, inputs) => {
        let chain = audit.get(ticketKey) ?? [];
        for (const input of inputs)
          if (!chain.some((e) => sameAuditEvent(e, input))) chain = appendAuditEvent(chain, ticketKey, input);
        audit.set(ticketKey, chain);
        return copy(chain);
      },
    },
    holds: {
      list: async () => [...holds.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(copy),
      save: async (hold) => {
        holds.set(hold.id, copy(hold));
        return copy(hold);
      },
      remove: async (id) => {
        holds.delete(id);
      },
    },
    settings: {
      get: async () => copy(storedSettings),
      save: async (next) => {
        storedSettings = settingsSchema.parse(next);
        return copy(storedSettings);
      },
    },
    secrets: {
      get: async (provider) => {
        const parsed = PROVIDER_DESCRIPTIONS[provider].credentials.safeParse(secrets.get(provider));
        return parsed.success ? (copy(parsed.data) as never) : undefined;
      },
      set: async (provider, value) => {
        secrets.set(provider, PROVIDER_DESCRIPTIONS[provider].credentials.parse(value));
      },
      status: async (providers) => Object.fromEntries(providers.map((p) => [p, secrets.has(p)])),
    },
    amiqusTickets: {
      get: async (clientId) => amiqusTickets.get(clientId) ?? null,
      set: async (clientId, ticketKey) => {
        amiqusTickets.set(clientId, ticketKey);
      },
    },
    previews: {
      get: async (ticketKey) => (previews.has(ticketKey) ? copy(previews.get(ticketKey) as PreviewRequest) : null),
      set: async (ticketKey, request) => {
        previews.set(ticketKey, copy(request));
      },
    },
    approvals: {
      put: async (approval) => {
        approvals.set(`${approval.ticketKey}:${approval.changelogId}`, copy(approval));
      },
      remove: async (ticketKey, changelogId) => {
        approvals.delete(`${ticketKey}:${changelogId}`);
      },
      forTicket: async (ticketKey) => [...approvals.values()].filter((a) => a.ticketKey === ticketKey).map(copy),
      markHandled: async (ticketKey, changelogId) => {
        handledApprovals.set(ticketKey, changelogId);
      },
      lastHandled: async (ticketKey) => handledApprovals.get(ticketKey) ?? null,
      receivedBefore: async (before, limit) =>
        [...approvals.values()]
          .filter((a) => a.receivedAt < before)
          .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
          .slice(0, limit)
          .map(copy),
    },
    adaSubmissions: adaLog,
    genesysTokens: {
      get: async () => genesysToken,
      set: async (entry) => {
        genesysToken = entry;
      },
    },
  };
  return { store, rows: { cases, jobs, claims: claimRows, audit, holds, secrets, amiqusTickets, approvals } };
}

export type MemoryStore = ReturnType<typeof createMemoryStore>;
