import { createHash } from 'node:crypto';
import { fetch as forgeFetch } from '@forge/api';
import { Queue, RateLimitError } from '@forge/events';
import {
  consoleLogger,
  type AppDeps,
  type AppStore,
  type TicketSweep,
  type JobQueue,
  type PersonalDataStore,
  QueueThrottled,
  type UserJiraPort,
} from './app/ports';
import type { ProviderId } from './core/erasure';
import type { Settings } from './core/settings';
import { SharedRateBudget } from './app/rate-budget';
import { rateBudgetStore } from './store/rate-budget-store';
import { entityKeys } from './store/keys';
import { PROVIDER_DESCRIPTIONS } from './providers/descriptions';
import { createAppJira, createUserJira } from './jira/app-jira';
import type { FetchFn, RetryPolicy } from './providers/http';
import type { AmiqusDirectory, ErasureProvider } from './providers/port';
import { buildProvider, createAmiqusDirectory, rateCredential } from './providers/registry';
import { checkProviderConnection } from './providers/connection-check';
import type { AdminDeps } from './app/admin';
import { forgeStore } from './store';
import { accountRegistry } from './store/account-registry';

/**
 * The composition root: builds the use cases' dependencies from the Forge platform packages. The sandbox runs
 * this same function; it differs only in what answers underneath `@forge/api`, `@forge/kvs` and `@forge/events`.
 */

export const ERASURE_QUEUE = 'erasure-jobs';

/** `@forge/api`'s fetch goes through Forge's egress proxy, which enforces manifest.yml's allowed hosts. */
const egressFetch: FetchFn = (url, init) => forgeFetch(url, init);

/** The storage ports on Forge KVS; this assignment is where TypeScript checks src/store/ against them. */
const store: AppStore = forgeStore;

/**
 * How many erasure workers of one provider may run at once. Forge runs queue consumers without limit unless a push
 * names a concurrency key (https://developer.atlassian.com/platform/forge/runtime-reference/async-events-api/,
 * `concurrency: { key, limit }` on each event in @forge/events 3.0.8). The shared rate budget (app/rate-budget.ts)
 * bounds every invocation's calls together, so several may run; the limit keeps a backlog from holding many
 * invocations that the budget would only make wait, and from racing each other for the budget's record.
 */
export const CONSUMER_CONCURRENCY: Record<ProviderId, number> = { amiqus: 4, ada: 2, genesys: 4 };

function createJobQueue(): JobQueue {
  const queue = new Queue({ key: ERASURE_QUEUE });
  return {
    async push(messages, delaySeconds) {
      // Forge accepts at most 50 events a push.
      for (let i = 0; i < messages.length; i += 50) {
        try {
          await queue.push(
            messages.slice(i, i + 50).map((body) => ({
              body,
              concurrency: { key: `erasure-${body.provider}`, limit: CONSUMER_CONCURRENCY[body.provider] },
              ...(delaySeconds ? { delayInSeconds: delaySeconds } : {}),
            })),
          );
        } catch (error) {
          if (error instanceof RateLimitError) throw new QueueThrottled();
          throw error;
        }
      }
    },
  };
}

/**
 * Provider calls made from a UI resolver must fit Forge's 25 s resolver limit with Jira calls around them
 * (https://developer.atlassian.com/platform/forge/limits-invocation/): each call gets at most 8 s including
 * retries, so even a token fetch plus a request stays near 16 s. Background consumers keep the default policy.
 */
export const RESOLVER_PROVIDER_RETRY: Partial<RetryPolicy> = { maxAttempts: 3, timeoutMs: 5_000, maxTotalMs: 8_000 };

export async function buildDeps(
  overrides: { settings?: Settings; providerRetry?: Partial<RetryPolicy> } = {},
): Promise<AppDeps> {
  const settings = overrides.settings ?? (await store.settings.get());
  const cache = new Map<ProviderId, Promise<ErasureProvider | undefined>>();
  const budgets = new Map<ProviderId, SharedRateBudget>();
  const deps: AppDeps = {
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
          ? store.secrets.get(id).then((secret) => {
              if (secret === undefined) return undefined;
              const budget = sharedBudget(id, rateCredential(id, settings, secret));
              budgets.set(id, budget);
              return buildProvider(id, settings, secret, {
                fetch: egressFetch,
                adaLog: store.adaSubmissions,
                genesysTokens: store.genesysTokens,
                budget,
                ...(overrides.providerRetry ? { retry: overrides.providerRetry } : {}),
              });
            })
          : Promise.resolve(undefined);
        cache.set(id, built);
      }
      return built;
    },
    async budget(id) {
      return (await deps.provider(id)) ? budgets.get(id) : undefined;
    },
  };
  return deps;
}

/** One budget per provider credential, keyed by a hash so storage never holds the credential. */
function sharedBudget(id: ProviderId, credential: string): SharedRateBudget {
  const hash = createHash('sha256').update(credential).digest('hex').slice(0, 24);
  // Amiqus sizes its limit per token and says so in X-RateLimit-Limit; the others' headers only lower ours.
  return new SharedRateBudget({
    key: entityKeys.rateBudget(id, hash),
    windows: PROVIDER_DESCRIPTIONS[id].limits.rate,
    store: rateBudgetStore,
    now: () => Date.now(),
    adoptStatedLimit: PROVIDER_DESCRIPTIONS[id].limits.adoptStatedLimit,
  });
}

/** What the admin page's calls need: no settings read, since saving settings is one of them. */
export function buildAdminDeps(): AdminDeps {
  const jira = createAppJira();
  return {
    jira,
    user: createUserJira(),
    tickets: jira,
    catalog: jira,
    store,
    now: () => new Date(),
    // One harmless authenticated call with the stored credentials (src/providers/connection-check.ts), booked
    // in the credential's shared rate budget like every other call to the provider, in a resolver's time.
    testConnection: async (settings, id) => {
      const secret = await store.secrets.get(id);
      const budget = secret ? sharedBudget(id, rateCredential(id, settings, secret)) : undefined;
      return checkProviderConnection(id, settings, secret, egressFetch, {
        ...(budget ? { budget } : {}),
        retry: RESOLVER_PROVIDER_RETRY,
      });
    },
  };
}

/** Jira as the user who invoked a resolver (`api.asUser()`). */
export const buildUserJira = (): UserJiraPort => createUserJira();

/** The account registry behind Atlassian's personal data reporting (checked against the port here). */
export const personalDataStore: PersonalDataStore = accountRegistry;

/** JQL search, for the use cases that look across tickets (the deadline watch). */
export function buildTicketSearch(): TicketSweep {
  return createAppJira();
}

/** Amiqus's list of clients due for deletion, for intake; undefined when Amiqus is off or unconfigured. */
export async function buildAmiqusDirectory(settings: Settings): Promise<AmiqusDirectory | undefined> {
  if (!settings.providers.amiqus.enabled) return undefined;
  const secret = await store.secrets.get('amiqus');
  return secret ? createAmiqusDirectory(settings, secret, egressFetch) : undefined;
}
