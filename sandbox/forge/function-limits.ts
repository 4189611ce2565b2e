/**
 * Forge's limits on one function invocation, worked out from manifest.yml the way Forge does, each with its
 * source. https://developer.atlassian.com/platform/forge/limits-invocation/ ("Additional invocation limits").
 */

export interface LimitManifest {
  modules: {
    function: Array<{ key: string; timeoutSeconds?: number }>;
    trigger?: Array<{ function: string }>;
    scheduledTrigger?: Array<{ function: string }>;
    consumer?: Array<{ function: string }>;
    webtrigger?: Array<{ function: string }>;
    'jira:issuePanel'?: Array<{ resolver?: { function: string } }>;
    'jira:adminPage'?: Array<{ resolver?: { function: string } }>;
  };
  permissions?: { external?: { fetch?: { backend?: Array<string | { address: string }> } } };
}

export interface InvocationLimits {
  /** Runtime before Forge stops the invocation. */
  timeoutMs: number;
  /** Outbound (egress) fetches allowed in one invocation, or null when uncapped. */
  egressCap: number | null;
  /** Why this limit applies, for the error a stopped invocation gets. */
  rule: string;
}

// limits-invocation: "Runtime seconds 25: maximum runtime permitted before the app is stopped" (users, UI
// resolvers and every invocation not listed below); "Runtime seconds (web-triggers) 55"; "Runtime seconds (async
// events and scheduled trigger module) 900: applies to function modules that are only referenced by consumer or
// scheduled trigger modules. Default timeout is 55 seconds. Use timeoutSeconds to extend it."
export const DEFAULT_RUNTIME_SECONDS = 25;
export const WEBTRIGGER_RUNTIME_SECONDS = 55;
export const ASYNC_DEFAULT_RUNTIME_SECONDS = 55;
export const ASYNC_MAX_RUNTIME_SECONDS = 900;
// limits-invocation, "Network requests per invocation": 100 for a function without a declared timeoutSeconds
// (long-running functions are limited by their runtime instead). Forge answers the 101st with HTTP 429 and the
// header `forge-proxy-error: FETCH_LIMIT_EXCEEDED` (https://jira.atlassian.com/browse/ECO-491).
export const EGRESS_CALLS_PER_INVOCATION = 100;

export function invocationLimits(manifest: LimitManifest, functionKey: string): InvocationLimits {
  const m = manifest.modules;
  const fn = m.function.find((f) => f.key === functionKey);
  const uses = (list: Array<{ function?: string; resolver?: { function: string } }> | undefined) =>
    (list ?? []).some((x) => x.function === functionKey || x.resolver?.function === functionKey);
  const egressCap = fn?.timeoutSeconds === undefined ? EGRESS_CALLS_PER_INVOCATION : null;
  if (uses(m['jira:issuePanel']) || uses(m['jira:adminPage']) || uses(m.trigger)) {
    return {
      timeoutMs: DEFAULT_RUNTIME_SECONDS * 1000,
      egressCap,
      rule: `${DEFAULT_RUNTIME_SECONDS} s (UI resolver or product-event trigger)`,
    };
  }
  if (uses(m.webtrigger))
    return {
      timeoutMs: WEBTRIGGER_RUNTIME_SECONDS * 1000,
      egressCap,
      rule: `${WEBTRIGGER_RUNTIME_SECONDS} s (web trigger)`,
    };
  if (uses(m.consumer) || uses(m.scheduledTrigger)) {
    const seconds = Math.min(fn?.timeoutSeconds ?? ASYNC_DEFAULT_RUNTIME_SECONDS, ASYNC_MAX_RUNTIME_SECONDS);
    return {
      timeoutMs: seconds * 1000,
      egressCap,
      rule: `${seconds} s (${fn?.timeoutSeconds === undefined ? 'default' : 'timeoutSeconds'} for a consumer or scheduled trigger)`,
    };
  }
  return { timeoutMs: DEFAULT_RUNTIME_SECONDS * 1000, egressCap, rule: `${DEFAULT_RUNTIME_SECONDS} s (default)` };
}

/**
 * Whether manifest.yml's `permissions.external.fetch.backend` lets the app reach `host`. A leading `*.` matches
 * any subdomain (https://developer.atlassian.com/platform/forge/manifest-reference/permissions/#external-permissions);
 * anything else must match exactly. Forge refuses the rest (`ExternalEndpointNotAllowedError` in @forge/api).
 */
export function egressAllowed(manifest: LimitManifest, host: string): boolean {
  const backends = (manifest.permissions?.external?.fetch?.backend ?? []).map((b) =>
    typeof b === 'string' ? b : b.address,
  );
  const name = host.toLowerCase();
  return backends.some((raw) => {
    const address = raw
      .replace(/^https?:\/\//, '')
      .replace(/\/.*$/, '')
      .toLowerCase();
    return address.startsWith('*.')
      ? name.endsWith(address.slice(1)) && name.length > address.length - 1
      : name === address;
  });
}
