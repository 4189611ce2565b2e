import api, { route, type Route } from '@forge/api';
import { z } from 'zod';
import {
  type AdfDocument,
  type IntakeJira,
  type StatusMove,
  type TicketSweep,
  type IssueSnapshot,
  type JiraCatalog,
  JiraLookupForbidden,
  type JiraPort,
  JiraTransitionUnavailable,
  type UserJiraPort,
} from '../app/ports';

/**
 * The Jira operations the workflow performs, on `@forge/api` `requestJira` as the app (the app acts on DSAR
 * tickets on behalf of the privacy team; user permissions are checked explicitly where they matter).
 * Every response is parsed; a Jira error becomes a JiraRequestError that names the endpoint and Jira's
 * messages, never the request body.
 */

export class JiraRequestError extends Error {
  constructor(
    readonly status: number,
    readonly endpoint: string,
    readonly messages: string[],
  ) {
    super(`Jira ${endpoint}: HTTP ${status}${messages.length ? ` — ${messages.join('; ')}` : ''}`);
    this.name = 'JiraRequestError';
  }
}

interface JiraResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}
type JiraInit = { method?: string; headers?: Record<string, string>; body?: string | ArrayBuffer };
/** What `api.asApp()` and `api.asUser()` offer: each call below names its route and method literally, so Forge's linter can check its scopes. */
export interface JiraRequester {
  requestJira(path: Route, init?: JiraInit): Promise<JiraResponse>;
}

/** One file as multipart/form-data (RFC 7578), built as bytes: Forge's request body is a string or ArrayBuffer. */
export function multipartFile(
  filename: string,
  bytes: Uint8Array,
  mediaType: string,
): { body: ArrayBuffer; contentType: string } {
  const boundary = `erasure-desk-${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
  const safeName = filename.replace(/["\r\n]/g, '_');
  const head = new TextEncoder().encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${mediaType}\r\n\r\n`,
  );
  const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
  const out = new Uint8Array(head.length + bytes.length + tail.length);
  out.set(head, 0);
  out.set(bytes, head.length);
  out.set(tail, head.length + bytes.length);
  return { body: out.buffer, contentType: `multipart/form-data; boundary=${boundary}` };
}

const MAX_ATTEMPTS = 4;

/** Jira Cloud rate-limits apps with 429 + Retry-After; a few bounded retries keep a burst from failing a case. */
async function send(endpoint: string, request: () => Promise<JiraResponse>): Promise<JiraResponse> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await request();
    const retryable = response.status === 429 || response.status === 503;
    if (!retryable || attempt >= MAX_ATTEMPTS) {
      if (response.status >= 400) throw new JiraRequestError(response.status, endpoint, await errorMessages(response));
      return response;
    }
    const hinted = Number(response.headers.get('retry-after'));
    const waitMs = Math.min(10_000, Number.isFinite(hinted) && hinted > 0 ? hinted * 1000 : 250 * 2 ** attempt);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

