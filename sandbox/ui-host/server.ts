import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ForgePlatform } from '../forge/runtime';
import { bundleResource } from './bundle';
import { HOST_CSS } from './host-css';

/**
 * The server half of the UI Kit host, mounted on the Jira emulator's origin (as Jira serves extension frames):
 * `GET /_ui/frame/{moduleKey}` is one extension's frame (the host script, then the app's bundled resource),
 * `GET /_ui/bundle/{moduleKey}.js` the bundle, and `POST /_ui/invoke` runs the module's resolver, through the
 * Forge platform emulator, as the account the page was opened for.
 */

export interface UiHost {
  /** Answers the request if it is the UI host's; false leaves it to the Jira emulator. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean>;
}

const invokeSchema = z.object({
  moduleKey: z.string(),
  extension: z.object({ issue: z.object({ key: z.string() }).optional() }).passthrough(),
  accountId: z.string().min(1),
  functionKey: z.string().min(1),
  payload: z.unknown(),
});

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function createUiHost(options: {
  repoRoot: string;
  platform: ForgePlatform;
  knownAccount: (accountId: string) => boolean;
  /** The site's users' display names, which UI Kit's `User` component shows for an account id. */
  displayNames?: () => Record<string, string>;
}): UiHost {
  const { platform } = options;
  const uiModules = [
    ...(platform.manifest.modules['jira:issuePanel'] ?? []).map((m) => ({ ...m, type: 'jira:issuePanel' })),
    ...(platform.manifest.modules['jira:adminPage'] ?? []).map((m) => ({ ...m, type: 'jira:adminPage' })),
  ];
  const resources =
    (platform.manifest as unknown as { resources?: Array<{ key: string; path: string }> }).resources ?? [];
  const resourcePath = (moduleKey: string): string | null => {
    const mod = uiModules.find((m) => m.key === moduleKey) as { resource?: string } | undefined;
    return resources.find((r) => r.key === mod?.resource)?.path ?? null;
  };

  const text = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };

  return {
    async handle(req, res, url, body) {
      const frame = /^\/_ui\/frame\/([\w-]+)$/.exec(url.pathname);
      if (frame && req.method === 'GET') {
        const moduleKey = frame[1] as string;
        const mod = uiModules.find((m) => m.key === moduleKey);
        if (!mod || !resourcePath(moduleKey))
          return (text(res, 404, `manifest.yml has no UI Kit module ${moduleKey}`), true);
        const accountId = url.searchParams.get('as') ?? '';
        if (!options.knownAccount(accountId))
          return (text(res, 400, 'Open the frame as a known Jira user (?as=accountId).'), true);
        const issueKey = url.searchParams.get('issue');
        const extension =
          mod.type === 'jira:issuePanel' ? { type: mod.type, issue: { key: issueKey ?? '' } } : { type: mod.type };
        const config = {
          resource: resourcePath(moduleKey),
          moduleKey,
          extension,
          accountId,
          invokeUrl: '/_ui/invoke',
          displayNames: options.displayNames?.() ?? {},
        };
        text(
          res,
          200,
          `<!doctype html><html><head><meta charset="utf-8"><title>${esc(moduleKey)}</title><style>${HOST_CSS}</style></head>
<body><div id="host-error" class="host-error" role="alert" hidden></div><div id="root"></div>
<script>window.__frameConfig = ${JSON.stringify(config).replace(/</g, '\\u003c')};</script>
<script src="/_ui/bundle/${esc(moduleKey)}.js"></script></body></html>`,
          'text/html; charset=utf-8',
        );
        return true;
      }
      const bundle = /^\/_ui\/bundle\/([\w-]+)\.js$/.exec(url.pathname);
      if (bundle && req.method === 'GET') {
        const path = resourcePath(bundle[1] as string);
        if (!path) return (text(res, 404, 'no such resource'), true);
        try {
          text(res, 200, await bundleResource(options.repoRoot, path), 'text/javascript; charset=utf-8');
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          // The frame shows the build error where the panel would be, instead of an empty box.
          text(
            res,
            200,
            `document.getElementById('host-error').hidden=false;document.getElementById('host-error').textContent=${JSON.stringify(`The UI bundle did not build: ${message}`)};`,
            'text/javascript; charset=utf-8',
          );
        }
        return true;
      }
      if (url.pathname === '/_ui/invoke' && req.method === 'POST') {
        let parsed: z.infer<typeof invokeSchema>;
        try {
          parsed = invokeSchema.parse(JSON.parse(body.toString('utf8')));
        } catch {
          return (
            text(res, 400, JSON.stringify({ ok: false, error: 'Malformed invoke request.' }), 'application/json'),
            true
          );
        }
        if (!options.knownAccount(parsed.accountId))
          return (text(res, 401, JSON.stringify({ ok: false, error: 'Unknown Jira user.' }), 'application/json'), true);
        try {
          const result = await platform.invokeResolver(parsed.moduleKey, parsed.functionKey, parsed.payload, {
            accountId: parsed.accountId,
            ...(parsed.extension.issue ? { issueKey: parsed.extension.issue.key } : {}),
          });
          text(res, 200, JSON.stringify({ ok: true, result: result ?? null }), 'application/json');
        } catch (error) {
          text(
            res,
            200,
            JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) }),
            'application/json',
          );
        }
        return true;
      }
      return false;
    },
  };
}
