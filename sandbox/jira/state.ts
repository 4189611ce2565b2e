import { createHash } from 'node:crypto';

/**
 * The Jira emulator's data: projects, users, groups, roles, a workflow, and issues with their comments
 * (ADF), attachments (bytes), properties and status history. Changes emit Forge product events.
 */

export interface User {
  accountId: string;
  displayName: string;
  groups: string[];
}

export interface Project {
  key: string;
  id: string;
  issueTypes: string[];
  /** Role name → actors (account ids and group names). */
  roles: Record<string, { id: number; users: string[]; groups: string[] }>;
  /** Who may browse the project (account ids); groups listed here grant it too. */
  browseGroups: string[];
}

export interface Comment {
  id: string;
  author: string;
  created: string;
  body: unknown;
  text: string;
}

export interface Attachment {
  id: string;
  filename: string;
  mimeType: string;
  size: number;
  created: string;
  author: string;
  sha256: string;
  bytes: Buffer;
}

export interface StatusChange {
  at: string;
  by: string;
  from: string;
  to: string;
  /** The changelog the move was recorded under, as the issue-updated event and Get changelogs name it. */
  changelogId?: string;
}

export interface Issue {
  id: string;
  key: string;
  projectKey: string;
  issueType: string;
  summary: string;
  status: string;
  reporter: string;
  created: string;
  updated: string;
  labels: string[];
  customFields: Record<string, unknown>;
  comments: Comment[];
  attachments: Attachment[];
  properties: Record<string, unknown>;
  history: StatusChange[];
}

export interface FieldDef {
  id: string;
  name: string;
}

export interface JiraEvent {
  eventType: string;
  payload: Record<string, unknown>;
  causedByApp: boolean;
}

export const APP_ACCOUNT_ID = '557058:erasure-desk-app';

/** What `npm start -- --serve` writes to its data directory so a restart finds the same site. */
export interface JiraSnapshot {
  users: User[];
  projects: Project[];
  issues: Array<Omit<Issue, 'attachments'> & { attachments: Array<Omit<Attachment, 'bytes'> & { base64: string }> }>;
  fields: FieldDef[];
  seq: { issue: number; comment: number; attachment: number; changelog: number };
}

/** The statuses of the demo site's DSAR workflow, in order (every status may move to every other). */
export const DSAR_WORKFLOW: readonly string[] = [
  'Open',
  'Verifying identity',
  'Approved',
  'Erasure in progress',
  'Needs attention',
  'Erasure blocked',
  'Pending downstream',
  'Done',
];

export class JiraState {
  users = new Map<string, User>();
  projects = new Map<string, Project>();
  issues = new Map<string, Issue>();
  fields: FieldDef[] = [];
  statuses: string[] = [...DSAR_WORKFLOW];
  private seq = { issue: 0, comment: 10000, attachment: 20000, changelog: 30000 };
  /**
   * What the site's permission scheme grants the app's own user. Jira checks an app like any user: project
   * roles need Administer Projects (or Administer Jira), another user's groups need Browse users and groups
   * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-roles/,
   * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/). Tests switch them off.
   */
  appGrants = { administerProjects: true, browseUsersAndGroups: true };
  /**
   * Issue property paths Jira indexes (`property.path`), from the app's `jira:entityProperty` modules. JQL on
   * any other property path matches nothing, as on Jira:
   * https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-entity-property/
   */
  indexedProperties = new Set<string>();
  /** Atlassian's side of personal data reporting (sandbox/jira/personal-data.ts). */
  personalData = {
    closed: new Set<string>(),
    /** When each account's profile last changed (accounts reported with an older updatedAt are `updated`). */
    profileUpdatedAt: new Map<string, string>(),
    /** Answer the next this-many calls with 429 and this Retry-After. */
    throttle: { calls: 0, retryAfterSeconds: 30 },
    reports: [] as Array<{ at: string; accountIds: string[]; status: number }>,
  };
  private listeners: Array<(event: JiraEvent) => void | Promise<void>> = [];
  /** Events emitted and not yet handed to a listener that awaits them (see drainEvents). */
  readonly pending: JiraEvent[] = [];

  constructor(readonly now: () => Date) {}

  snapshot(): JiraSnapshot {
    return {
      users: [...this.users.values()],
      projects: [...this.projects.values()],
      issues: [...this.issues.values()].map((i) => ({
        ...i,
        attachments: i.attachments.map(({ bytes, ...a }) => ({ ...a, base64: bytes.toString('base64') })),
      })),
      fields: this.fields,
      seq: { ...this.seq },
    };
  }

  restore(snapshot: JiraSnapshot): void {
    this.users = new Map(snapshot.users.map((u) => [u.accountId, u]));
    this.projects = new Map(snapshot.projects.map((p) => [p.key, p]));
    this.issues = new Map(
      snapshot.issues.map((i) => [
        i.key,
        {
          ...i,
          attachments: i.attachments.map(({ base64, ...a }) => ({ ...a, bytes: Buffer.from(base64, 'base64') })),
        },
      ]),
    );
    this.fields = snapshot.fields;
    this.seq = { ...snapshot.seq };
  }

