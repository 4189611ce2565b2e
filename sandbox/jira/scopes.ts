import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which OAuth scopes a Jira REST operation needs, read from Jira's own OpenAPI file (each operation's
 * `x-atlassian-oauth2-scopes`, state "Current"). A Forge app's calls are authorised against the scopes its
 * manifest declares; a call outside them is refused with 401 "Unauthorized; scope does not match"
 * (https://developer.atlassian.com/platform/forge/manifest-reference/scopes-product-jira/,
 * https://developer.atlassian.com/cloud/jira/platform/scopes-for-oauth-2-3LO-and-forge-apps/).
 */

export const JIRA_SPEC_FILE = join(__dirname, '..', '..', '..', 'shared', 'specs', 'jira-platform-openapi.json');

export interface JiraOperation {
  operationId: string;
  template: string;
  scopes: string[];
}

type Spec = {
  paths: Record<
    string,
    Record<string, { operationId?: string; 'x-atlassian-oauth2-scopes'?: Array<{ scopes: string[]; state: string }> }>
  >;
};
let table: Array<{ method: string; regex: RegExp; params: number; op: JiraOperation }> | null = null;

function load(): NonNullable<typeof table> {
  const spec = JSON.parse(readFileSync(JIRA_SPEC_FILE, 'utf8')) as Spec;
  const rows: NonNullable<typeof table> = [];
  for (const [template, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const scopes = (op['x-atlassian-oauth2-scopes'] ?? [])
        .filter((s) => s.state === 'Current')
        .flatMap((s) => s.scopes);
      const regex = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      rows.push({
        method: method.toUpperCase(),
        regex,
        params: template.split('{').length - 1,
        op: { operationId: op.operationId ?? `${method} ${template}`, template, scopes },
      });
    }
  }
  // Literal segments win over parameters (`/issue/picker` before `/issue/{issueIdOrKey}`), as Jira routes them.
  return rows.sort((a, b) => a.params - b.params);
}

const seen = new Map<string, JiraOperation | null>();

export function jiraOperation(method: string, pathname: string): JiraOperation | null {
  const key = `${method.toUpperCase()} ${pathname}`;
  if (!seen.has(key)) {
    table ??= load();
    seen.set(key, table.find((r) => r.method === method.toUpperCase() && r.regex.test(pathname))?.op ?? null);
  }
  return seen.get(key) ?? null;
}
