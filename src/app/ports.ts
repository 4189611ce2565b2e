import type { AccountPlace, StoredAccount } from '../core/actor-commitment';
import type { AuditEvent, AuditEventInput } from '../core/audit';
import type { ProviderId } from '../core/erasure';
import type { LegalHold } from '../core/legal-hold';
import type { CaseRecord, Claim, JobMessage, JobRecord, PendingApproval, PreviewRequest } from '../core/records';
import type { Settings } from '../core/settings';
import type { AdaSubmissionLog } from '../providers/ada/cooldown';
import type { ProviderSecrets } from '../providers/descriptions';
import type { SharedTokenCache } from '../providers/genesys/token';
import type { ErasureProvider } from '../providers/port';
import type { SharedRateBudget } from './rate-budget';

/**
 * What the use cases need from the outside world, as small interfaces. On Forge they are built in
 * src/deps.ts from `@forge/api` (src/jira/), `@forge/kvs` (src/store/) and `@forge/events`; the same objects
 * run in the sandbox, because the sandbox emulates the platform underneath those packages rather than
 * replacing them. test/app/support/ implements them in memory for the use-case tests.
 */

export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: unknown[];
}

export interface IssueSnapshot {
  key: string;
  fields: Record<string, unknown>;
  /** The workflow transitions open to the issue when it was read, if the read asked for them. */
  transitions?: IssueTransition[];
}

export interface IssueTransition {
  id: string;
  to: string;
}

