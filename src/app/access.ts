import type { AppDeps } from './ports';

/**
 * Who is a privacy officer: a member of the approval project role or of one of the approval groups set on
 * the admin page, asked of Jira on every call. Approval and every panel action use this one rule, because
 * both change what happens to someone's data.
 */
export async function isPrivacyOfficer(deps: Pick<AppDeps, 'jira' | 'settings'>, projectKey: string, accountId: string | undefined): Promise<boolean> {
  if (!accountId) return false;
  const { projectRole, groups } = deps.settings.approval;
  if (projectRole && (await deps.jira.isInProjectRole(projectKey, projectRole, accountId))) return true;
  if (groups.length === 0) return false;
  return (await deps.jira.getUserGroups(accountId)).some((g) => groups.includes(g));
}

export const NOT_ALLOWED = { ok: false as const, message: 'Only privacy officers (the approval role or group on the admin page) can do this.' };
