import type { ForgeDoc } from './forge-doc';
import { ForgeDocRenderer } from './render';

/**
 * The UI Kit host inside one extension frame, as Forge's CDN script is in Jira: it defines `self.__bridge`
 * before the app's bundle runs (`@forge/bridge` looks for it when it loads), draws each `reconcile` commit,
 * and sends `invoke` to the sandbox, which runs the app's real resolver as the person viewing the page.
 * Commands the sandbox does not emulate reject with a message saying so, rather than hanging.
 */

interface FrameConfig {
  resource: string;
  moduleKey: string;
  extension: Record<string, unknown>;
  accountId: string;
  invokeUrl: string;
  /** Account id → display name, for the `User` component (Jira shows the person's name, not the id). */
  displayNames: Record<string, string>;
}

declare global {
  interface Window {
    __frameConfig: FrameConfig;
    __bridge: { callBridge(cmd: string, data?: unknown): Promise<unknown> };
    /** Browser tests wait on this: the number of `reconcile` commits and `invoke` calls still in flight. */
    __uiHost: { commits: number; pendingInvokes: number; lastForgeDoc: ForgeDoc | null };
  }
}

const config = window.__frameConfig;
const root = document.getElementById('root') as HTMLElement;
const renderer = new ForgeDocRenderer(root, (accountId) => config.displayNames[accountId]);
window.__uiHost = { commits: 0, pendingInvokes: 0, lastForgeDoc: null };

function reportHeight(): void {
  window.parent?.postMessage({ uiHostHeight: document.documentElement.scrollHeight, frame: window.name }, '*');
}
new ResizeObserver(reportHeight).observe(document.body);

function showError(text: string): void {
  const box = document.getElementById('host-error') as HTMLElement;
  box.textContent = text;
  box.hidden = false;
}

async function invoke(data: { functionKey: string; payload?: unknown; metadata?: unknown }): Promise<unknown> {
  window.__uiHost.pendingInvokes += 1;
  try {
    const response = await fetch(config.invokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        moduleKey: config.moduleKey,
        extension: config.extension,
        accountId: config.accountId,
        functionKey: data.functionKey,
        payload: data.payload ?? {},
      }),
    });
    const body = (await response.json()) as { ok: boolean; result?: unknown; error?: string };
    // Forge rejects the invoke promise when the resolver throws; the app's own error handling then applies.
    if (!body.ok) throw new Error(body.error ?? `resolver ${data.functionKey} failed`);
    return data.metadata ? { body: body.result, metadata: {} } : body.result;
  } finally {
    window.__uiHost.pendingInvokes -= 1;
  }
}

window.__bridge = {
  async callBridge(cmd: string, data?: unknown): Promise<unknown> {
    switch (cmd) {
      case 'reconcile': {
        const forgeDoc = (data as { forgeDoc: ForgeDoc }).forgeDoc;
        renderer.render(forgeDoc);
        window.__uiHost.commits += 1;
        window.__uiHost.lastForgeDoc = forgeDoc;
        reportHeight();
        return undefined;
      }
      case 'invoke':
        return invoke(data as { functionKey: string; payload?: unknown });
      case 'getContext':
        return {
          accountId: config.accountId,
          moduleKey: config.moduleKey,
          extension: config.extension,
          environmentType: 'DEVELOPMENT',
          localId: config.moduleKey,
          siteUrl: window.location.origin,
        };
      case 'onError':
        showError(`The app failed to render: ${String((data as { error?: unknown })?.error ?? 'unknown error')}`);
        return undefined;
      case 'emitReadyEvent':
      case 'enableTheming':
        return undefined;
      default:
        throw new Error(`The sandbox's UI Kit host does not emulate the bridge command "${cmd}".`);
    }
  },
};

window.addEventListener('error', (e) => showError(`The app failed: ${e.message}`));
window.addEventListener('unhandledrejection', (e) =>
  showError(`The app failed: ${e.reason instanceof Error ? e.reason.message : String(e.reason)}`),
);
