import type { AppDeps, JobQueue } from '../../../src/app/ports';
import type { ProviderId } from '../../../src/core/erasure';
import type { JobMessage } from '../../../src/core/records';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/core/settings';
import { FakeProvider } from './fake-provider';
import { MemoryJira } from './memory-jira';
import { createMemoryStore } from './memory-store';

/** The use cases' whole world in memory: store, Jira, queue, providers and a clock the test moves. */

export const FIELDS = {
  email: 'customfield_10050',
  fullName: 'customfield_10051',
  amiqusClientId: 'customfield_10052',
  adaChatterId: 'customfield_10053',
  receivedOn: 'customfield_10055',
} as const;

export const OFFICER = 'acc-officer';
export const REQUESTER = 'acc-requester';

export class MemoryQueue implements JobQueue {
  readonly pushed: Array<{ message: JobMessage; delaySeconds: number }> = [];
  async push(messages: JobMessage[], delaySeconds?: number): Promise<void> {
    this.pushed.push(...messages.map((message) => ({ message, delaySeconds: delaySeconds ?? 0 })));
  }
  /** Takes every message pushed so far, as the queue would deliver them. */
  take(): JobMessage[] {
    return this.pushed.splice(0).map((p) => p.message);
  }
}

export function createWorld(options: { start?: string; settings?: Partial<Settings> } = {}) {
  let clock = new Date(options.start ?? '2026-03-10T09:00:00Z');
  const now = () => new Date(clock.getTime());
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    fields: { ...DEFAULT_SETTINGS.fields, ...FIELDS },
    ...options.settings,
  };
  const memory = createMemoryStore(now, settings);
  const jira = new MemoryJira(now);
  jira.grantRole('DSAR', 'Privacy Officer', OFFICER);
  const queue = new MemoryQueue();
  const providers: Partial<Record<ProviderId, FakeProvider>> = {
    amiqus: new FakeProvider('amiqus', { asynchronous: false }),
    ada: new FakeProvider('ada', { asynchronous: true, pollsToFinish: 2 }),
  };
  const logs: string[] = [];
  const deps: AppDeps = {
    settings,
    jira,
    store: memory.store,
    queue,
    now,
    provider: async (id) => (settings.providers[id].enabled ? providers[id] : undefined),
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
  };
  return {
    deps,
    jira,
    queue,
    providers: providers as Record<'amiqus' | 'ada', FakeProvider>,
    store: memory.store,
    rows: memory.rows,
    logs,
    advance(ms: number) {
      clock = new Date(clock.getTime() + ms);
    },
    /** A DSAR ticket as a requester raises it, with the identifiers an officer verified (null leaves a field empty). */
    ticket(fields: Partial<Record<keyof typeof FIELDS, string | number | null>> = {}): string {
      const values = {
        email: 'ana@example.com',
        fullName: 'Ana Example',
        amiqusClientId: 4412,
        receivedOn: '2026-03-02',
        ...fields,
      };
      return jira.addTicket({
        reporter: REQUESTER,
        fields: Object.fromEntries(
          Object.entries(values)
            .filter(([, v]) => v !== null)
            .map(([k, v]) => [FIELDS[k as keyof typeof FIELDS], v]),
        ),
      });
    },
  };
}

export type World = ReturnType<typeof createWorld>;
