import { DSAR_WORKFLOW } from '../../../sandbox/jira/state';
import {
  type AdfDocument,
  type IntakeJira,
  type IssueSnapshot,
  type JiraPort,
  JiraTransitionUnavailable,
} from '../../../src/app/ports';

/**
 * A Jira in memory that behaves like the parts of Jira the app uses: tickets with a status that moves only
 * to statuses of the workflow, comments, attachments, labels, issue properties, project roles, groups and
 * the Administer permission. Fields come back only when asked for, as in REST v3.
 */

interface Ticket {
  key: string;
  projectKey: string;
  issueType: string;
  status: string;
  reporter: string | null;
  fields: Record<string, unknown>;
  comments: AdfDocument[];
  /** When each comment was posted (ISO 8601), by the clock the world gave. */
  commentTimes: string[];
  attachments: Array<{ id: string; filename: string; bytes: Uint8Array; mediaType: string }>;
  labels: Set<string>;
  properties: Map<string, unknown>;
}

/** The same workflow as the sandbox's Jira. */
const WORKFLOW = DSAR_WORKFLOW;

/** A comment's words, for assertions: text nodes joined, one line per block. */
export function adfText(doc: AdfDocument): string {
  const walk = (node: unknown): string => {
    if (node === null || typeof node !== 'object') return '';
    const n = node as { type?: string; text?: string; content?: unknown[] };
    return (n.text ?? '') + (n.content ?? []).map(walk).join(n.type === 'paragraph' ? '' : '\n');
  };
  return doc.content.map(walk).join('\n');
}

export class MemoryJira implements JiraPort, IntakeJira {
  constructor(private readonly now: () => Date = () => new Date()) {}

  readonly tickets = new Map<string, Ticket>();
  readonly roles = new Map<string, Set<string>>();
  readonly groups = new Map<string, string[]>();
  readonly admins = new Set<string>();
  /** Calls that fail once, by operation name, to simulate Jira being unavailable mid-way. */
  readonly failNext = new Set<'addComment' | 'attachFile' | 'transitionTo'>();
  /** Calls that take effect once and then throw: the invocation died before it learnt of the answer. */
  readonly dieAfterNext = new Set<'addComment' | 'attachFile'>();
  /** Issue reads by ticket, as Jira would count the app's GET issue requests. */
  readonly reads = new Map<string, number>();
  /** Statuses this site's workflow lacks (a test takes one out to see the app cope). */
  readonly removedStatuses = new Set<string>();
  private nextId = 1;

  addTicket(input: {
    projectKey?: string;
    issueType?: string;
    status?: string;
    reporter?: string | null;
    fields: Record<string, unknown>;
  }): string {
    const projectKey = input.projectKey ?? 'DSAR';
    const key = `${projectKey}-${this.nextId++}`;
    this.tickets.set(key, {
      key,
      projectKey,
      issueType: input.issueType ?? 'DSAR request',
      status: input.status ?? 'Open',
      reporter: input.reporter ?? null,
      fields: { ...input.fields },
      comments: [],
      commentTimes: [],
      attachments: [],
      labels: new Set(),
      properties: new Map(),
    });
    return key;
  }

  ticket(key: string): Ticket {
    const ticket = this.tickets.get(key);
    if (!ticket) throw new Error(`Issue does not exist or you do not have permission to see it: ${key}`);
    return ticket;
  }

  comments(key: string): string[] {
    return this.ticket(key).comments.map(adfText);
  }

  setStatus(key: string, status: string): void {
    this.ticket(key).status = status;
  }

  grantRole(projectKey: string, role: string, accountId: string): void {
    const id = `${projectKey}/${role}`;
    this.roles.set(id, new Set([...(this.roles.get(id) ?? []), accountId]));
  }

  private failing(op: 'addComment' | 'attachFile' | 'transitionTo'): void {
    if (this.failNext.delete(op)) throw new Error(`Jira ${op}: 503 Service Unavailable`);
  }

