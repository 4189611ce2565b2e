import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOn } from '../simulators/kit';
import { adfText, isAdfDoc } from './adf';
import { parseMultipartFile } from './multipart';
import { searchIssues } from './jql';
import { renderAdminPage, renderBoard } from './page';
import { answerReportAccounts } from './personal-data';
import { jiraOperation } from './scopes';
import { APP_ACCOUNT_ID, type Issue, JiraState, statusId } from './state';

/**
 * A Jira Cloud REST v3 emulator on 127.0.0.1 for the endpoints Erasure Desk uses, answering with Jira's
 * shapes and error bodies (`{"errorMessages":[…],"errors":{…}}`). The caller names its principal in
 * `x-sandbox-actor` (the Forge emulator sets it): `app`, or a user's account id, whose project permissions
 * are enforced as Jira does (404 for an issue the user cannot browse).
 */

export interface JiraEmulator {
  url: string;
  state: JiraState;
  calls: Map<string, number>;
  /** Every answered REST call, for the contract test against jira-platform-openapi.json. */
  exchanges: JiraExchange[];
  /** Serves extra pages on Jira's origin (the UI Kit host's extension frames); tried before Jira's routes. */
  mount(handler: PageHandler): void;
  close(): Promise<void>;
}

export type PageHandler = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => Promise<boolean>;

export interface JiraExchange {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export interface JiraEmulatorOptions {
  /** The scopes the app was installed with (manifest.yml); calls as the app or a user outside them get 401. */
  scopes?: string[];
  /** The port to listen on (0, the default: any free one). */
  port?: number;
}

type Route = { method: string; pattern: RegExp; handle: (ctx: Ctx, m: RegExpMatchArray) => Promise<void> | void };
interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  actor: string;
  body: Buffer;
  state: JiraState;
}

const sent = new WeakMap<ServerResponse, { status: number; body: unknown }>();
const send = (res: ServerResponse, status: number, body?: unknown, type = 'application/json') => {
  sent.set(res, { status, body: type === 'application/json' ? body : undefined });
  res.writeHead(status, { 'content-type': type });
  res.end(
    body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  );
};
const jiraError = (res: ServerResponse, status: number, messages: string[], errors: Record<string, string> = {}) =>
  send(res, status, { errorMessages: messages, errors });