  onEvent(listener: (event: JiraEvent) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  /** Jira's global Administer permission: the `jira-admins` group here; never the app's user. */
  isAdmin(actor: string): boolean {
    return actor !== 'app' && !!this.users.get(actor)?.groups.includes('jira-admins');
  }

  canAdministerProject(actor: string, projectKey: string): boolean {
    if (actor === 'app') return this.appGrants.administerProjects;
    const role = this.projects.get(projectKey)?.roles.Administrators;
    const user = this.users.get(actor);
    return (
      this.isAdmin(actor) ||
      (!!role && !!user && (role.users.includes(actor) || user.groups.some((g) => role.groups.includes(g))))
    );
  }

  canBrowseUsers(actor: string): boolean {
    return actor === 'app' ? this.appGrants.browseUsersAndGroups : this.users.has(actor);
  }

  canBrowse(actor: string, projectKey: string): boolean {
    if (actor === 'app') return true;
    const project = this.projects.get(projectKey);
    const user = this.users.get(actor);
    return !!project && !!user && user.groups.some((g) => project.browseGroups.includes(g));
  }

  createIssue(input: {
    projectKey: string;
    issueType: string;
    summary: string;
    reporter: string;
    fields: Record<string, unknown>;
    causedByApp?: boolean;
  }): Issue {
    const project = this.projects.get(input.projectKey);
    if (!project) throw new Error(`no project ${input.projectKey}`);
    this.seq.issue += 1;
    const at = this.now().toISOString();
    const issue: Issue = {
      id: String(10000 + this.seq.issue),
      key: `${input.projectKey}-${this.seq.issue}`,
      projectKey: input.projectKey,
      issueType: input.issueType,
      summary: input.summary,
      status: this.statuses[0] as string,
      reporter: input.reporter,
      created: at,
      updated: at,
      labels: [],
      customFields: { ...input.fields },
      comments: [],
      attachments: [],
      properties: {},
      history: [],
    };
    this.issues.set(issue.key, issue);
    this.emit({
      eventType: 'avi:jira:created:issue',
      payload: { issue: this.eventIssue(issue), atlassianId: input.reporter },
      causedByApp: input.causedByApp ?? false,
    });
    return issue;
  }

  transition(issue: Issue, to: string, actor: string): void {
    const from = issue.status;
    if (from === to) return;
    const at = this.now().toISOString();
    issue.status = to;
    issue.updated = at;
    const by = actor === 'app' ? APP_ACCOUNT_ID : actor;
    issue.history.push({ at, by, from, to, changelogId: String(this.seq.changelog + 1) });
    this.emitUpdate(issue, actor, [
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: statusId(from),
        fromString: from,
        to: statusId(to),
        toString: to,
      },
    ]);
  }

  /** A field or label edit: Jira sends `avi:jira:updated:issue` for it too, with the edit in the changelog. */
  edited(issue: Issue, changes: Array<{ field: string; from: unknown; to: unknown }>, actor: string): void {
    const text = (v: unknown) => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));
    this.emitUpdate(
      issue,
      actor,
      changes.map((c) => ({
        field: c.field,
        fieldtype: c.field.startsWith('customfield_') ? 'custom' : 'jira',
        fieldId: c.field,
        from: null,
        fromString: text(c.from),
        to: null,
        toString: text(c.to),
      })),
    );
  }

  private emitUpdate(issue: Issue, actor: string, items: Array<Record<string, unknown>>): void {
    const by = actor === 'app' ? APP_ACCOUNT_ID : actor;
    this.seq.changelog += 1;
    this.emit({
      eventType: 'avi:jira:updated:issue',
      payload: {
        issue: this.eventIssue(issue),
        atlassianId: by,
        associatedUsers: [{ accountId: by }],
        changelog: { id: String(this.seq.changelog), items },
      },
      causedByApp: actor === 'app',
    });
  }

  addComment(issue: Issue, body: unknown, text: string, actor: string): Comment {
    this.seq.comment += 1;
    const comment: Comment = {
      id: String(this.seq.comment),
      author: actor === 'app' ? APP_ACCOUNT_ID : actor,
      created: this.now().toISOString(),
      body,
      text,
    };
    issue.comments.push(comment);
    issue.updated = comment.created;
    return comment;
  }

  addAttachment(issue: Issue, filename: string, mimeType: string, bytes: Buffer, actor: string): Attachment {
    this.seq.attachment += 1;
    const attachment: Attachment = {
      id: String(this.seq.attachment),
      filename,
      mimeType,
      size: bytes.length,
      created: this.now().toISOString(),
      author: actor === 'app' ? APP_ACCOUNT_ID : actor,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes,
    };
    issue.attachments.push(attachment);
    return attachment;
  }

  findAttachment(id: string): Attachment | undefined {
    for (const issue of this.issues.values()) {
      const found = issue.attachments.find((a) => a.id === id);
      if (found) return found;
    }
    return undefined;
  }

  eventIssue(issue: Issue): Record<string, unknown> {
    return {
      id: issue.id,
      key: issue.key,
      fields: {
        summary: issue.summary,
        status: { name: issue.status, id: statusId(issue.status) },
        project: { key: issue.projectKey },
        issuetype: { name: issue.issueType },
      },
    };
  }

  private emit(event: JiraEvent): void {
    this.pending.push(event);
  }

  /** Hands emitted events to the listeners, in order, until none are left (listeners may cause more). */
  async drainEvents(): Promise<number> {
    let n = 0;
    for (let event = this.pending.shift(); event; event = this.pending.shift()) {
      n += 1;
      for (const listener of this.listeners) await listener(event);
    }
    return n;
  }
}

export function statusId(name: string): string {
  return String(10000 + [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 9973, 7));
}
