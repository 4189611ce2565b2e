import type { ProviderId } from '../core/erasure';
import type { ErasureProvider } from '../providers/port';
import type { JobMessage } from '../core/records';
import type { Settings } from '../core/settings';

/**
 * What the use cases need from the outside world, as small interfaces. On Forge they are built from
 * `@forge/api`, `@forge/kvs` and `@forge/events` (src/app/forge-deps.ts); the same objects run in the sandbox,
 * because the sandbox emulates the platform underneath those packages rather than replacing them.
 */

export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: unknown[];
}

export interface IssueSnapshot {
  key: string;
  fields: Record<string, unknown>;
}

/** The Jira operations the workflow performs (implemented by src/jira/client.ts). */
export interface JiraPort {
  getIssue(key: string, fields: string[]): Promise<IssueSnapshot>;
  addComment(key: string, body: AdfDocument): Promise<{ id: string }>;
  attachFile(key: string, filename: string, bytes: Uint8Array, mediaType: string): Promise<{ id: string; filename: string; size: number }>;
  transitionTo(key: string, statusName: string): Promise<'transitioned' | 'already_in_status'>;
  isInProjectRole(projectKey: string, roleName: string, accountId: string): Promise<boolean>;
  getUserGroups(accountId: string): Promise<string[]>;
  /** Whether the user holds Jira's global Administer permission (checked by Jira, not by group names). */
  isJiraAdmin(accountId: string): Promise<boolean>;
  editLabels(key: string, add: string[], remove: string[]): Promise<void>;
}

export interface JobQueue {
  push(messages: JobMessage[], delaySeconds?: number): Promise<void>;
}

/** Log lines carry ticket keys, providers and states only: never identifiers or provider payloads. */
export interface Logger {
  info(message: string, context?: Record<string, string | number | boolean | null>): void;
  warn(message: string, context?: Record<string, string | number | boolean | null>): void;
  error(message: string, context?: Record<string, string | number | boolean | null>): void;
}

export type ProviderRegistry = Partial<Record<ProviderId, ErasureProvider>>;

export interface AppDeps {
  settings: Settings;
  jira: JiraPort;
  /** Built lazily, since credentials come from secret storage and only some providers apply to a case. */
  provider(id: ProviderId): Promise<ErasureProvider | undefined>;
  queue: JobQueue;
  now(): Date;
  log: Logger;
}

export const consoleLogger: Logger = {
  info: (message, context) => console.log(JSON.stringify({ level: 'info', message, ...context })),
  warn: (message, context) => console.warn(JSON.stringify({ level: 'warn', message, ...context })),
  error: (message, context) => console.error(JSON.stringify({ level: 'error', message, ...context })),
};
