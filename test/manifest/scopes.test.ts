import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { allJiraCalls, operationFor, sourceFiles } from './jira-calls';

/**
 * The scope and permission table, derived from the source so it cannot drift: every Jira call the app makes,
 * its operation in Jira's OpenAPI file, that operation's OAuth scopes, and the principal it runs as. The
 * manifest must declare exactly the scopes these calls (and the app's other Forge APIs) need, no more.
 */

const REPO_ROOT = join(__dirname, '..', '..');
const manifest = parse(readFileSync(join(REPO_ROOT, 'manifest.yml'), 'utf8')) as { permissions: { scopes: string[] } };
const calls = allJiraCalls();
const table = calls.map((c) => ({ ...c, operation: operationFor(c.method, c.path) }));

/**
 * Who each operation runs as, and why. Adding a Jira call without a row here fails the test below.
 * Checks of a user's own rights run as that user; the bulk check for another account (POST
 * /rest/api/3/permissions/check) needs Administer Jira, which an app does not hold, and is never used.
 */
const EXPECTED: Record<string, 'app' | 'user' | 'app+user'> = {
  getIssue: 'app+user', // the workflow reads DSAR tickets as the app; the panel asks which issue the user can see
  editIssue: 'app',
  createIssue: 'app',
  addComment: 'app',
  addAttachment: 'app',
  doTransition: 'app',
  setIssueProperty: 'app',
  searchAndReconsileIssuesUsingJqlPost: 'app',
  getProjectRoles: 'app', // a role's actors: needs Administer Projects, which a site may withhold (403 → message)
  getProjectRole: 'app',
  getUserGroups: 'app', // the approver's groups in the trigger (no user to act as); 403 → message
  getMyPermissions: 'user', // the admin page: Administer Jira, for the calling user
  getCurrentUser: 'user', // the panel: the calling user's own groups
  getFields: 'app', // the admin page's field pickers
  getStatuses: 'app', // the admin page's status pickers
  getChangeLogs: 'app', // the daily watch: who moved an approved ticket there, when its event never arrived
  getComments: 'app', // a step finished after a crash: did its comment go out before it?
};

/** Forge APIs other than product REST calls, and the scopes their docs require. */
const PLATFORM_SCOPES: Array<{ uses: RegExp; scope: string; source: string }> = [
  {
    uses: /from '@forge\/kvs'/,
    scope: 'storage:app',
    source: 'https://developer.atlassian.com/platform/forge/runtime-reference/storage-api/',
  },
  {
    uses: /privacy\.reportPersonalData\(/,
    scope: 'report:personal-data',
    source: 'https://developer.atlassian.com/platform/forge/user-privacy-guidelines/',
  },
];

describe('the scope and permission table', () => {
  it('finds every Jira call, each visible to Forge’s linter (literal route and method)', () => {
    expect(calls.length).toBeGreaterThanOrEqual(16);
    expect(calls.filter((c) => !c.visible)).toEqual([]);
  });

  it('maps every call to an operation in jira-platform-openapi.json and a known principal', () => {
    expect(table.filter((c) => c.operation === null).map((c) => `${c.file}:${c.line} ${c.method} ${c.path}`)).toEqual(
      [],
    );
    expect(table.filter((c) => c.principal === 'unknown').map((c) => `${c.file}:${c.line}`)).toEqual([]);
  });

  it('runs each operation as the principal the table gives, and never checks another user’s rights as the app', () => {
    const derived: Record<string, Set<string>> = {};
    for (const c of table) (derived[c.operation?.operationId ?? '?'] ??= new Set()).add(c.principal);
    const asTable = Object.fromEntries(Object.entries(derived).map(([op, who]) => [op, [...who].sort().join('+')]));
    expect(asTable).toEqual(EXPECTED);
    expect(table.some((c) => c.operation?.operationId === 'getBulkPermissions')).toBe(false);
  });

  it('declares exactly the scopes those calls and the platform APIs need', () => {
    const source = sourceFiles()
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const needed = new Set(table.flatMap((c) => c.operation?.scopes ?? []));
    for (const p of PLATFORM_SCOPES) if (p.uses.test(source)) needed.add(p.scope);
    expect([...manifest.permissions.scopes].sort()).toEqual([...needed].sort());
  });
});
