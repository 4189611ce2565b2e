import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Settings } from '../src/core/settings';
import type { ProviderId } from '../src/core/erasure';
import { DSAR_FIELDS, DEMO_USERS, createDemoState } from './jira/demo-seed';
import { type JiraEmulator, startJiraEmulator } from './jira/server';
import { ForgePlatform } from './forge/runtime';
import { startWebtriggerServer, type WebtriggerServer } from './forge/webtrigger-server';
import type { Scenario } from './demo/scenarios';
import type { JiraSnapshot } from './jira/state';
import { type AdaSimulator, type AdaSnapshot, startAdaSimulator } from './simulators/ada';
import { type AmiqusSimulator, type AmiqusSnapshot, startAmiqusSimulator } from './simulators/amiqus';
import { type GenesysSimulator, type GenesysSnapshot, startGenesysSimulator } from './simulators/genesys';
import { createUiHost } from './ui-host/server';
import { createVirtualClock, installVirtualDate, type VirtualClock } from './virtual-date';

/**
 * The local world: provider simulators, the Jira emulator and the Forge platform emulator, with the app's
 * production handlers running inside. Configuration goes through the admin page's resolver and tickets move
 * through Jira's REST API, exactly the paths a real installation uses.
 */

export const REPO_ROOT = join(__dirname, '..');
export const ADMIN_ACCOUNT = '712020:jira-admin';
/** Where the app leaves a ticket until a person acts (or for good): the demo and the tests wait for these. */
export const TERMINAL_STATUSES = ['Done', 'Erasure blocked', 'Needs attention', 'Pending downstream'];

export interface World {
  clock: VirtualClock;
  jira: JiraEmulator;
  platform: ForgePlatform;
  /** The app's web trigger URLs; Amiqus's webhook is registered at `amiqus-webhook-endpoint`. */
  webtriggers: WebtriggerServer;
  amiqus: AmiqusSimulator;
  ada: AdaSimulator;
  genesys: GenesysSimulator;
  /** Delivers Jira's product events to the app's triggers and the app's queue events to its consumer. */
  pump(): Promise<void>;
  /** Advances virtual time (scheduled triggers fire, jobs progress) until `done()` or the limit. */
  runUntil(done: () => boolean, maxMs: number, stepMs?: number): Promise<boolean>;
  openTicket(scenario: Scenario): string;
  move(key: string, status: string, asAccountId: string): Promise<void>;
  /** Jira's and the providers' data and the virtual time: with the KVS file, all a restart needs. */
  snapshot(): WorldSnapshot;
  close(): Promise<void>;
}

export interface WorldSnapshot {
  virtualNow: number;
  jira: JiraSnapshot;
  amiqus: AmiqusSnapshot;
  ada: AdaSnapshot;
  genesys: GenesysSnapshot;
}

export interface WorldOptions {
  startAt?: number;
  kvsFile?: string;
  duplicateDelivery?: boolean;
  settings?: (base: Partial<Settings>) => Partial<Settings>;
  /** How long the simulated providers take: Genesys per request step, Ada per job. */
  simulators?: { genesysStepMs?: number; adaJobDurationMs?: number };
  /** A snapshot from an earlier run; virtual time resumes no earlier than where it stopped. */
  restore?: WorldSnapshot;
  /**
   * Listen on fixed ports, so URLs (and the Amiqus webhook registered at the web trigger) survive a restart:
   * Jira on `basePort`, then Amiqus, Ada, Genesys and the web triggers on the next four. Default: any free ports.
   */
  basePort?: number;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const saved = options.restore;
  const startAt = options.startAt ?? Date.parse('2026-11-25T09:00:00Z');
  const clock = createVirtualClock(saved ? Math.max(saved.virtualNow, startAt) : startAt);
  const restoreDate = installVirtualDate(clock);
  const now = () => clock.now();
  const port = (offset: number) => (options.basePort ? { port: options.basePort + offset } : {});
  const [amiqus, ada, genesys] = await Promise.all([
    startAmiqusSimulator({ now, ...port(1), ...(saved ? { restore: saved.amiqus } : {}) }),
    startAdaSimulator({
      now,
      ...port(2),
      ...(options.simulators?.adaJobDurationMs ? { jobDurationMs: options.simulators.adaJobDurationMs } : {}),
      ...(saved ? { restore: saved.ada } : {}),
    }),
    startGenesysSimulator({
      now,
      ...port(3),
      ...(options.simulators?.genesysStepMs ? { stepMs: options.simulators.genesysStepMs } : {}),
      ...(saved ? { restore: saved.genesys } : {}),
    }),
  ]);
  const jiraState = createDemoState(() => new Date(clock.now()));
  if (saved) jiraState.restore(saved.jira);
  const jira = await startJiraEmulator(jiraState, { scopes: manifestScopes(), port: options.basePort ?? 0 });
  for (const path of indexedIssueProperties()) jira.state.indexedProperties.add(path);
  jira.state.users.set(ADMIN_ACCOUNT, { accountId: ADMIN_ACCOUNT, displayName: 'Jira Admin', groups: ['jira-admins'] });
  const platform = new ForgePlatform({
    repoRoot: REPO_ROOT,
    jiraBaseUrl: jira.url,
    clock,
    ...(options.kvsFile ? { kvsFile: options.kvsFile } : {}),
    ...(options.duplicateDelivery ? { duplicateDelivery: true } : {}),
  }).install();
  // The simulators stand in for the hosts manifest.yml allows; any other egress is refused as on Forge.
  platform.egressAliases.set(new URL(amiqus.url).origin, 'id.amiqus.co');
  platform.egressAliases.set(new URL(ada.url).origin, 'sandbox.eu.ada.support');
  platform.egressAliases.set(new URL(genesys.loginUrl).origin, 'login.mypurecloud.ie');
  platform.egressAliases.set(new URL(genesys.apiUrl).origin, 'api.mypurecloud.ie');
  // The panel and the admin page, bundled from src/ui and drawn by the sandbox's UI Kit host on Jira's page.
  const ui = createUiHost({
    repoRoot: REPO_ROOT,
    platform,
    knownAccount: (id) => jira.state.users.has(id),
    displayNames: () => Object.fromEntries([...jira.state.users.values()].map((u) => [u.accountId, u.displayName])),
  });
  jira.mount((req, res, url, body) => ui.handle(req, res, url, body));
  jira.state.onEvent((e) => platform.deliverProductEvent(e.eventType, e.payload, { causedByApp: e.causedByApp }));

