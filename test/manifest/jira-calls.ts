import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AST_NODE_TYPES, parse, simpleTraverse, type TSESTree } from '@typescript-eslint/typescript-estree';
import { type JiraOperation, jiraOperation } from '../../sandbox/jira/scopes';

/**
 * The Jira calls the app's source makes, found the way Forge's linter finds them (a `requestJira` call whose
 * first argument is a route literal and whose options name a literal `method`), plus the principal: the
 * requester the call is made on is named `app` (`api.asApp()`) or `user` (`api.asUser()`).
 */

export interface JiraCall {
  file: string;
  line: number;
  principal: 'app' | 'user' | 'unknown';
  method: string;
  /** The route with each `${…}` as `{}` and without its query string. */
  path: string;
  /** False when the linter could not read the route or method (a non-literal argument). */
  visible: boolean;
}

const REPO_ROOT = join(__dirname, '..', '..');

export function sourceFiles(dir = join(REPO_ROOT, 'src')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

function routeOf(node: TSESTree.Node | undefined): string | null {
  const quasi =
    node?.type === AST_NODE_TYPES.TaggedTemplateExpression
      ? node.quasi
      : node?.type === AST_NODE_TYPES.TemplateLiteral
        ? node
        : null;
  if (quasi)
    return quasi.quasis
      .map((q) => q.value.cooked)
      .join('{}')
      .replace(/\?.*$/, '');
  return node?.type === AST_NODE_TYPES.Literal && typeof node.value === 'string'
    ? node.value.replace(/\?.*$/, '')
    : null;
}

function methodOf(node: TSESTree.Node | undefined): string | null {
  if (node === undefined) return 'GET';
  if (node.type !== AST_NODE_TYPES.ObjectExpression) return null;
  const prop = node.properties.find(
    (p): p is TSESTree.Property =>
      p.type === AST_NODE_TYPES.Property && p.key.type === AST_NODE_TYPES.Identifier && p.key.name === 'method',
  );
  if (!prop) return 'GET';
  return prop.value.type === AST_NODE_TYPES.Literal && typeof prop.value.value === 'string'
    ? prop.value.value.toUpperCase()
    : null;
}

export function jiraCallsIn(file: string): JiraCall[] {
  const ast = parse(readFileSync(file, 'utf8'), { loc: true, jsx: file.endsWith('.tsx') });
  const calls: JiraCall[] = [];
  simpleTraverse(ast, {
    enter(node) {
      if (node.type !== AST_NODE_TYPES.CallExpression) return;
      const callee = node.callee;
      const name =
        callee.type === AST_NODE_TYPES.MemberExpression && callee.property.type === AST_NODE_TYPES.Identifier
          ? callee.property.name
          : callee.type === AST_NODE_TYPES.Identifier
            ? callee.name
            : null;
      if (name !== 'requestJira') return;
      const target =
        callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier
          ? callee.object.name
          : null;
      const path = routeOf(node.arguments[0]);
      const method = methodOf(node.arguments[1]);
      calls.push({
        file: relative(REPO_ROOT, file),
        line: node.loc.start.line,
        principal: target === 'app' || target === 'user' ? target : 'unknown',
        method: method ?? '?',
        path: path ?? '?',
        visible: path !== null && method !== null,
      });
    },
  });
  return calls;
}

export const allJiraCalls = (): JiraCall[] => sourceFiles().flatMap(jiraCallsIn);

/** The spec's operation for a method and a path as the source writes it (each `${…}` as `{}`). */
export function operationFor(method: string, path: string): JiraOperation | null {
  return jiraOperation(method, path.replace(/\{\}/g, 'x'));
}