async function errorMessages(response: JiraResponse): Promise<string[]> {
  try {
    const body = JSON.parse(await response.text()) as { errorMessages?: unknown; errors?: unknown };
    const list = Array.isArray(body.errorMessages) ? body.errorMessages.map(String) : [];
    const fields =
      body.errors && typeof body.errors === 'object'
        ? Object.entries(body.errors as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`)
        : [];
    return [...list, ...fields];
  } catch {
    return [];
  }
}

async function json<S extends z.ZodType>(response: JiraResponse, schema: S, endpoint: string): Promise<z.infer<S>> {
  const parsed = schema.safeParse(JSON.parse(await response.text()) as unknown);
  if (!parsed.success)
    throw new JiraRequestError(response.status, endpoint, [
      `unexpected response shape at ${parsed.error.issues[0]?.path.join('.') ?? ''}`,
    ]);
  return parsed.data;
}

const ACCEPT = { Accept: 'application/json' };
const JSON_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json' };

const transitionListSchema = z.array(
  z.object({ id: z.string(), name: z.string(), to: z.object({ name: z.string() }) }),
);
const issueSchema = z.object({
  key: z.string(),
  fields: z.record(z.string(), z.unknown()),
  transitions: transitionListSchema.optional(),
});
const rolesSchema = z.record(z.string(), z.string());
const roleSchema = z.object({
  actors: z.array(
    z.object({
      type: z.string(),
      actorUser: z.object({ accountId: z.string() }).optional(),
      actorGroup: z.object({ name: z.string().optional(), displayName: z.string().optional() }).optional(),
    }),
  ),
});
const groupsSchema = z.array(z.object({ name: z.string() }));
const searchSchema = z.object({ issues: z.array(z.object({ key: z.string() })), nextPageToken: z.string().optional() });
const changelogPageSchema = z.object({
  startAt: z.number(),
  total: z.number().optional(),
  isLast: z.boolean().optional(),
  values: z.array(
    z.object({
      id: z.union([z.string(), z.number()]).transform(String),
      author: z.object({ accountId: z.string() }).optional(),
      created: z.string(),
      items: z.array(z.object({ field: z.string(), toString: z.string().nullable().optional() })),
    }),
  ),
});
const commentsSchema = z.object({ comments: z.array(z.object({ created: z.string(), body: z.unknown() })) });
const attachmentsSchema = z.array(
  z.object({ id: z.union([z.string(), z.number()]).transform(String), filename: z.string(), size: z.number() }),
);

async function forbiddenAs<T>(endpoint: string, remedy: string, lookUp: () => Promise<T>): Promise<T> {
  try {
    return await lookUp();
  } catch (error) {
    if (error instanceof JiraRequestError && error.status === 403) throw new JiraLookupForbidden(endpoint, remedy);
    throw error;
  }
}

const ROLE_REMEDY =
  'Give the app (the "Erasure Desk" user) the Administer Projects permission in this project, or use approval groups instead of a project role on the admin page.';
const GROUP_REMEDY =
  'Give the app the "Browse users and groups" global permission, or use a project role instead of approval groups on the admin page.';

const fieldsSchema = z.array(z.object({ id: z.string(), name: z.string(), custom: z.boolean().default(false) }));
const statusesSchema = z.array(z.object({ name: z.string() }));

function snapshotOf(issue: z.infer<typeof issueSchema>): IssueSnapshot {
  return {
    key: issue.key,
    fields: issue.fields,
    ...(issue.transitions ? { transitions: issue.transitions.map((t) => ({ id: t.id, to: t.to.name })) } : {}),
  };
}

const statusNameOf = (issue: IssueSnapshot) => (issue.fields.status as { name?: string } | undefined)?.name ?? null;

export function createJiraAdapter(app: JiraRequester): JiraPort & IntakeJira & TicketSweep & JiraCatalog {
  const doTransition = (key: string, transitionId: string) =>
    send('POST /issue/transitions', () =>
      app.requestJira(route`/rest/api/3/issue/${key}/transitions`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ transition: { id: transitionId } }),
      }),
    );
  /** False when Jira answers 400: the issue's current status does not offer this transition (it has moved). */
  const transitionIfOffered = async (key: string, transitionId: string) => {
    try {
      await doTransition(key, transitionId);
      return true;
    } catch (error) {
      if (error instanceof JiraRequestError && error.status === 400) return false;
      throw error;
    }
  };
  const groupsOf = (accountId: string) =>
    forbiddenAs('user groups', GROUP_REMEDY, async () => {
      const response = await send('GET /user/groups', () =>
        app.requestJira(route`/rest/api/3/user/groups?accountId=${accountId}`, { method: 'GET', headers: ACCEPT }),
      );
      return (await json(response, groupsSchema, 'GET /user/groups')).map((g) => g.name);
    });

  const getIssue = async (
    key: string,
    fields: string[],
    options: { withTransitions?: boolean } = {},
  ): Promise<IssueSnapshot> => {
    const response = await send('GET /issue', () =>
      options.withTransitions
        ? app.requestJira(route`/rest/api/3/issue/${key}?fields=${fields.join(',')}&expand=transitions`, {
            method: 'GET',
            headers: ACCEPT,
          })
        : app.requestJira(route`/rest/api/3/issue/${key}?fields=${fields.join(',')}`, {
            method: 'GET',
            headers: ACCEPT,
          }),
    );
    return snapshotOf(await json(response, issueSchema, 'GET /issue'));
  };

  return {
    getIssue,
    async addComment(key, body: AdfDocument) {
      const response = await send('POST /issue/comment', () =>
        app.requestJira(route`/rest/api/3/issue/${key}/comment`, {
          method: 'POST',
          headers: JSON_HEADERS,
          body: JSON.stringify({ body }),
        }),
      );
      return json(response, z.object({ id: z.string() }), 'POST /issue/comment');
    },
    async hasComment(key, text, since) {
      // Newest first: the comment looked for was posted moments before a crash.
      const response = await send('GET /issue/comment', () =>
        app.requestJira(route`/rest/api/3/issue/${key}/comment?orderBy=-created&maxResults=100`, {
          method: 'GET',
          headers: ACCEPT,
        }),
      );
      const page = await json(response, commentsSchema, 'GET /issue/comment');
      return page.comments.some(
        (c) =>
          (since === undefined || Date.parse(c.created) >= Date.parse(since)) && JSON.stringify(c.body).includes(text),
      );
    },
    async findAttachment(key, filename) {
      const issue = await getIssue(key, ['attachment']);
      const parsed = attachmentsSchema.safeParse(issue.fields.attachment ?? []);
      const found = parsed.success ? parsed.data.find((a) => a.filename === filename) : undefined;
      return found ? { id: found.id } : null;
    },
    async attachFile(key, filename, bytes, mediaType) {
      const { body, contentType } = multipartFile(filename, bytes, mediaType);
      // Jira refuses multipart uploads without X-Atlassian-Token (XSRF protection).
      const response = await send('POST /issue/attachments', () =>
        app.requestJira(route`/rest/api/3/issue/${key}/attachments`, {
          method: 'POST',
          headers: { ...ACCEPT, 'X-Atlassian-Token': 'no-check', 'Content-Type': contentType },
          body,
        }),
      );
      const [first] = await json(response, attachmentsSchema, 'POST /issue/attachments');
      if (!first) throw new JiraRequestError(response.status, 'POST /issue/attachments', ['no attachment returned']);
      return first;
    },
    async transitionTo(key, statusName, seen) {
      if (seen?.transitions) {
        if (statusNameOf(seen) === statusName) return 'already_in_status';
        const offered = seen.transitions.find((t) => t.to === statusName);
        if (offered && (await transitionIfOffered(key, offered.id))) return 'transitioned';
      }
      // Read now: a person may have moved the ticket, and a ticket already there must not be moved again. Jira
      // lists the transitions with the issue (`expand=transitions`): the status and the way out are one read.
      const current = await getIssue(key, ['status'], { withTransitions: true });
      if (statusNameOf(current) === statusName) return 'already_in_status';
      const transitions = current.transitions ?? [];
      const match = transitions.find((t) => t.to === statusName);
      if (!match)
        throw new JiraTransitionUnavailable(
          key,
          statusName,
          transitions.map((t) => t.to),
        );
      await doTransition(key, match.id);
      return 'transitioned';
    },
    isInProjectRole: (projectKey, roleName, accountId) =>
      forbiddenAs('project role', ROLE_REMEDY, async () => {
        const listed = await send('GET /project/role', () =>
          app.requestJira(route`/rest/api/3/project/${projectKey}/role`, { method: 'GET', headers: ACCEPT }),
        );
        const roles = await json(listed, rolesSchema, 'GET /project/role');
        const url = Object.entries(roles).find(([name]) => name === roleName)?.[1];
        const roleId = url?.split('/').pop();
        if (!roleId) return false;
        const fetched = await send('GET /project/role/id', () =>
          app.requestJira(route`/rest/api/3/project/${projectKey}/role/${roleId}`, { method: 'GET', headers: ACCEPT }),
        );
        const role = await json(fetched, roleSchema, 'GET /project/role/id');
        if (role.actors.some((a) => a.actorUser?.accountId === accountId)) return true;
        const roleGroups = role.actors
          .map((a) => a.actorGroup?.name ?? a.actorGroup?.displayName)
          .filter((g): g is string => !!g);
        if (roleGroups.length === 0) return false;
        const userGroups = await groupsOf(accountId);
        return roleGroups.some((g) => userGroups.includes(g));
      }),
    getUserGroups: groupsOf,
    async editLabels(key, add, remove) {
      const update = { labels: [...add.map((l) => ({ add: l })), ...remove.map((l) => ({ remove: l }))] };
      await send('PUT /issue', () =>
        app.requestJira(route`/rest/api/3/issue/${key}`, {
          method: 'PUT',
          headers: JSON_HEADERS,
          body: JSON.stringify({ update }),
        }),
      );
    },
    async searchIssueKeys(jql) {
      const keys: string[] = [];
      let nextPageToken: string | undefined;
      do {
        const query = { jql, fields: ['key'], maxResults: 100, ...(nextPageToken ? { nextPageToken } : {}) };
        const response = await send('POST /search/jql', () =>
          app.requestJira(route`/rest/api/3/search/jql`, {
            method: 'POST',
            headers: JSON_HEADERS,
            body: JSON.stringify(query),
          }),
        );
        const page = await json(response, searchSchema, 'POST /search/jql');
        keys.push(...page.issues.map((i) => i.key));
        nextPageToken = page.nextPageToken;
      } while (nextPageToken);
      return keys;
    },
    async statusMoves(key) {
      // Get changelogs is paged oldest first; a DSAR ticket has a few dozen changes at most.
      const moves: StatusMove[] = [];
      for (let startAt = 0; ;) {
        const response = await send('GET /issue/changelog', () =>
          app.requestJira(route`/rest/api/3/issue/${key}/changelog?startAt=${startAt}&maxResults=100`, {
            method: 'GET',
            headers: ACCEPT,
          }),
        );
        const page = await json(response, changelogPageSchema, 'GET /issue/changelog');
        for (const change of page.values) {
          const status = change.items.find((i) => i.field === 'status');
          if (change.author && status?.toString)
            moves.push({
              changelogId: change.id,
              accountId: change.author.accountId,
              at: change.created,
              to: status.toString,
            });
        }
        startAt = page.startAt + page.values.length;
        if (page.values.length === 0 || page.isLast === true || (page.total !== undefined && startAt >= page.total))
          return moves;
      }
    },
    async createIssue(input) {
      const fields = {
        project: { key: input.projectKey },
        issuetype: { name: input.issueType },
        summary: input.summary,
        ...input.fields,
      };
      const response = await send('POST /issue', () =>
        app.requestJira(route`/rest/api/3/issue`, {
          method: 'POST',
          headers: JSON_HEADERS,
          body: JSON.stringify({ fields }),
        }),
      );
      return json(response, z.object({ key: z.string() }), 'POST /issue');
    },
    async listFields() {
      const response = await send('GET /field', () =>
        app.requestJira(route`/rest/api/3/field`, { method: 'GET', headers: ACCEPT }),
      );
      return json(response, fieldsSchema, 'GET /field');
    },
    async listStatuses() {
      const response = await send('GET /status', () =>
        app.requestJira(route`/rest/api/3/status`, { method: 'GET', headers: ACCEPT }),
      );
      const statuses = await json(response, statusesSchema, 'GET /status');
      return [...new Set(statuses.map((s) => s.name))];
    },
    async setIssueProperty(key, property, value) {
      await send('PUT /issue/properties', () =>
        app.requestJira(route`/rest/api/3/issue/${key}/properties/${property}`, {
          method: 'PUT',
          headers: JSON_HEADERS,
          body: JSON.stringify(value),
        }),
      );
    },
  };
}

const visibleIssueSchema = z.object({
  id: z.string(),
  key: z.string(),
  fields: z.object({ project: z.object({ key: z.string() }) }),
});
const myPermissionsSchema = z.object({ permissions: z.record(z.string(), z.object({ havePermission: z.boolean() })) });
const myselfSchema = z.object({ groups: z.object({ items: z.array(z.object({ name: z.string() })) }) });

export function createUserJiraAdapter(user: JiraRequester): UserJiraPort {
  return {
    async visibleIssue(issueIdOrKey) {
      try {
        const response = await send('GET /issue', () =>
          user.requestJira(route`/rest/api/3/issue/${issueIdOrKey}?fields=project`, { method: 'GET', headers: ACCEPT }),
        );
        const issue = await json(response, visibleIssueSchema, 'GET /issue');
        return { id: issue.id, key: issue.key, projectKey: issue.fields.project.key };
      } catch (error) {
        if (error instanceof JiraRequestError && (error.status === 404 || error.status === 403)) return null;
        throw error;
      }
    },
    async isJiraAdmin() {
      const response = await send('GET /mypermissions', () =>
        user.requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`, { method: 'GET', headers: ACCEPT }),
      );
      const granted = await json(response, myPermissionsSchema, 'GET /mypermissions');
      return granted.permissions.ADMINISTER?.havePermission === true;
    },
    async myGroups() {
      const response = await send('GET /myself', () =>
        user.requestJira(route`/rest/api/3/myself?expand=groups`, { method: 'GET', headers: ACCEPT }),
      );
      return (await json(response, myselfSchema, 'GET /myself')).groups.items.map((g) => g.name);
    },
  };
}

/** Production: requests as the app through Forge's product proxy. */
export function createAppJira(): JiraPort & IntakeJira & TicketSweep & JiraCatalog {
  return createJiraAdapter(api.asApp() as JiraRequester);
}

/** Production: requests as the user who invoked the resolver. */
export function createUserJira(): UserJiraPort {
  return createUserJiraAdapter(api.asUser() as JiraRequester);
}