/** The Jira operations the workflow performs (implemented by src/jira/app-jira.ts). */
export interface JiraPort {
  getIssue(key: string, fields: string[], options?: { withTransitions?: boolean }): Promise<IssueSnapshot>;
  addComment(key: string, body: AdfDocument): Promise<{ id: string }>;
  /**
   * Whether a comment on the issue (posted at or after `since`, if given) contains `text` in its body. Asked only
   * by a step finished after a crash, to learn whether its comment went out before the invocation died.
   */
  hasComment(key: string, text: string, since?: string): Promise<boolean>;
  /** The issue's attachment of this file name, if any (a record attached just before a crash). */
  findAttachment(key: string, filename: string): Promise<{ id: string } | null>;
  attachFile(
    key: string,
    filename: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<{ id: string; filename: string; size: number }>;
  /**
   * Moves the issue to the status unless it is there already. With `seen` (a read of this issue with its
   * transitions, made moments ago in the same invocation) Jira is not asked again; if the issue has moved
   * since, Jira refuses the transition and the issue is read afresh.
   */
  transitionTo(key: string, statusName: string, seen?: IssueSnapshot): Promise<'transitioned' | 'already_in_status'>;
  isInProjectRole(projectKey: string, roleName: string, accountId: string): Promise<boolean>;
  getUserGroups(accountId: string): Promise<string[]>;
  editLabels(key: string, add: string[], remove: string[]): Promise<void>;
}

/**
 * What the calling user may see and is, asked of Jira as that user (`api.asUser()`; resolvers only). Checks of
 * a user's own rights work for an app this way, unlike the bulk check for another account (Administer Jira).
 */
export interface UserJiraPort {
  /** The issue as the user sees it, or null when it does not exist or they may not browse it. */
  visibleIssue(issueIdOrKey: string): Promise<{ id: string; key: string; projectKey: string } | null>;
  /** Jira's global Administer permission, for the calling user. */
  isJiraAdmin(): Promise<boolean>;
  /** The calling user's own groups. */
  myGroups(): Promise<string[]>;
}

/**
 * Jira refused a look-up the app needs (HTTP 403): on real sites this depends on the permission scheme
 * (project roles need Administer Projects; user groups need Browse users and groups). The message says what
 * a Jira administrator must change; callers show it instead of failing.
 */
export class JiraLookupForbidden extends Error {
  constructor(
    readonly endpoint: string,
    readonly remedy: string,
  ) {
    super(`Jira refused Erasure Desk's ${endpoint} look-up (HTTP 403). ${remedy}`);
    this.name = 'JiraLookupForbidden';
  }
}

/**
 * The ticket's workflow has no transition to the status the app wants from where the ticket is (thrown by
 * `JiraPort.transitionTo`): a site's own workflow, not a fault. Callers that can go on without it say on
 * the ticket what to add.
 */
export class JiraTransitionUnavailable extends Error {
  constructor(
    readonly issueKey: string,
    readonly target: string,
    readonly available: string[],
  ) {
    super(
      `${issueKey}: no transition to "${target}" from the current status (available: ${available.join(', ') || 'none'}); check the workflow and the status names on the admin page`,
    );
    this.name = 'JiraTransitionUnavailable';
  }
}

/** What the admin page's pickers offer: Jira's fields and statuses, as Jira names them (src/jira/app-jira.ts). */
export interface JiraCatalog {
  listFields(): Promise<Array<{ id: string; name: string; custom: boolean }>>;
  listStatuses(): Promise<string[]>;
}

/** A status change as the issue's changelog records it. */
export interface StatusMove {
  changelogId: string;
  accountId: string;
  at: string;
  to: string;
}

/**
 * What the approval sweeps read of tickets: which exist, and who moved each into a status and when (the
 * changelog: the inbox names no one, and an approval whose event never arrived is found there).
 */
export interface TicketSweep {
  searchIssueKeys(jql: string): Promise<string[]>;
  /** The issue's status changes made by a person, oldest first. */
  statusMoves(key: string): Promise<StatusMove[]>;
}

/** What intake does to Jira beyond the workflow: find and open tickets (also src/jira/app-jira.ts). */
export interface IntakeJira {
  searchIssueKeys(jql: string): Promise<string[]>;
  createIssue(input: {
    projectKey: string;
    issueType: string;
    summary: string;
    fields: Record<string, unknown>;
  }): Promise<{ key: string }>;
  setIssueProperty(key: string, property: string, value: unknown): Promise<void>;
}

export interface JobQueue {
  /** Throws QueueThrottled when Forge refuses the push for its per-installation rate. */
  push(messages: JobMessage[], delaySeconds?: number): Promise<void>;
}

/**
 * Forge refused a push: an installation may push at most 500 events a minute
 * (https://developer.atlassian.com/platform/forge/limits-async-events/; @forge/events RateLimitError). Nothing
 * is lost by it: the jobs stay pending and due, and the scheduled poll dispatches them (src/app/dispatch.ts).
 */
export class QueueThrottled extends Error {
  constructor() {
    super('Forge refused the queue push: more than 500 events a minute for this installation');
    this.name = 'QueueThrottled';
  }
}

/** Log lines carry ticket keys, providers and states only: never identifiers or provider payloads. */
export interface Logger {
  info(message: string, context?: Record<string, string | number | boolean | null>): void;
  warn(message: string, context?: Record<string, string | number | boolean | null>): void;
  error(message: string, context?: Record<string, string | number | boolean | null>): void;
}

// ---- Storage (implemented by src/store/ on Forge KVS) ----

/**
 * Case records. Writes are optimistic: `update` succeeds only if the stored version is still the one read,
 * and throws `ConcurrentUpdate` (src/core/records.ts) otherwise; `create` answers false if the case exists.
 */
export interface CaseStore {
  get(ticketKey: string): Promise<CaseRecord | undefined>;
  create(record: CaseRecord): Promise<boolean>;
  update(record: CaseRecord): Promise<CaseRecord>;
  /** Open cases, a page at a time. */
  listOpen(limit: number, cursor?: string): Promise<{ cases: CaseRecord[]; cursor?: string }>;
}

/** Job records, versioned like cases; `dueForPoll` reads the poll index oldest first. */
export interface JobStore {
  get(ticketKey: string, provider: ProviderId): Promise<JobRecord | undefined>;
  create(job: JobRecord): Promise<boolean>;
  update(job: JobRecord): Promise<JobRecord>;
  listForCase(ticketKey: string): Promise<JobRecord[]>;
  dueForPoll(nowMs: number, limit: number, cursor?: string): Promise<{ jobs: JobRecord[]; cursor?: string }>;
}

/** One-time claims: the first taker wins; a TTL lets a crashed owner's claim lapse. */
export interface ClaimStore {
  take(claim: Claim, owner: string, at: string, ttlSeconds?: number): Promise<boolean>;
  release(claim: Claim): Promise<void>;
}

/** Each ticket's hash-chained audit trail; `append` never forks the chain under concurrent writers. */
export interface AuditTrail {
  list(ticketKey: string): Promise<AuditEvent[]>;
  append(ticketKey: string, inputs: AuditEventInput[]): Promise<AuditEvent[]>;
  /** Appends only the entries the trail does not already hold (same time, kind and data): finishing a record. */
  appendMissing(ticketKey: string, inputs: AuditEventInput[]): Promise<AuditEvent[]>;
}

/** The legal-hold register (identifier hashes only). */
export interface HoldRegister {
  list(): Promise<LegalHold[]>;
  save(hold: LegalHold): Promise<LegalHold>;
  remove(id: string): Promise<void>;
}

export interface SettingsStore {
  get(): Promise<Settings>;
  save(settings: Settings): Promise<Settings>;
}

/** Provider credentials: write-only from the admin page; `set` throws a ZodError for a malformed secret. */
export interface ProviderSecretStore {
  get<P extends ProviderId>(provider: P): Promise<ProviderSecrets[P] | undefined>;
  set(provider: ProviderId, value: unknown): Promise<void>;
  status(providers: readonly ProviderId[]): Promise<Record<string, boolean>>;
}

/** Which ticket was opened for an Amiqus client. */
export interface AmiqusTicketMap {
  get(clientId: number): Promise<string | null>;
  set(clientId: number, ticketKey: string): Promise<void>;
}

/** Approvals whose handling has not finished, one per Jira changelog (src/app/approval-inbox.ts). */
export interface ApprovalInbox {
  put(approval: PendingApproval): Promise<void>;
  remove(ticketKey: string, changelogId: string): Promise<void>;
  forTicket(ticketKey: string): Promise<PendingApproval[]>;
  /** Records the ticket's latest approval whose handling ended, whatever it ended in. */
  markHandled(ticketKey: string, changelogId: string, at: string): Promise<void>;
  /** The changelog id of the ticket's latest approval whose handling ended, if any. */
  lastHandled(ticketKey: string): Promise<string | null>;
  /** Entries received before `before` (ISO 8601), oldest first, at most `limit`. */
  receivedBefore(before: string, limit: number): Promise<PendingApproval[]>;
}

/** The Genesys export preview last requested on each ticket. */
export interface PreviewStore {
  get(ticketKey: string): Promise<PreviewRequest | null>;
  set(ticketKey: string, request: PreviewRequest): Promise<void>;
}

/** How long a provider's recent jobs took, newest last (src/store/job-durations.ts). */
export interface JobDurationLog {
  recent(provider: ProviderId): Promise<number[]>;
  save(provider: ProviderId, durationsMs: number[]): Promise<void>;
}

export interface AppStore {
  cases: CaseStore;
  jobs: JobStore;
  claims: ClaimStore;
  audit: AuditTrail;
  holds: HoldRegister;
  settings: SettingsStore;
  secrets: ProviderSecretStore;
  amiqusTickets: AmiqusTicketMap;
  previews: PreviewStore;
  approvals: ApprovalInbox;
  /** Declared by the providers that need them (src/providers/ada/cooldown.ts, src/providers/genesys/token.ts). */
  adaSubmissions: AdaSubmissionLog;
  genesysTokens: SharedTokenCache;
  /** Where the app learns when to read an asynchronous provider's job (src/app/completion-estimate.ts). */
  jobDurations?: JobDurationLog;
}

/**
 * Atlassian's personal data reporting (implemented by src/store/account-registry.ts): the accounts the store
 * registered while writing them, where each is stored, the audit openings, and the cycle's saved position.
 */
export interface PersonalDataStore {
  page(limit: number, cursor?: string): Promise<{ accounts: StoredAccount[]; cursor?: string }>;
  places(accountId: string): Promise<AccountPlace[]>;
  forget(accountId: string, places: AccountPlace[]): Promise<void>;
  eraseActorOpening(commitment: string): Promise<void>;
  getCycle(): Promise<unknown>;
  setCycle(state: unknown): Promise<void>;
}

export interface AppDeps {
  settings: Settings;
  jira: JiraPort;
  store: AppStore;
  /** Built lazily, since credentials come from secret storage and only some providers apply to a case. */
  provider(id: ProviderId): Promise<ErasureProvider | undefined>;
  /** The provider's shared rate budget, for a worker to pre-book its calls or adopt a reserved slot. */
  budget?(id: ProviderId): Promise<SharedRateBudget | undefined>;
  queue: JobQueue;
  now(): Date;
  log: Logger;
}

export const consoleLogger: Logger = {
  info: (message, context) => console.log(JSON.stringify({ level: 'info', message, ...context })),
  warn: (message, context) => console.warn(JSON.stringify({ level: 'warn', message, ...context })),
  error: (message, context) => console.error(JSON.stringify({ level: 'error', message, ...context })),
};
