import { fetch as forgeFetch } from '@forge/api';
import { Queue } from '@forge/events';
import { consoleLogger, type AppDeps, type JobQueue } from './app/ports';
import type { Settings } from './core/settings';
import type { ProviderId } from './core/erasure';
import type { FetchFn } from './providers/http';
import type { ErasureProvider } from './providers/port';
import { buildProvider, createAmiqusDirectory } from './providers/registry';
import type { AmiqusDirectory } from './app/intake';
import { createAppJira } from './jira/app-jira';
import { adaSubmissionLog } from './store/ada-submission-log';
import { settingsStore } from './store/kvs-store';
import { genesysTokenCache, getProviderSecret } from './store/secrets';

/**
 * The composition root: builds the use cases' dependencies from the Forge platform packages. The sandbox runs
 * this same function; it differs only in what answers underneath `@forge/api`, `@forge/kvs` and `@forge/events`.
 */

export const ERASURE_QUEUE = 'erasure-jobs';

/** `@forge/api`'s fetch goes through Forge's egress proxy, which enforces manifest.yml's allowed hosts. */
const egressFetch: FetchFn = (url, init) => forgeFetch(url, init);

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
  const settings = overrides.settings ?? (await settingsStore.get());
  const cache = new Map<ProviderId, Promise<ErasureProvider | undefined>>();
  return {
    settings,
    jira: createAppJira(),
    queue: createJobQueue(),
    now: () => new Date(),
    log: consoleLogger,
    provider(id) {
      let built = cache.get(id);
      if (!built) {
        built = settings.providers[id].enabled
          ? getProviderSecret(id).then((secret) =>
              secret === undefined ? undefined : buildProvider(id, settings, secret, { fetch: egressFetch, adaLog: adaSubmissionLog, genesysTokens: genesysTokenCache }),
            )
          : Promise.resolve(undefined);
        cache.set(id, built);
      }
      return built;
    },
  };
}

/** Amiqus's list of clients due for deletion, for intake; undefined when Amiqus is off or unconfigured. */
export async function buildAmiqusDirectory(settings: Settings): Promise<AmiqusDirectory | undefined> {
  if (!settings.providers.amiqus.enabled) return undefined;
  const secret = await getProviderSecret('amiqus');
  return secret ? createAmiqusDirectory(settings, secret, egressFetch) : undefined;
}