  async getIssue(key: string, fields: string[], options: { withTransitions?: boolean } = {}): Promise<IssueSnapshot> {
    const t = this.ticket(key);
    this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
    const all: Record<string, unknown> = {
      ...t.fields,
      status: { name: t.status },
      project: { key: t.projectKey },
      issuetype: { name: t.issueType },
      reporter: t.reporter ? { accountId: t.reporter } : null,
      labels: [...t.labels],
    };
    return {
      key,
      fields: structuredClone(Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]]))),
      ...(options.withTransitions
        ? { transitions: WORKFLOW.filter((s) => s !== t.status).map((s) => ({ id: s, to: s })) }
        : {}),
    };
  }

  async addComment(key: string, body: AdfDocument): Promise<{ id: string }> {
    this.failing('addComment');
    const t = this.ticket(key);
    t.comments.push(structuredClone(body));
    t.commentTimes.push(this.now().toISOString());
    if (this.dieAfterNext.delete('addComment')) throw new Error('invocation died after posting the comment');
    return { id: String(t.comments.length) };
  }

  async hasComment(key: string, text: string, since?: string): Promise<boolean> {
    const t = this.ticket(key);
    return t.comments.some(
      (c, i) => (since === undefined || (t.commentTimes[i] ?? '') >= since) && JSON.stringify(c).includes(text),
    );
  }

  async findAttachment(key: string, filename: string): Promise<{ id: string } | null> {
    const found = this.ticket(key).attachments.find((a) => a.filename === filename);
    return found ? { id: found.id } : null;
  }

  async attachFile(key: string, filename: string, bytes: Uint8Array, mediaType: string) {
    this.failing('attachFile');
    const t = this.ticket(key);
    const id = `att-${this.nextId++}`;
    t.attachments.push({ id, filename, bytes, mediaType });
    if (this.dieAfterNext.delete('attachFile')) throw new Error('invocation died after attaching the file');
    return { id, filename, size: bytes.byteLength };
  }

  async transitionTo(
    key: string,
    statusName: string,
    seen?: IssueSnapshot,
  ): Promise<'transitioned' | 'already_in_status'> {
    this.failing('transitionTo');
    const t = this.ticket(key);
    // As the adapter does: a read with transitions made moments ago is trusted for "already there".
    if (seen?.transitions && (seen.fields.status as { name?: string } | undefined)?.name === statusName)
      return 'already_in_status';
    if (t.status === statusName) return 'already_in_status';
    const workflow = WORKFLOW.filter((s) => !this.removedStatuses.has(s));
    if (!workflow.includes(statusName))
      throw new JiraTransitionUnavailable(
        key,
        statusName,
        workflow.filter((s) => s !== t.status),
      );
    t.status = statusName;
    return 'transitioned';
  }

  async isInProjectRole(projectKey: string, roleName: string, accountId: string): Promise<boolean> {
    return this.roles.get(`${projectKey}/${roleName}`)?.has(accountId) ?? false;
  }

  async getUserGroups(accountId: string): Promise<string[]> {
    return [...(this.groups.get(accountId) ?? [])];
  }

  async isJiraAdmin(accountId: string): Promise<boolean> {
    return this.admins.has(accountId);
  }

  async editLabels(key: string, add: string[], remove: string[]): Promise<void> {
    const t = this.ticket(key);
    add.forEach((l) => t.labels.add(l));
    remove.forEach((l) => t.labels.delete(l));
  }

  async searchIssueKeys(jql: string): Promise<string[]> {
    // The app searches by one issue property: `issue.property[<name>].<field> = <value>`.
    const m = /issue\.property\[(\w+)\]\.(\w+) = (\S+)/.exec(jql);
    if (!m) throw new Error(`unsupported JQL in the in-memory Jira: ${jql}`);
    const [, property, field, value] = m as unknown as [string, string, string, string];
    return [...this.tickets.values()]
      .filter((t) => String((t.properties.get(property) as Record<string, unknown> | undefined)?.[field]) === value)
      .map((t) => t.key);
  }

  async createIssue(input: {
    projectKey: string;
    issueType: string;
    summary: string;
    fields: Record<string, unknown>;
  }): Promise<{ key: string }> {
    return {
      key: this.addTicket({
        projectKey: input.projectKey,
        issueType: input.issueType,
        fields: { ...input.fields, summary: input.summary },
      }),
    };
  }

  async setIssueProperty(key: string, property: string, value: unknown): Promise<void> {
    this.ticket(key).properties.set(property, structuredClone(value));
  }
}
