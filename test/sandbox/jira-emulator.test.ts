import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import api, { route } from '@forge/api';
import { DEMO_USERS, DSAR_FIELDS, createDemoState } from '../../sandbox/jira/demo-seed';
import { type JiraEmulator, startJiraEmulator } from '../../sandbox/jira/server';
import { APP_ACCOUNT_ID, type Issue, type JiraEvent, statusId } from '../../sandbox/jira/state';
import { ForgePlatform } from '../../sandbox/forge/runtime';
import { createVirtualClock } from '../../sandbox/virtual-date';

/**
 * The Jira Cloud REST emulator, exercised over real HTTP on its loopback port: shapes, the JQL subset the
 * app sends, ADF comments, byte-exact attachments behind the XSRF header, transitions and the product events
 * they emit, issue properties, and Jira's permission and error behaviour.
 */

const REPO_ROOT = join(__dirname, '..', '..');
const START = Date.parse('2026-11-25T09:00:00Z');
const { requester, officer, outsider } = DEMO_USERS;

let nowMs = START;
let jira: JiraEmulator;

beforeEach(async () => {
  nowMs = START;
  jira = await startJiraEmulator(createDemoState(() => new Date(nowMs)));
});

afterEach(async () => {
  await jira.close();
});

/** Opens a DSAR ticket directly in the emulator's state, one minute after the previous one. */
function openTicket(summary: string, fields: Record<string, unknown> = {}): Issue {
  nowMs += 60_000;
  return jira.state.createIssue({
    projectKey: 'DSAR',
    issueType: 'DSAR request',
    summary,
    reporter: requester.accountId,
    fields,
  });
}

type Json = Record<string, unknown>;