const json = (ctx: Ctx): Record<string, unknown> => {
  try {
    return JSON.parse(ctx.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
};

function issueOr404(ctx: Ctx, keyOrId: string): Issue | null {
  // Jira accepts an issue's key or its numeric id wherever it takes an issue.
  const wanted = decodeURIComponent(keyOrId);
  const issue = ctx.state.issues.get(wanted) ?? [...ctx.state.issues.values()].find((i) => i.id === wanted);
  if (!issue || !ctx.state.canBrowse(ctx.actor, issue.projectKey)) {
    jiraError(ctx.res, 404, ['Issue does not exist or you do not have permission to see it.']);
    return null;
  }
  return issue;
}

/** An attachment as Jira's Attachment schema has it (Add attachment's answer, an issue's `attachment` field). */
function attachmentJson(a: Issue['attachments'][number]) {
  return {
    id: a.id,
    filename: a.filename,
    size: a.size,
    mimeType: a.mimeType,
    created: a.created,
    content: `/rest/api/3/attachment/content/${a.id}`,
  };
}

function issueFields(state: JiraState, issue: Issue, wanted: string[] | null): Record<string, unknown> {
  const reporter = state.users.get(issue.reporter);
  const all: Record<string, unknown> = {
    summary: issue.summary,
    status: {
      name: issue.status,
      id: statusId(issue.status),
      statusCategory: { key: issue.status === 'Done' ? 'done' : 'indeterminate' },
    },
    reporter: reporter ? { accountId: reporter.accountId, displayName: reporter.displayName } : null,
    project: { key: issue.projectKey, id: state.projects.get(issue.projectKey)?.id },
    issuetype: { name: issue.issueType },
    labels: issue.labels,
    attachment: issue.attachments.map(attachmentJson),
    created: issue.created,
    updated: issue.updated,
    ...issue.customFields,
  };
  if (!wanted || wanted.includes('*all')) return all;
  return Object.fromEntries(
    wanted.filter((f) => f in all || f.startsWith('customfield_')).map((f) => [f, all[f] ?? null]),
  );
}

/** The emulated workflow lets every status move to every other one; a transition's id is its target's. */
function transitionsOf(state: JiraState, issue: Issue) {
  return state.statuses
    .filter((s) => s !== issue.status)
    .map((s) => ({ id: statusId(s), name: `Move to ${s}`, to: { name: s, id: statusId(s) } }));
}

const ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)$/,
    handle: (ctx, m) => {
      const issue = issueOr404(ctx, m[1] as string);
      if (!issue) return;
      const wanted = ctx.url.searchParams.get('fields')?.split(',').filter(Boolean) ?? null;
      // `expand=transitions` adds the transitions Get transitions would list (Jira's IssueBean.transitions).
      const expand = ctx.url.searchParams.get('expand')?.split(',') ?? [];
      send(ctx.res, 200, {
        id: issue.id,
        key: issue.key,
        fields: issueFields(ctx.state, issue, wanted),
        ...(expand.includes('transitions') ? { transitions: transitionsOf(ctx.state, issue) } : {}),
      });
    },
  },
  {
    method: 'PUT',
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)$/,
    handle: (ctx, m) => {
      const issue = issueOr404(ctx, m[1] as string);
      if (!issue) return;
      const body = json(ctx) as {
        fields?: Record<string, unknown>;
        update?: { labels?: Array<{ add?: string; remove?: string }> };
      };
      const labelsBefore = [...issue.labels];
      for (const op of body.update?.labels ?? []) {
        if (op.add && !issue.labels.includes(op.add)) issue.labels.push(op.add);
        if (op.remove) issue.labels = issue.labels.filter((l) => l !== op.remove);
      }
      const changed: Array<{ field: string; from: unknown; to: unknown }> = [];
      if (labelsBefore.join(' ') !== issue.labels.join(' '))
        changed.push({ field: 'labels', from: labelsBefore.join(' '), to: issue.labels.join(' ') });
      for (const [field, to] of Object.entries(body.fields ?? {})) {
        if (JSON.stringify(issue.customFields[field]) !== JSON.stringify(to))
          changed.push({ field, from: issue.customFields[field], to });
      }
      Object.assign(issue.customFields, body.fields ?? {});
      issue.updated = ctx.state.now().toISOString();
      // Every edit is an issue update for Forge triggers, not only a transition.
      if (changed.length > 0) ctx.state.edited(issue, changed, ctx.actor);
      send(ctx.res, 204);
    },
  },
  {
    method: 'POST',
    pattern: /^\/rest\/api\/3\/issue$/,
    handle: (ctx) => {
      const body = json(ctx) as { fields?: Record<string, unknown> };
      const f = body.fields ?? {};
      const projectKey = (f.project as { key?: string } | undefined)?.key;
      const issueType = (f.issuetype as { name?: string } | undefined)?.name;
      const errors: Record<string, string> = {};
      if (!projectKey || !ctx.state.projects.has(projectKey)) errors.project = 'valid project is required';
      if (!issueType) errors.issuetype = 'valid issue type is required';
      if (typeof f.summary !== 'string' || f.summary === '')
        errors.summary = 'You must specify a summary of the issue.';
      if (Object.keys(errors).length > 0) return jiraError(ctx.res, 400, [], errors);
      const { project: _p, issuetype: _t, summary, ...custom } = f;
      const issue = ctx.state.createIssue({
        projectKey: projectKey as string,
        issueType: issueType as string,
        summary: summary as string,
        reporter: ctx.actor === 'app' ? '557058:erasure-desk-app' : ctx.actor,
        fields: custom,
        causedByApp: ctx.actor === 'app',
      });
      send(ctx.res, 201, { id: issue.id, key: issue.key, self: `/rest/api/3/issue/${issue.id}` });
    },
  },
  {
    method: 'POST',
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/,
    handle: (ctx, m) => {
      const issue = issueOr404(ctx, m[1] as string);
      if (!issue) return;
      const body = json(ctx).body;
      if (!isAdfDoc(body)) return jiraError(ctx.res, 400, ['Comment body is not valid Atlassian Document Format.']);
      const c = ctx.state.addComment(issue, body, adfText(body), ctx.actor);
      send(ctx.res, 201, { id: c.id, created: c.created, author: { accountId: c.author }, body: c.body });
    },
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/,
    handle: (ctx, m) => {
      const issue = issueOr404(ctx, m[1] as string);
      if (!issue) return;
      send(ctx.res, 200, {
        startAt: 0,
        maxResults: 5000,
        total: issue.comments.length,
        comments: issue.comments.map((c) => ({
          id: c.id,
          created: c.created,
          author: { accountId: c.author },
          body: c.body,
        })),
      });
    },
  },
  {
    // Get changelogs (paged, oldest first). The emulator keeps the status moves of an issue's history, each
    // under the changelog id its issue-updated event carried; field edits are not kept here.
    method: 'GET',
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)\/changelog$/,
    handle: (ctx, m) => {
      const issue = issueOr404(ctx, m[1] as string);
      if (!issue) return;
      const startAt = Math.max(0, Number(ctx.url.searchParams.get('startAt') ?? 0) || 0);
      // Jira caps this operation's pages at 100 (PageBeanChangelog: ask for more and maxResults says the cap).
      const maxResults = Math.min(100, Math.max(1, Number(ctx.url.searchParams.get('maxResults') ?? 100) || 100));
      const moves = issue.history.filter((h) => h.changelogId !== undefined);
      const values = moves.slice(startAt, startAt + maxResults).map((h) => ({
        id: h.changelogId,
        author: { accountId: h.by },
        created: h.at,
        items: [
          {
            field: 'status',
            fieldtype: 'jira',
            fieldId: 'status',
            from: statusId(h.from),
            fromString: h.from,
            to: statusId(h.to),
            toString: h.to,
          },
        ],
      }));
      send(ctx.res, 200, {
        startAt,
        maxResults,
        total: moves.length,
        isLast: startAt + values.length >= moves.length,
        values,
      });
    },
  },
  {
    method: 'POST',
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)\/attachments$/,
    handle: (ctx, m) => {
      if (ctx.req.headers['x-atlassian-token'] !== 'no-check') return jiraError(ctx.res, 403, ['XSRF check failed']);
      const issue = issueOr404(ctx, m[1] as string);
      if (!issue) return;
      const file = parseMultipartFile(String(ctx.req.headers['content-type'] ?? ''), ctx.body);
      if (!file) return jiraError(ctx.res, 400, ['Expected multipart/form-data with a "file" part.']);
      const a = ctx.state.addAttachment(issue, file.filename, file.mimeType, file.bytes, ctx.actor);
      send(ctx.res, 200, [attachmentJson(a)]);
    },
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/attachment\/content\/(\d+)$/,
    handle: (ctx, m) => {
      const a = ctx.state.findAttachment(m[1] as string);
      if (!a) return jiraError(ctx.res, 404, ['The attachment does not exist.']);
      send(ctx.res, 200, a.bytes, a.mimeType);
    },
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/,
    handle: (ctx, m) => {
      const issue = issueOr404(ctx, m[1] as string);
      if (!issue) return;
      send(ctx.res, 200, { transitions: transitionsOf(ctx.state, issue) });
    },
  },
  {
    method: 'POST',
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/,
    handle: (ctx, m) => {
      const issue = issueOr404(ctx, m[1] as string);
      if (!issue) return;
      const id = (json(ctx).transition as { id?: string } | undefined)?.id;
      const target = ctx.state.statuses.find((s) => statusId(s) === id && s !== issue.status);
      if (!target) return jiraError(ctx.res, 400, [`Transition id '${String(id)}' is not valid for this issue.`]);
      ctx.state.transition(issue, target, ctx.actor);
      send(ctx.res, 204);
    },
  },
  {
    method: 'PUT',
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)\/properties\/([^/]+)$/,
    handle: (ctx, m) => {
      const issue = issueOr404(ctx, m[1] as string);
      if (!issue) return;
      issue.properties[decodeURIComponent(m[2] as string)] = json(ctx);
      send(ctx.res, 200);
    },
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)\/properties\/([^/]+)$/,
    handle: (ctx, m) => {
      const issue = issueOr404(ctx, m[1] as string);
      if (!issue) return;
      const key = decodeURIComponent(m[2] as string);
      if (!(key in issue.properties))
        return jiraError(ctx.res, 404, [`The property with key '${key}' does not exist.`]);
      send(ctx.res, 200, { key, value: issue.properties[key] });
    },
  },
  {
    method: 'POST',
    pattern: /^\/rest\/api\/3\/search\/jql$/,
    handle: (ctx) => {
      const body = json(ctx) as { jql?: string; maxResults?: number; nextPageToken?: string };
      const result = searchIssues(ctx.state, String(body.jql ?? ''), ctx.actor);
      if ('error' in result) return jiraError(ctx.res, 400, [result.error]);
      const start = body.nextPageToken ? Number(body.nextPageToken) : 0;
      const size = Math.min(body.maxResults ?? 50, 100);
      const page = result.issues.slice(start, start + size);
      const more = start + size < result.issues.length;
      send(ctx.res, 200, {
        issues: page.map((i) => ({ id: i.id, key: i.key })),
        isLast: !more,
        ...(more ? { nextPageToken: String(start + size) } : {}),
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/project\/([^/]+)\/role$/,
    handle: (ctx, m) => {
      const project = ctx.state.projects.get(m[1] as string);
      if (!project) return jiraError(ctx.res, 404, ['No project could be found.']);
      if (!ctx.state.canAdministerProject(ctx.actor, project.key))
        return jiraError(ctx.res, 403, ['You cannot edit the configuration of this project.']);
      // Jira lists each role as the absolute URL of its resource (the spec's `format: uri`).
      const base = `http://${ctx.req.headers.host ?? '127.0.0.1'}`;
      send(
        ctx.res,
        200,
        Object.fromEntries(
          Object.entries(project.roles).map(([name, r]) => [
            name,
            `${base}/rest/api/3/project/${project.key}/role/${r.id}`,
          ]),
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/project\/([^/]+)\/role\/(\d+)$/,
    handle: (ctx, m) => {
      const project = ctx.state.projects.get(m[1] as string);
      if (project && !ctx.state.canAdministerProject(ctx.actor, project.key))
        return jiraError(ctx.res, 403, ['You cannot edit the configuration of this project.']);
      const entry = project && Object.entries(project.roles).find(([, r]) => String(r.id) === m[2]);
      if (!entry) return jiraError(ctx.res, 404, ['The project role does not exist.']);
      const [name, role] = entry;
      const actors = [
        ...role.users.map((u) => ({ type: 'atlassian-user-role-actor', actorUser: { accountId: u } })),
        ...role.groups.map((g) => ({ type: 'atlassian-group-role-actor', actorGroup: { name: g, displayName: g } })),
      ];
      send(ctx.res, 200, { id: role.id, name, actors });
    },
  },
  {
    // Bulk permission check. Checking another account's permissions needs Administer Jira, which an app's
    // user does not hold: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/#api-rest-api-3-permissions-check-post
    method: 'POST',
    pattern: /^\/rest\/api\/3\/permissions\/check$/,
    handle: (ctx) => {
      const input = json(ctx) as { accountId?: string; globalPermissions?: string[] };
      const subject = input.accountId ?? ctx.actor;
      if (subject !== ctx.actor && !ctx.state.isAdmin(ctx.actor))
        return jiraError(ctx.res, 403, [
          'You must have Administer Jira global permission to check the permissions of other users.',
        ]);
      const wanted = input.globalPermissions ?? [];
      const granted = ctx.state.isAdmin(subject) ? wanted.filter((p) => p === 'ADMINISTER') : [];
      send(ctx.res, 200, { globalPermissions: granted, projectPermissions: [] });
    },
  },
  {
    // The caller's own permissions: what works for an app acting as the user.
    method: 'GET',
    pattern: /^\/rest\/api\/3\/mypermissions$/,
    handle: (ctx) => {
      const keys = (ctx.url.searchParams.get('permissions') ?? '').split(',').filter(Boolean);
      if (keys.length === 0) return jiraError(ctx.res, 400, ['The permissions query parameter is required.']);
      const known: Record<string, { type: 'GLOBAL' | 'PROJECT'; name: string; held: (actor: string) => boolean }> = {
        ADMINISTER: { type: 'GLOBAL', name: 'Administer Jira', held: (a) => ctx.state.isAdmin(a) },
        USER_PICKER: { type: 'GLOBAL', name: 'Browse users and groups', held: (a) => ctx.state.canBrowseUsers(a) },
      };
      const unknown = keys.filter((k) => !(k in known));
      if (unknown.length) return jiraError(ctx.res, 400, [`Permissions [${unknown.join(', ')}] not found.`]);
      const permissions = Object.fromEntries(
        keys.map((k) => {
          const def = known[k] as (typeof known)[string];
          return [
            k,
            {
              id: String(keys.indexOf(k) + 1),
              key: k,
              name: def.name,
              type: def.type,
              description: def.name,
              havePermission: def.held(ctx.actor),
            },
          ];
        }),
      );
      send(ctx.res, 200, { permissions });
    },
  },
  {
    // Every field, system and custom, as Jira lists them for pickers.
    method: 'GET',
    pattern: /^\/rest\/api\/3\/field$/,
    handle: (ctx) => {
      const system = [
        { id: 'summary', name: 'Summary' },
        { id: 'labels', name: 'Labels' },
        { id: 'duedate', name: 'Due date' },
      ].map((f) => ({ ...f, custom: false, schema: { type: 'string' } }));
      send(ctx.res, 200, [
        ...system,
        ...ctx.state.fields.map((f) => ({
          id: f.id,
          key: f.id,
          name: f.name,
          custom: true,
          schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' },
        })),
      ]);
    },
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/myself$/,
    handle: (ctx) => {
      const user =
        ctx.actor === 'app'
          ? { accountId: APP_ACCOUNT_ID, displayName: 'Erasure Desk', groups: ['atlassian-addons-admin'] }
          : ctx.state.users.get(ctx.actor);
      if (!user) return jiraError(ctx.res, 401, ['Client must be authenticated to access this resource.']);
      const expand = (ctx.url.searchParams.get('expand') ?? '').split(',');
      const groups = {
        size: user.groups.length,
        items: expand.includes('groups') ? user.groups.map((g) => ({ name: g, groupId: g })) : [],
      };
      send(ctx.res, 200, {
        accountId: user.accountId,
        accountType: ctx.actor === 'app' ? 'app' : 'atlassian',
        active: true,
        displayName: user.displayName,
        groups,
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/status$/,
    handle: (ctx) =>
      send(
        ctx.res,
        200,
        ctx.state.statuses.map((s) => ({
          id: statusId(s),
          name: s,
          statusCategory: { key: s === 'Done' ? 'done' : 'indeterminate' },
        })),
      ),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/user\/groups$/,
    handle: (ctx) => {
      if (!ctx.state.canBrowseUsers(ctx.actor))
        return jiraError(ctx.res, 403, ['You do not have the permission to browse users and groups.']);
      const user = ctx.state.users.get(ctx.url.searchParams.get('accountId') ?? '');
      if (!user) return jiraError(ctx.res, 404, ['The user does not exist.']);
      send(
        ctx.res,
        200,
        user.groups.map((g) => ({ name: g, groupId: g })),
      );
    },
  },
];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startJiraEmulator(state: JiraState, options: JiraEmulatorOptions = {}): Promise<JiraEmulator> {
  const calls = new Map<string, number>();
  const exchanges: JiraExchange[] = [];
  const granted = options.scopes ? new Set(options.scopes) : null;
  const pages: PageHandler[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      for (const page of pages) if (await page(req, res, url, body)) return;
      if (url.pathname === '/' && req.method === 'GET')
        return send(res, 200, renderBoard(state, url.searchParams.get('as')), 'text/html; charset=utf-8');
      if (url.pathname === '/admin' && req.method === 'GET')
        return send(res, 200, renderAdminPage(state, url.searchParams.get('as')), 'text/html; charset=utf-8');
      if (url.pathname === '/_sandbox/move' && req.method === 'POST') return moveFromPage(state, body, res);
      if (url.pathname === '/app/report-accounts' && req.method === 'POST')
        return reportAccounts(state, granted, req, body, res);
      const download = /^\/_sandbox\/attachment\/(\d+)$/.exec(url.pathname);
      if (download && req.method === 'GET')
        return downloadFromPage(state, download[1] as string, url.searchParams.get('as') ?? '', res);
      const route = ROUTES.find((r) => r.method === req.method && r.pattern.test(url.pathname));
      if (!route) return jiraError(res, 404, [`No such endpoint in the Jira emulator: ${req.method} ${url.pathname}`]);
      const actor = String(req.headers['x-sandbox-actor'] ?? '');
      if (!actor || (actor !== 'app' && !state.users.has(actor)))
        return jiraError(res, 401, ['Client must be authenticated to access this resource.']);
      if (granted && !url.pathname.startsWith('/rest/api/3/attachment/content/')) {
        const needed = jiraOperation(req.method ?? 'GET', url.pathname)?.scopes ?? [];
        if (needed.some((scope) => !granted.has(scope))) {
          exchanges.push({ method: req.method ?? 'GET', path: url.pathname, status: 401, body: undefined });
          return send(res, 401, { code: 401, message: 'Unauthorized; scope does not match' });
        }
      }
      const label = `${req.method} ${route.pattern.source}`;
      calls.set(label, (calls.get(label) ?? 0) + 1);
      await route.handle({ req, res, url, actor, body, state }, url.pathname.match(route.pattern) as RegExpMatchArray);
      const answer = sent.get(res);
      if (answer)
        exchanges.push({ method: req.method ?? 'GET', path: url.pathname, status: answer.status, body: answer.body });
    })().catch((error: unknown) =>
      send(res, 500, { errorMessages: [error instanceof Error ? error.message : 'internal error'], errors: {} }),
    );
  });
  await listenOn(server, options.port ?? 0);
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    state,
    calls,
    exchanges,
    mount: (handler) => void pages.push(handler),
    close: () =>
      new Promise((resolve) => {
        // A browser keeps connections alive; without this a closing world would wait for them.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A person downloading an attachment from the page, with the browse permission of the user they act as. */
function downloadFromPage(state: JiraState, id: string, actor: string, res: ServerResponse): void {
  const a = state.findAttachment(id);
  const issue = a ? [...state.issues.values()].find((i) => i.attachments.includes(a)) : undefined;
  if (!a || !issue || !state.canBrowse(actor, issue.projectKey))
    return send(res, 404, 'The attachment does not exist or you do not have permission to see it.', 'text/plain');
  res.writeHead(200, {
    'content-type': a.mimeType,
    'content-disposition': `attachment; filename="${a.filename.replace(/["\\\r\n]/g, '_')}"`,
  });
  res.end(a.bytes);
}

/** Atlassian's personal data reporting API; only the app reports, and only with the `report:personal-data` scope. */
function reportAccounts(
  state: JiraState,
  granted: Set<string> | null,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): void {
  if (req.headers['x-sandbox-actor'] !== 'app') return jiraError(res, 401, ['Only an app reports personal data.']);
  if (granted && !granted.has('report:personal-data'))
    return send(res, 401, { code: 401, message: 'Unauthorized; scope does not match' });
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = null;
  }
  const answer = answerReportAccounts(state, parsed);
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
}

function moveFromPage(state: JiraState, body: Buffer, res: ServerResponse): void {
  const form = new URLSearchParams(body.toString('utf8'));
  const issue = state.issues.get(form.get('key') ?? '');
  const to = form.get('to') ?? '';
  const actor = form.get('actor') ?? '';
  if (!issue || !state.statuses.includes(to) || !state.users.has(actor))
    return send(res, 400, 'unknown ticket, status or user', 'text/plain');
  state.transition(issue, to, actor);
  res.writeHead(303, { location: `/?as=${encodeURIComponent(actor)}#${encodeURIComponent(issue.key)}` });
  res.end();
}