  const admin = (fn: string, payload: unknown) =>
    platform.invokeResolver('erasure-desk-admin', fn, payload, { accountId: ADMIN_ACCOUNT });
  const base: Partial<Settings> = {
    fields: { ...DSAR_FIELDS },
    downstreamSystems: ['CRM (Salesforce)', 'Data warehouse'],
    providers: {
      amiqus: { enabled: true, baseUrl: amiqus.url },
      ada: { enabled: true, handle: 'sandbox', region: 'eu', api: 'v2', emailVariables: [], baseUrl: ada.url },
      genesys: { enabled: true, region: 'eu_west_1', loginBaseUrl: genesys.loginUrl, apiBaseUrl: genesys.apiUrl },
    },
  };
  await expectOk(admin('saveSettings', { settings: options.settings ? options.settings(base) : base }), 'saveSettings');
  // Amiqus delivers its webhooks to the app's web trigger, signed with the secret it issued for the hook.
  const webtriggers = await startWebtriggerServer(platform, options.basePort ? options.basePort + 4 : 0);
  const hookUrl = webtriggers.urlFor('amiqus-webhook-endpoint');
  const hook =
    amiqus.webhooks().find((w) => w.url === hookUrl) ??
    amiqus.registerWebhook(hookUrl, ['client.deletion_reminder_due']);
  await expectOk(
    admin('setSecret', { provider: 'amiqus', value: { token: amiqus.token, webhookSecret: hook.secret } }),
    'amiqus secret',
  );
  await expectOk(admin('setSecret', { provider: 'ada', value: { apiKey: ada.apiKey } }), 'ada secret');
  await expectOk(
    admin('setSecret', {
      provider: 'genesys',
      value: { clientId: genesys.clientId, clientSecret: genesys.clientSecret },
    }),
    'genesys secret',
  );

  async function pump(): Promise<void> {
    for (let i = 0; i < 100; i += 1) {
      // Product events arrive seconds to minutes late (as on Forge): pump moves the clock until they are in.
      const events = await jira.state.drainEvents();
      const delivered = (await platform.settleProductEvents()) + (await platform.drain());
      if (events === 0 && delivered === 0) return;
    }
  }

