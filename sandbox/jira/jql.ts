import type { Issue, JiraState } from './state';

/**
 * The JQL the app sends: clauses joined by AND — `project = KEY`, `status = "Name"`, `key in (A-1, A-2)`,
 * `labels = x`, `issue.property[prop].path = value` — and an optional `ORDER BY created ASC|DESC`.
 * Anything else is refused the way Jira refuses a query it cannot parse.
 */
type Clause = (issue: Issue) => boolean;

const unquote = (v: string) => v.trim().replace(/^"(.*)"$/, '$1');

function clause(text: string, state: JiraState): Clause | null {
  let m = /^project\s*=\s*(\S+)$/i.exec(text);
  if (m) return (i) => i.projectKey === unquote(m![1] as string);
  m = /^status\s*=\s*(.+)$/i.exec(text);
  if (m) return (i) => i.status === unquote(m![1] as string);
  m = /^key\s+in\s*\(([^)]*)\)$/i.exec(text);
  if (m) {
    const keys = (m[1] as string).split(',').map(unquote);
    return (i) => keys.includes(i.key);
  }
  m = /^labels\s*=\s*(.+)$/i.exec(text);
  if (m) return (i) => i.labels.includes(unquote(m![1] as string));
  m = /^issue\.property\[([\w.-]+)\]\.([\w.]+)\s*=\s*(.+)$/i.exec(text);
  if (m) {
    const [, prop, path, raw] = m as unknown as [string, string, string, string];
    const expected = unquote(raw);
    if (!state.indexedProperties.has(`${prop}.${path}`)) return () => false;
    return (i) => {
      let value: unknown = i.properties[prop];
      for (const part of path.split('.'))
        value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
      return value !== undefined && String(value) === expected;
    };
  }
  return null;
}

export function searchIssues(state: JiraState, jql: string, actor: string): { issues: Issue[] } | { error: string } {
  const [where, order] = jql.split(/\s+ORDER\s+BY\s+/i) as [string, string | undefined];
  const clauses: Clause[] = [];
  for (const part of where
    .split(/\s+AND\s+/i)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const c = clause(part, state);
    if (!c) return { error: `Error in the JQL Query: the sandbox cannot parse '${part}'.` };
    clauses.push(c);
  }
  const issues = [...state.issues.values()].filter(
    (i) => state.canBrowse(actor, i.projectKey) && clauses.every((c) => c(i)),
  );
  if (order && !/^created(\s+(ASC|DESC))?$/i.test(order.trim()))
    return { error: `Error in the JQL Query: cannot order by '${order}'.` };
  issues.sort((a, b) => a.created.localeCompare(b.created) || Number(a.id) - Number(b.id));
  if (order && /DESC/i.test(order)) issues.reverse();
  return { issues };
}
