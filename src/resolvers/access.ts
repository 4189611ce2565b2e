import type { AppDeps } from '../app/ports';

/**
 * Panel actions change what happens to someone's data, so the calling user must hold the approval role
 * or group configured on the admin page, checked against Jira for every call.
 */
export async function isPrivacyOfficer(deps: AppDeps, projectKey: string, accountId: string | undefined): Promise<boolean> {
  if (!accountId) return false;
  const { projectRole, groups } = deps.settings.approval;
  if (projectRole && (await deps.jira.isInProjectRole(projectKey, projectRole, accountId))) return true;
  if (groups.length === 0) return false;
  return (await deps.jira.getUserGroups(accountId)).some((g) => groups.includes(g));
}

export const NOT_ALLOWED = { ok: false as const, message: 'Only privacy officers (the approval role or group on the admin page) can do this.' };