  return {
    clock,
    jira,
    platform,
    webtriggers,
    amiqus,
    ada,
    genesys,
    pump,
    async runUntil(done, maxMs, stepMs = 5 * 60_000) {
      const end = clock.now() + maxMs;
      await pump();
      while (!done() && clock.now() < end) {
        await platform.advance(stepMs);
        await pump();
      }
      return done();
    },
    openTicket(scenario) {
      seedProviders(scenario, { amiqus, ada, genesys });
      const s = scenario.subject;
      const receivedOn = new Date(clock.now() - 3 * 86_400_000).toISOString().slice(0, 10);
      const fields: Record<string, unknown> = {
        [DSAR_FIELDS.fullName]: s.fullName,
        [DSAR_FIELDS.receivedOn]: receivedOn,
      };
      if (s.email) fields[DSAR_FIELDS.email] = s.email;
      if (s.phones) fields[DSAR_FIELDS.phones] = s.phones;
      if (s.amiqusClientId !== undefined) fields[DSAR_FIELDS.amiqusClientId] = s.amiqusClientId;
      if (s.adaChatterId) fields[DSAR_FIELDS.adaChatterId] = s.adaChatterId;
      if (s.genesysExternalContactId) fields[DSAR_FIELDS.genesysExternalContactId] = s.genesysExternalContactId;
      const issue = jira.state.createIssue({
        projectKey: 'DSAR',
        issueType: 'DSAR request',
        summary: `Erasure request: ${scenario.title}`,
        reporter: DEMO_USERS.requester.accountId,
        fields,
      });
      return issue.key;
    },
    async move(key, status, asAccountId) {
      const response = await fetch(`${jira.url}/rest/api/3/issue/${key}/transitions`, {
        headers: { 'x-sandbox-actor': asAccountId },
      });
      const { transitions } = (await response.json()) as { transitions: Array<{ id: string; to: { name: string } }> };
      const transition = transitions.find((t) => t.to.name === status);
      if (!transition) throw new Error(`${key}: no transition to ${status}`);
      const moved = await fetch(`${jira.url}/rest/api/3/issue/${key}/transitions`, {
        method: 'POST',
        headers: { 'x-sandbox-actor': asAccountId, 'content-type': 'application/json' },
        body: JSON.stringify({ transition: { id: transition.id } }),
      });
      if (moved.status !== 204) throw new Error(`${key}: moving to ${status} failed with HTTP ${moved.status}`);
    },
    snapshot: () => ({
      virtualNow: clock.now(),
      jira: jira.state.snapshot(),
      amiqus: amiqus.snapshot(),
      ada: ada.snapshot(),
      genesys: genesys.snapshot(),
    }),
    async close() {
      platform.uninstall();
      await Promise.all([jira.close(), webtriggers.close(), amiqus.close(), ada.close(), genesys.close()]);
      restoreDate();
    },
  };
}

interface InstalledManifest {
  permissions: { scopes: string[] };
  modules: {
    'jira:entityProperty'?: Array<{ entityType: string; propertyKey: string; values: Array<{ path: string }> }>;
  };
}
const installedManifest = () => parseYaml(readFileSync(join(REPO_ROOT, 'manifest.yml'), 'utf8')) as InstalledManifest;

/** The app is installed with the scopes its manifest declares, and Jira authorises its calls against them. */
function manifestScopes(): string[] {
  return installedManifest().permissions.scopes;
}

/** What the app's `jira:entityProperty` modules ask Jira to index, as `property.path`. */
function indexedIssueProperties(): string[] {
  return (installedManifest().modules['jira:entityProperty'] ?? [])
    .filter((m) => m.entityType === 'issue')
    .flatMap((m) => m.values.map((v) => `${m.propertyKey}.${v.path}`));
}

async function expectOk(result: Promise<unknown>, what: string): Promise<void> {
  const value = (await result) as { ok?: boolean; message?: string; errors?: unknown };
  if (!value?.ok)
    throw new Error(`sandbox setup failed at ${what}: ${value?.message ?? ''} ${JSON.stringify(value?.errors ?? '')}`);
}

function seedProviders(
  scenario: Scenario,
  sims: { amiqus: AmiqusSimulator; ada: AdaSimulator; genesys: GenesysSimulator },
): void {
  const { holds, subject } = scenario;
  const [first = 'Demo', ...rest] = subject.fullName.split(' ');
  if (holds.amiqus)
    sims.amiqus.seedClient({
      id: holds.amiqus.clientId,
      firstName: first,
      lastName: rest.join(' ') || 'Person',
      email: subject.email ?? `client${holds.amiqus.clientId}@example.org`,
      deletable: holds.amiqus.deletable ?? true,
      deletionInDays: null,
    });
  if (holds.ada)
    sims.ada.seedEndUser({
      ...(holds.ada.knownByEmail && subject.email ? { email: subject.email } : {}),
      ...(holds.ada.chatterId ? { chatterId: holds.ada.chatterId } : {}),
    });
  if (holds.genesys)
    sims.genesys.seedContact({
      externalContactId: holds.genesys.externalContactId,
      name: subject.fullName,
      emails: subject.email ? [subject.email] : [],
    });
  if (scenario.faults?.genesysError && subject.email) sims.genesys.failRequestsFor(subject.email);
  if (scenario.faults?.adaPartial && subject.adaChatterId) sims.ada.partialFor(subject.adaChatterId);
}

export function approverFor(scenario: Scenario): string {
  return scenario.approver === 'reporter' ? DEMO_USERS.requester.accountId : DEMO_USERS.officer.accountId;
}

export type JobStates = Partial<Record<ProviderId, string>>;
