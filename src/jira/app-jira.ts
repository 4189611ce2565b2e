import api, { route, type Route } from '@forge/api';
import { z } from 'zod';
import type { AdfDocument, IntakeJira, IssueSnapshot, JiraPort } from '../app/ports';

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

export class JiraTransitionUnavailable extends Error {
  constructor(
    readonly issueKey: string,
    readonly target: string,
    readonly available: string[],
  ) {
    super(`${issueKey}: no transition to "${target}" from the current status (available: ${available.join(', ') || 'none'}); check the workflow and the status names on the admin page`);
    this.name = 'JiraTransitionUnavailable';
  }
}

interface JiraResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}
export type JiraHttp = (path: Route, init?: { method?: string; headers?: Record<string, string>; body?: string | ArrayBuffer }) => Promise<JiraResponse>;

/** One file as multipart/form-data (RFC 7578), built as bytes: Forge's request body is a string or ArrayBuffer. */
export function multipartFile(filename: string, bytes: Uint8Array, mediaType: string): { body: ArrayBuffer; contentType: string } {
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
async function send(http: JiraHttp, endpoint: string, path: Route, init: Parameters<JiraHttp>[1] = {}): Promise<JiraResponse> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await http(path, { ...init, headers: { Accept: 'application/json', ...init.headers } });
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
    const fields = body.errors && typeof body.errors === 'object' ? Object.entries(body.errors as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`) : [];
    return [...list, ...fields];
  } catch {
    return [];
  }
}

async function json<S extends z.ZodType>(response: JiraResponse, schema: S, endpoint: string): Promise<z.infer<S>> {
  const parsed = schema.safeParse(JSON.parse(await response.text()) as unknown);
  if (!parsed.success) throw new JiraRequestError(response.status, endpoint, [`unexpected response shape at ${parsed.error.issues[0]?.path.join('.') ?? ''}`]);
  return parsed.data;
}

const jsonInit = (method: string, body: unknown) => ({ method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const issueSchema = z.object({ key: z.string(), fields: z.record(z.string(), z.unknown()) });
const transitionsSchema = z.object({ transitions: z.array(z.object({ id: z.string(), name: z.string(), to: z.object({ name: z.string() }) })) });
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
const attachmentsSchema = z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String), filename: z.string(), size: z.number() }));

export function createJiraAdapter(http: JiraHttp): JiraPort & IntakeJira {
  const statusOf = async (key: string) => {
    const issue = await json(await send(http, 'GET /issue', route`/rest/api/3/issue/${key}?fields=status`), issueSchema, 'GET /issue');
    return (issue.fields.status as { name?: string } | undefined)?.name ?? null;
  };
  const groupsOf = async (accountId: string) =>
    (await json(await send(http, 'GET /user/groups', route`/rest/api/3/user/groups?accountId=${accountId}`), groupsSchema, 'GET /user/groups')).map((g) => g.name);

  return {
    async getIssue(key, fields): Promise<IssueSnapshot> {
      const response = await send(http, 'GET /issue', route`/rest/api/3/issue/${key}?fields=${fields.join(',')}`);
      return json(response, issueSchema, 'GET /issue');
    },
    async addComment(key, body: AdfDocument) {
      const response = await send(http, 'POST /issue/comment', route`/rest/api/3/issue/${key}/comment`, jsonInit('POST', { body }));
      return json(response, z.object({ id: z.string() }), 'POST /issue/comment');
    },
    async attachFile(key, filename, bytes, mediaType) {
      const { body, contentType } = multipartFile(filename, bytes, mediaType);
      // Jira refuses multipart uploads without this header (XSRF protection).
      const response = await send(http, 'POST /issue/attachments', route`/rest/api/3/issue/${key}/attachments`, {
        method: 'POST',
        headers: { 'X-Atlassian-Token': 'no-check', 'Content-Type': contentType },
        body,
      });
      const [first] = await json(response, attachmentsSchema, 'POST /issue/attachments');
      if (!first) throw new JiraRequestError(response.status, 'POST /issue/attachments', ['no attachment returned']);
      return first;
    },
    async transitionTo(key, statusName) {
      if ((await statusOf(key)) === statusName) return 'already_in_status';
      const { transitions } = await json(await send(http, 'GET /issue/transitions', route`/rest/api/3/issue/${key}/transitions`), transitionsSchema, 'GET /issue/transitions');
      const match = transitions.find((t) => t.to.name === statusName);
      if (!match) throw new JiraTransitionUnavailable(key, statusName, transitions.map((t) => t.to.name));
      await send(http, 'POST /issue/transitions', route`/rest/api/3/issue/${key}/transitions`, jsonInit('POST', { transition: { id: match.id } }));
      return 'transitioned';
    },
    async isInProjectRole(projectKey, roleName, accountId) {
      const roles = await json(await send(http, 'GET /project/role', route`/rest/api/3/project/${projectKey}/role`), rolesSchema, 'GET /project/role');
      const url = Object.entries(roles).find(([name]) => name === roleName)?.[1];
      const roleId = url?.split('/').pop();
      if (!roleId) return false;
      const role = await json(await send(http, 'GET /project/role/id', route`/rest/api/3/project/${projectKey}/role/${roleId}`), roleSchema, 'GET /project/role/id');
      if (role.actors.some((a) => a.actorUser?.accountId === accountId)) return true;
      const roleGroups = role.actors.map((a) => a.actorGroup?.name ?? a.actorGroup?.displayName).filter((g): g is string => !!g);
      if (roleGroups.length === 0) return false;
      const userGroups = await groupsOf(accountId);
      return roleGroups.some((g) => userGroups.includes(g));
    },
    getUserGroups: groupsOf,
    async isJiraAdmin(accountId) {
      const response = await send(http, 'POST /permissions/check', route`/rest/api/3/permissions/check`, jsonInit('POST', { accountId, globalPermissions: ['ADMINISTER'] }));
      const granted = await json(response, z.object({ globalPermissions: z.array(z.string()).default([]) }), 'POST /permissions/check');
      return granted.globalPermissions.includes('ADMINISTER');
    },
    async editLabels(key, add, remove) {
      const update = { labels: [...add.map((l) => ({ add: l })), ...remove.map((l) => ({ remove: l }))] };
      await send(http, 'PUT /issue', route`/rest/api/3/issue/${key}`, jsonInit('PUT', { update }));
    },
    async searchIssueKeys(jql) {
      const keys: string[] = [];
      let nextPageToken: string | undefined;
      do {
        const response = await send(http, 'POST /search/jql', route`/rest/api/3/search/jql`, jsonInit('POST', { jql, fields: ['key'], maxResults: 100, ...(nextPageToken ? { nextPageToken } : {}) }));
        const page = await json(response, searchSchema, 'POST /search/jql');
        keys.push(...page.issues.map((i) => i.key));
        nextPageToken = page.nextPageToken;
      } while (nextPageToken);
      return keys;
    },
    async createIssue(input) {
      const body = { fields: { project: { key: input.projectKey }, issuetype: { name: input.issueType }, summary: input.summary, ...input.fields } };
      return json(await send(http, 'POST /issue', route`/rest/api/3/issue`, jsonInit('POST', body)), z.object({ key: z.string() }), 'POST /issue');
    },
    async setIssueProperty(key, property, value) {
      await send(http, 'PUT /issue/properties', route`/rest/api/3/issue/${key}/properties/${property}`, jsonInit('PUT', value));
    },
  };
}

/** Production: requests as the app through Forge's product proxy. */
export function createAppJira(): JiraPort & IntakeJira {
  return createJiraAdapter((path, init) => api.asApp().requestJira(path, init) as Promise<JiraResponse>);
}
