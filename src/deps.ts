import { fetch as forgeFetch } from '@forge/api';
import { Queue } from '@forge/events';
import { consoleLogger, type AppDeps, type AppStore, type JobQueue } from './app/ports';
import type { ProviderId } from './core/erasure';
import type { Settings } from './core/settings';
import { createAppJira } from './jira/app-jira';
import type { FetchFn } from './providers/http';
import type { AmiqusDirectory, ErasureProvider } from './providers/port';
import { buildProvider, createAmiqusDirectory } from './providers/registry';
import { forgeStore } from './store';

/**
 * The composition root: builds the use cases' dependencies from the Forge platform packages. The sandbox runs
 * this same function; it differs only in what answers underneath `@forge/api`, `@forge/kvs` and `@forge/events`.
 */

export const ERASURE_QUEUE = 'erasure-jobs';

/** `@forge/api`'s fetch goes through Forge's egress proxy, which enforces manifest.yml's allowed hosts. */
const egressFetch: FetchFn = (url, init) => forgeFetch(url, init);

/** The storage ports on Forge KVS; this assignment is where TypeScript checks src/store/ against them. */
const store: AppStore = forgeStore;

function createJobQueue(): JobQueue {
  const queue = new Queue({ key: ERASURE_QUEUE });
  return {
    async push(messages, delaySeconds) {
      // Forge accepts at most 50 events a push.
      for (let i = 0; i < messages.length; i += 50) {
        await queue.push(messages.slice(i, i + 50).map((body) => ({ body, ...(delaySeconds ? { delayInSeconds: delaySeconds } : {}) })));
      }
    },
  };
}

export async function buildDeps(overrides: { settings?: Settings } = {}): Promise<AppDeps> {
  const settings = overrides.settings ?? (await store.settings.get());
  const cache = new Map<ProviderId, Promise<ErasureProvider | undefined>>();
  return {
    settings,
    jira: createAppJira(),
    store,
    queue: createJobQueue(),
    now: () => new Date(),
    log: consoleLogger,
    provider(id) {
      let built = cache.get(id);
      if (!built) {
        built = settings.providers[id].enabled
          ? store.secrets.get(id).then((secret) =>
              secret === undefined
                ? undefined
                : buildProvider(id, settings, secret, { fetch: egressFetch, adaLog: store.adaSubmissions, genesysTokens: store.genesysTokens }),
            )
          : Promise.resolve(undefined);
        cache.set(id, built);
      }
      return built;
    },
  };
}

/** What the admin page's calls need: no settings read, since saving settings is one of them. */
export function buildAdminDeps(): Pick<AppDeps, 'jira' | 'store' | 'now'> {
  return { jira: createAppJira(), store, now: () => new Date() };
}

/** Amiqus's list of clients due for deletion, for intake; undefined when Amiqus is off or unconfigured. */
export async function buildAmiqusDirectory(settings: Settings): Promise<AmiqusDirectory | undefined> {
  if (!settings.providers.amiqus.enabled) return undefined;
  const secret = await store.secrets.get('amiqus');
  return secret ? createAmiqusDirectory(settings, secret, egressFetch) : undefined;
}
