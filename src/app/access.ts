import { type AppDeps, JiraLookupForbidden } from './ports';

/**
 * Who is a privacy officer: a member of the approval project role or of one of the approval groups set on
 * the admin page, asked of Jira on every call. Approval and every panel action use this one rule, because
 * both change what happens to someone's data.
 */
export async function isPrivacyOfficer(
  deps: Pick<AppDeps, 'jira' | 'settings'>,
  projectKey: string,
  accountId: string | undefined,
  /** In a resolver, the user's own groups asked as the user; otherwise the app looks the account's groups up. */
  ownGroups?: () => Promise<string[]>,
): Promise<boolean> {
  if (!accountId) return false;
  const { projectRole, groups } = deps.settings.approval;
  // A site may withhold Administer Projects or Browse users and groups from the app: a refused look-up does not
  // decide alone (the other route is tried), and is reported with what to change if nothing else allows.
  let refused: JiraLookupForbidden | null = null;
  const tryCheck = async (check: () => Promise<boolean>) => {
    try {
      return await check();
    } catch (error) {
      if (!(error instanceof JiraLookupForbidden)) throw error;
      refused ??= error;
      return false;
    }
  };
  // Either route decides alone, so the one-request group look-up goes first; the role costs two or three (the
  // role list, its actors, and the account's groups when groups are among them).
  if (
    groups.length > 0 &&
    (await tryCheck(async () =>
      (await (ownGroups ? ownGroups() : deps.jira.getUserGroups(accountId))).some((g) => groups.includes(g)),
    ))
  )
    return true;
  if (projectRole && (await tryCheck(() => deps.jira.isInProjectRole(projectKey, projectRole, accountId)))) return true;
  if (refused) throw refused;
  return false;
}

export const NOT_ALLOWED = {
  ok: false as const,
  message: 'Only privacy officers (the approval role or group on the admin page) can do this.',
};

/** A look-up Jira refused becomes the message an admin can act on, never a failed call. */
export function lookupRefused(error: unknown): { ok: false; message: string } | null {
  return error instanceof JiraLookupForbidden ? { ok: false, message: error.message } : null;
}