async function call(
  method: string,
  path: string,
  actor: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Json; text: string }> {
  const h: Record<string, string> = { ...headers };
  if (actor !== null) h['x-sandbox-actor'] = actor;
  if (body !== undefined) h['content-type'] = 'application/json';
  const response = await fetch(`${jira.url}${path}`, {
    method,
    headers: h,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let json: Json = {};
  try {
    json = text ? (JSON.parse(text) as Json) : {};
  } catch {
    json = {};
  }
  return { status: response.status, json, text };
}

async function search(
  jql: string,
  actor = 'app',
  extra: Json = {},
): Promise<{ status: number; json: Json; keys: string[] }> {
  const r = await call('POST', '/rest/api/3/search/jql', actor, { jql, fields: ['key'], ...extra });
  const issues = (r.json.issues as Array<{ key: string }> | undefined) ?? [];
  return { status: r.status, json: r.json, keys: issues.map((i) => i.key) };
}

/** multipart/form-data with one `file` part, built byte by byte as the app does (RFC 7578). */
function multipart(filename: string, bytes: Buffer, mimeType: string): { body: Buffer; contentType: string } {
  const boundary = `test-boundary-${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${mimeType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, bytes, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const adfDoc = (...paragraphs: string[]) => ({
  type: 'doc',
  version: 1,
  content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
});

describe('Jira emulator: GET issue', () => {
  it('returns id, key and Jira-shaped fields (status, reporter, project, issuetype, labels, attachments, dates, custom fields)', async () => {
    const issue = openTicket('Erasure request: Ada Lovelace', {
      [DSAR_FIELDS.email]: 'ada@example.org',
      [DSAR_FIELDS.fullName]: 'Ada Lovelace',
    });
    const r = await call('GET', `/rest/api/3/issue/${issue.key}`, 'app');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      id: issue.id,
      key: issue.key,
      fields: {
        summary: 'Erasure request: Ada Lovelace',
        status: { name: 'Open', id: statusId('Open'), statusCategory: { key: 'indeterminate' } },
        reporter: { accountId: requester.accountId, displayName: requester.displayName },
        project: { key: 'DSAR', id: '10100' },
        issuetype: { name: 'DSAR request' },
        labels: [],
        attachment: [],
        created: new Date(nowMs).toISOString(),
        updated: new Date(nowMs).toISOString(),
        [DSAR_FIELDS.email]: 'ada@example.org',
        [DSAR_FIELDS.fullName]: 'Ada Lovelace',
      },
    });
  });

  it('returns only the requested fields, with null for an unset custom field', async () => {
    const issue = openTicket('Erasure request', { [DSAR_FIELDS.email]: 'x@example.org' });
    const r = await call(
      'GET',
      `/rest/api/3/issue/${issue.key}?fields=summary,${DSAR_FIELDS.email},${DSAR_FIELDS.phones}`,
      'app',
    );
    expect(r.status).toBe(200);
    expect(r.json.fields).toEqual({
      summary: 'Erasure request',
      [DSAR_FIELDS.email]: 'x@example.org',
      [DSAR_FIELDS.phones]: null,
    });
  });

  it("answers an unknown issue with 404 and exactly Jira's error body", async () => {
    const r = await call('GET', '/rest/api/3/issue/DSAR-999', 'app');
    expect(r.status).toBe(404);
    expect(r.json).toEqual({
      errorMessages: ['Issue does not exist or you do not have permission to see it.'],
      errors: {},
    });
  });
});

describe('Jira emulator: JQL search (the subset the app sends)', () => {
  it('filters by project and by status (quoted, with spaces), in created order', async () => {
    const a = openTicket('A');
    const b = openTicket('B');
    const c = openTicket('C');
    jira.state.transition(b, 'Erasure in progress', officer.accountId);
    expect((await search('project = DSAR')).keys).toEqual([a.key, b.key, c.key]);
    expect((await search('project = DSAR AND status = "Erasure in progress"')).keys).toEqual([b.key]);
    expect((await search('project = DSAR AND status = Open')).keys).toEqual([a.key, c.key]);
  });

  it('supports key in (…), labels = x and ORDER BY created ASC|DESC', async () => {
    const a = openTicket('A');
    const b = openTicket('B');
    const c = openTicket('C');
    c.labels.push('erasure-desk');
    a.labels.push('erasure-desk');
    expect((await search(`key in (${a.key}, ${c.key})`)).keys).toEqual([a.key, c.key]);
    expect((await search(`key in (${a.key}, ${b.key}, ${c.key}) ORDER BY created DESC`)).keys).toEqual([
      c.key,
      b.key,
      a.key,
    ]);
    expect((await search('labels = erasure-desk ORDER BY created ASC')).keys).toEqual([a.key, c.key]);
  });

  it('matches issue.property[prop].path = value against a property set over REST', async () => {
    // Indexed, as a jira:entityProperty module would have them.
    jira.state.indexedProperties.add('erasure-desk.phase');
    jira.state.indexedProperties.add('erasure-desk.round');
    const a = openTicket('A');
    const b = openTicket('B');
    const put = await call('PUT', `/rest/api/3/issue/${a.key}/properties/erasure-desk`, 'app', {
      phase: 'erasing',
      round: 2,
    });
    expect(put.status).toBeLessThan(300);
    await call('PUT', `/rest/api/3/issue/${b.key}/properties/erasure-desk`, 'app', { phase: 'done', round: 1 });
    expect((await search('project = DSAR AND issue.property[erasure-desk].phase = "erasing"')).keys).toEqual([a.key]);
    expect((await search('issue.property[erasure-desk].round = 1')).keys).toEqual([b.key]);
  });

  it('finds nothing by an issue property path no jira:entityProperty module indexes, as Jira', async () => {
    const a = openTicket('A');
    await call('PUT', `/rest/api/3/issue/${a.key}/properties/erasure-desk`, 'app', { phase: 'erasing' });
    expect((await search('issue.property[erasure-desk].phase = "erasing"')).keys).toEqual([]);
    jira.state.indexedProperties.add('erasure-desk.phase');
    expect((await search('issue.property[erasure-desk].phase = "erasing"')).keys).toEqual([a.key]);
  });

  it('pages with maxResults and nextPageToken, returning every match exactly once', async () => {
    const keys = Array.from({ length: 7 }, (_, i) => openTicket(`T${i}`).key);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await search('project = DSAR', 'app', { maxResults: 3, ...(token ? { nextPageToken: token } : {}) });
      expect(page.status).toBe(200);
      seen.push(...page.keys);
      pages += 1;
      if (page.json.isLast === true) {
        expect(page.json.nextPageToken).toBeUndefined();
        break;
      }
      token = page.json.nextPageToken as string;
      expect(typeof token).toBe('string');
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
  });

  it("refuses JQL it cannot parse with 400 and Jira's error body", async () => {
    const r = await search('project = DSAR OR summary ~ "x"');
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual({});
    expect(r.json.errorMessages).toEqual([expect.stringContaining('Error in the JQL Query')]);
    const badOrder = await search('project = DSAR ORDER BY summary');
    expect(badOrder.status).toBe(400);
    expect(badOrder.json.errorMessages).toEqual([expect.stringContaining('cannot order by')]);
  });

  it('returns only issues the searching user may browse', async () => {
    const a = openTicket('A');
    expect((await search('project = DSAR', officer.accountId)).keys).toEqual([a.key]);
    expect((await search('project = DSAR', requester.accountId)).keys).toEqual([a.key]);
    const hidden = await search('project = DSAR', outsider.accountId);
    expect(hidden.status).toBe(200);
    expect(hidden.keys).toEqual([]);
  });
});

describe('Jira emulator: comments', () => {
  it('stores an ADF comment and reads it back with the same body, author and time', async () => {
    const issue = openTicket('Commented');
    const body = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Erasure record' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Amiqus: ', marks: [{ type: 'strong' }] },
            { type: 'text', text: 'deleted' },
            { type: 'hardBreak' },
            { type: 'text', text: 'Ada: done' },
          ],
        },
        {
          type: 'bulletList',
          content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }] }],
        },
      ],
    };
    const posted = await call('POST', `/rest/api/3/issue/${issue.key}/comment`, officer.accountId, { body });
    expect(posted.status).toBe(201);
    expect(posted.json).toEqual({
      id: expect.any(String),
      created: new Date(nowMs).toISOString(),
      author: { accountId: officer.accountId },
      body,
    });

    const read = await call('GET', `/rest/api/3/issue/${issue.key}/comment`, 'app');
    expect(read.status).toBe(200);
    expect(read.json.total).toBe(1);
    expect(read.json.comments).toEqual([posted.json]);
    expect(jira.state.issues.get(issue.key)?.comments[0]?.text).toBe(
      'Erasure record\nAmiqus: deleted\nAda: done\n- one\n',
    );
  });

  it("attributes a comment posted by the app to the app's account", async () => {
    const issue = openTicket('App comment');
    const posted = await call('POST', `/rest/api/3/issue/${issue.key}/comment`, 'app', {
      body: adfDoc('from the app'),
    });
    expect(posted.status).toBe(201);
    expect(posted.json.author).toEqual({ accountId: APP_ACCOUNT_ID });
  });

  it('refuses a body that is not ADF with 400 and stores nothing', async () => {
    const issue = openTicket('Plain text');
    for (const body of [
      'plain text',
      { type: 'doc', version: 2, content: [] },
      { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] },
      { type: 'doc', version: 1, content: [{ type: 'script' }] },
    ]) {
      const r = await call('POST', `/rest/api/3/issue/${issue.key}/comment`, 'app', { body });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ errorMessages: ['Comment body is not valid Atlassian Document Format.'], errors: {} });
    }
    expect(jira.state.issues.get(issue.key)?.comments).toEqual([]);
  });
});

describe('Jira emulator: attachments', () => {
  async function upload(key: string, bytes: Buffer, filename: string, mimeType: string, withToken: boolean) {
    const { body, contentType } = multipart(filename, bytes, mimeType);
    const headers: Record<string, string> = { 'x-sandbox-actor': 'app', 'content-type': contentType };
    if (withToken) headers['X-Atlassian-Token'] = 'no-check';
    const response = await fetch(`${jira.url}/rest/api/3/issue/${key}/attachments`, {
      method: 'POST',
      headers,
      body: new Uint8Array(body),
    });
    return { status: response.status, json: (await response.json()) as unknown };
  }

  it('with X-Atlassian-Token: no-check, stores the uploaded bytes exactly (sha256 sent = stored = downloaded)', async () => {
    const issue = openTicket('Attach');
    // Binary content that contains CRLFs, dashes and NULs, the bytes a sloppy multipart parser mangles.
    const bytes = Buffer.concat([
      randomBytes(4096),
      Buffer.from('\r\n--\r\n\r\n--test-boundary\r\n'),
      Buffer.alloc(16),
      randomBytes(1024),
      Buffer.from('\r\n'),
    ]);
    const sent = sha256(bytes);

    const r = await upload(issue.key, bytes, 'erasure-record.pdf', 'application/pdf', true);
    expect(r.status).toBe(200);
    const [meta] = r.json as Array<{ id: string; filename: string; size: number; mimeType: string; content: string }>;
    expect(meta).toMatchObject({ filename: 'erasure-record.pdf', size: bytes.length, mimeType: 'application/pdf' });

    const stored = jira.state.issues.get(issue.key)?.attachments ?? [];
    expect(stored).toHaveLength(1);
    expect(stored[0]?.sha256).toBe(sent);
    expect(sha256(stored[0]?.bytes ?? Buffer.alloc(0))).toBe(sent);

    const download = await fetch(`${jira.url}${meta?.content ?? ''}`, { headers: { 'x-sandbox-actor': 'app' } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(sent);
  });

  it("stores bytes exactly when the upload is built by fetch's own FormData (undici's boundary and headers)", async () => {
    const issue = openTicket('FormData');
    const bytes = Buffer.concat([randomBytes(2048), Buffer.from('\r\n------formdata-undici-0\r\n'), randomBytes(512)]);
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'text/csv' }), 'rows.csv');
    const response = await fetch(`${jira.url}/rest/api/3/issue/${issue.key}/attachments`, {
      method: 'POST',
      headers: { 'x-sandbox-actor': officer.accountId, 'X-Atlassian-Token': 'no-check' },
      body: form,
    });
    expect(response.status).toBe(200);
    const stored = jira.state.issues.get(issue.key)?.attachments[0];
    expect(stored).toMatchObject({
      filename: 'rows.csv',
      mimeType: 'text/csv',
      size: bytes.length,
      author: officer.accountId,
    });
    expect(sha256(stored?.bytes ?? Buffer.alloc(0))).toBe(sha256(bytes));
  });

  it("without X-Atlassian-Token, refuses the upload with 403 (Jira's XSRF check) and stores nothing", async () => {
    const issue = openTicket('No token');
    const r = await upload(issue.key, Buffer.from('%PDF-1.7 evidence'), 'record.pdf', 'application/pdf', false);
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ errorMessages: ['XSRF check failed'], errors: {} });
    expect(jira.state.issues.get(issue.key)?.attachments).toEqual([]);
  });

  it('refuses a body without a "file" part with 400', async () => {
    const issue = openTicket('Bad multipart');
    const response = await fetch(`${jira.url}/rest/api/3/issue/${issue.key}/attachments`, {
      method: 'POST',
      headers: { 'x-sandbox-actor': 'app', 'X-Atlassian-Token': 'no-check', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(jira.state.issues.get(issue.key)?.attachments).toEqual([]);
  });
});

describe('Jira emulator: transitions and product events', () => {
  it('gives every workflow status a distinct transition id', () => {
    const ids = jira.state.statuses.map(statusId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists a transition to every other status', async () => {
    const issue = openTicket('Workflow');
    const r = await call('GET', `/rest/api/3/issue/${issue.key}/transitions`, officer.accountId);
    expect(r.status).toBe(200);
    const transitions = r.json.transitions as Array<{ id: string; name: string; to: { name: string; id: string } }>;
    expect(transitions.map((t) => t.to.name)).toEqual(jira.state.statuses.filter((s) => s !== 'Open'));
    for (const t of transitions) expect(t.id).toBe(statusId(t.to.name));
  });

  it('lists the same transitions with an issue read when asked to expand them, and none otherwise', async () => {
    const issue = openTicket('Workflow');
    const listed = await call('GET', `/rest/api/3/issue/${issue.key}/transitions`, 'app');
    const read = await call('GET', `/rest/api/3/issue/${issue.key}?fields=status&expand=transitions`, 'app');
    expect(read.status).toBe(200);
    expect(read.json.transitions).toEqual(listed.json.transitions);
    expect((read.json.fields as { status: { name: string } }).status.name).toBe('Open');
    const plain = await call('GET', `/rest/api/3/issue/${issue.key}?fields=status`, 'app');
    expect(plain.json).not.toHaveProperty('transitions');
  });

  it('POST transition moves the status and emits avi:jira:updated:issue with a status changelog item', async () => {
    const issue = openTicket('Approve me');
    const received: JiraEvent[] = [];
    jira.state.onEvent((e) => {
      received.push(e);
    });
    await jira.state.drainEvents(); // the creation event
    received.length = 0;

    const list = await call('GET', `/rest/api/3/issue/${issue.key}/transitions`, officer.accountId);
    const approve = (list.json.transitions as Array<{ id: string; to: { name: string } }>).find(
      (t) => t.to.name === 'Approved',
    );
    expect(approve).toBeDefined();
    nowMs += 5_000;
    const moved = await call('POST', `/rest/api/3/issue/${issue.key}/transitions`, officer.accountId, {
      transition: { id: approve?.id },
    });
    expect(moved.status).toBe(204);
    expect(moved.text).toBe('');

    const after = await call('GET', `/rest/api/3/issue/${issue.key}?fields=status,updated`, 'app');
    expect(after.json.fields).toEqual({
      status: { name: 'Approved', id: statusId('Approved'), statusCategory: { key: 'indeterminate' } },
      updated: new Date(nowMs).toISOString(),
    });

    expect(await jira.state.drainEvents()).toBe(1);
    expect(received).toHaveLength(1);
    const event = received[0] as JiraEvent;
    expect(event.eventType).toBe('avi:jira:updated:issue');
    expect(event.causedByApp).toBe(false);
    expect(event.payload.atlassianId).toBe(officer.accountId);
    expect(event.payload.issue).toMatchObject({ key: issue.key, fields: { status: { name: 'Approved' } } });
    expect((event.payload.changelog as { items: unknown[] }).items).toEqual([
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: statusId('Open'),
        fromString: 'Open',
        to: statusId('Approved'),
        toString: 'Approved',
      },
    ]);
    expect(jira.state.pending).toHaveLength(0);
  });

  it("marks a transition made by the app as caused by the app, by the app's account", async () => {
    const issue = openTicket('App moves');
    await jira.state.drainEvents();
    const received: JiraEvent[] = [];
    jira.state.onEvent((e) => {
      received.push(e);
    });
    const moved = await call('POST', `/rest/api/3/issue/${issue.key}/transitions`, 'app', {
      transition: { id: statusId('Done') },
    });
    expect(moved.status).toBe(204);
    await jira.state.drainEvents();
    expect(received.map((e) => [e.eventType, e.causedByApp, e.payload.atlassianId])).toEqual([
      ['avi:jira:updated:issue', true, APP_ACCOUNT_ID],
    ]);
    expect(jira.state.issues.get(issue.key)?.history).toEqual([
      {
        at: new Date(nowMs).toISOString(),
        by: APP_ACCOUNT_ID,
        from: 'Open',
        to: 'Done',
        changelogId: expect.any(String),
      },
    ]);
  });

  it("answers an invalid transition id with 400 and Jira's error body, changing nothing", async () => {
    const issue = openTicket('Stay put');
    await jira.state.drainEvents();
    for (const id of ['1', statusId('Open')]) {
      const r = await call('POST', `/rest/api/3/issue/${issue.key}/transitions`, officer.accountId, {
        transition: { id },
      });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ errorMessages: [`Transition id '${id}' is not valid for this issue.`], errors: {} });
    }
    expect(jira.state.issues.get(issue.key)?.status).toBe('Open');
    expect(jira.state.pending).toHaveLength(0);
  });
});

describe('Jira emulator: issue properties', () => {
  it('PUT stores the JSON value on the issue and a second PUT replaces it', async () => {
    const issue = openTicket('Props');
    const first = await call('PUT', `/rest/api/3/issue/${issue.key}/properties/erasure-desk`, 'app', {
      phase: 'approved',
      providers: ['amiqus', 'ada'],
    });
    expect(first.status).toBeGreaterThanOrEqual(200);
    expect(first.status).toBeLessThan(300);
    expect(jira.state.issues.get(issue.key)?.properties['erasure-desk']).toEqual({
      phase: 'approved',
      providers: ['amiqus', 'ada'],
    });
    await call('PUT', `/rest/api/3/issue/${issue.key}/properties/erasure-desk`, 'app', { phase: 'done' });
    expect(jira.state.issues.get(issue.key)?.properties['erasure-desk']).toEqual({ phase: 'done' });
  });

  it('GET reads a property back as Jira does ({key, value}), by issue key or numeric id, and 404s an unknown one', async () => {
    const issue = openTicket('Props read');
    await call('PUT', `/rest/api/3/issue/${issue.key}/properties/erasure-desk`, 'app', { phase: 'approved' });
    const byKey = await call('GET', `/rest/api/3/issue/${issue.key}/properties/erasure-desk`, 'app');
    const byId = await call('GET', `/rest/api/3/issue/${issue.id}/properties/erasure-desk`, 'app');
    expect(byKey).toMatchObject({ status: 200, json: { key: 'erasure-desk', value: { phase: 'approved' } } });
    expect(byId.json).toEqual(byKey.json);
    expect((await call('GET', `/rest/api/3/issue/${issue.key}/properties/nothing`, 'app')).status).toBe(404);
  });

  it('refuses PUT on an issue the user cannot browse with 404', async () => {
    const issue = openTicket('Hidden props');
    const r = await call('PUT', `/rest/api/3/issue/${issue.key}/properties/erasure-desk`, outsider.accountId, {
      phase: 'x',
    });
    expect(r.status).toBe(404);
    expect(jira.state.issues.get(issue.key)?.properties).toEqual({});
  });
});

describe('Jira emulator: principals and permissions', () => {
  it('refuses a request without a known principal with 401', async () => {
    const issue = openTicket('Auth');
    for (const actor of [null, '712020:nobody']) {
      const r = await call('GET', `/rest/api/3/issue/${issue.key}`, actor);
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ errorMessages: ['Client must be authenticated to access this resource.'], errors: {} });
    }
  });

  it("hides an issue from a user outside the project's browse groups (404 on read, comment, transition)", async () => {
    const issue = openTicket('Private');
    const notFound = { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} };
    const get = await call('GET', `/rest/api/3/issue/${issue.key}`, outsider.accountId);
    expect(get.status).toBe(404);
    expect(get.json).toEqual(notFound);
    const comment = await call('POST', `/rest/api/3/issue/${issue.key}/comment`, outsider.accountId, {
      body: adfDoc('hi'),
    });
    expect(comment.status).toBe(404);
    expect(comment.json).toEqual(notFound);
    const transitions = await call('GET', `/rest/api/3/issue/${issue.key}/transitions`, outsider.accountId);
    expect(transitions.status).toBe(404);
    const move = await call('POST', `/rest/api/3/issue/${issue.key}/transitions`, outsider.accountId, {
      transition: { id: statusId('Approved') },
    });
    expect(move.status).toBe(404);
    expect(jira.state.issues.get(issue.key)?.status).toBe('Open');
    expect(jira.state.issues.get(issue.key)?.comments).toEqual([]);
    // The same issue is visible to a member of a browse group.
    expect((await call('GET', `/rest/api/3/issue/${issue.key}`, requester.accountId)).status).toBe(200);
  });

  it("reports a user's groups and a project role's actors", async () => {
    const groups = await call(
      'GET',
      `/rest/api/3/user/groups?accountId=${encodeURIComponent(officer.accountId)}`,
      'app',
    );
    expect(groups.status).toBe(200);
    expect(groups.json).toEqual([
      { name: 'jira-users', groupId: 'jira-users' },
      { name: 'privacy-officers', groupId: 'privacy-officers' },
    ]);
    const role = await call('GET', '/rest/api/3/project/DSAR/role/10200', 'app');
    expect(role.status).toBe(200);
    expect(role.json).toEqual({
      id: 10200,
      name: 'Privacy Officer',
      actors: [
        {
          type: 'atlassian-group-role-actor',
          actorGroup: { name: 'privacy-officers', displayName: 'privacy-officers' },
        },
      ],
    });
    expect((await call('GET', '/rest/api/3/project/NOPE/role', 'app')).status).toBe(404);
  });

  it("answers an endpoint it does not emulate with 404 in Jira's error shape", async () => {
    const r = await call('GET', '/rest/api/3/serverInfo', 'app');
    expect(r.status).toBe(404);
    expect(r.json.errors).toEqual({});
    expect(r.json.errorMessages).toEqual([expect.stringContaining('No such endpoint')]);
  });
});

describe('Jira emulator behind the Forge runtime', () => {
  it('receives @forge/api asApp() calls as the app, and asUser() calls as the invoking user', async () => {
    const issue = openTicket('Through Forge');
    const clock = createVirtualClock(START);
    const platform = new ForgePlatform({ repoRoot: REPO_ROOT, jiraBaseUrl: jira.url, clock }).install();
    try {
      const asApp = await api.asApp().requestJira(route`/rest/api/3/issue/${issue.key}/comment`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ body: adfDoc('as app') }),
      });
      expect(asApp.status).toBe(201);
      expect(((await asApp.json()) as { author: unknown }).author).toEqual({ accountId: APP_ACCOUNT_ID });

      const asUser = await api.asUser(outsider.accountId).requestJira(route`/rest/api/3/issue/${issue.key}`);
      expect(asUser.status).toBe(404);
      expect([...platform.jiraCalls.values()].reduce((n, c) => n + c, 0)).toBe(2);
    } finally {
      platform.uninstall();
    }
  });
});
