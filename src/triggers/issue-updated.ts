import { InvocationError, InvocationErrorCode } from '@forge/events';
import { z } from 'zod';
import { handleApproval, type ApprovalResult } from '../app/approve';
import { buildDeps } from '../deps';

/**
 * `avi:jira:updated:issue` (manifest trigger `dsar-issue-updated`). Only a status change is of interest;
 * the use case decides whether it is an approval of a DSAR ticket.
 */
const issueUpdatedSchema = z.object({
  issue: z.object({ key: z.string() }),
  atlassianId: z.string().optional(),
  changelog: z
    .object({
      id: z.union([z.string(), z.number()]).transform(String),
      items: z.array(
        z.object({ fieldId: z.string().optional(), field: z.string(), toString: z.string().nullable().optional() }),
      ),
    })
    .optional(),
});

/**
 * Forge retries a product-event trigger only when it returns an InvocationError (never when it throws), at most
 * four times (https://developer.atlassian.com/platform/forge/events-reference/product_events/). A transient
 * failure (Jira or storage unavailable) must therefore come back as one, or the approval would be lost.
 */
const RETRY_AFTER_SECONDS = 60;

export async function onIssueUpdated(event: unknown): Promise<ApprovalResult | InvocationError> {
  const parsed = issueUpdatedSchema.safeParse(event);
  if (!parsed.success) return { kind: 'ignored', reason: 'payload is not an issue update' };
  const { issue, changelog, atlassianId } = parsed.data;
  const statusChange = changelog?.items.find((i) => i.fieldId === 'status' || i.field === 'status');
  if (!changelog || !statusChange?.toString || !atlassianId)
    return { kind: 'ignored', reason: 'no status change by a person' };
  const approval = {
    issueKey: issue.key,
    changelogId: changelog.id,
    toStatus: statusChange.toString,
    actorAccountId: atlassianId,
  };
  try {
    // handleApproval puts an approval in the inbox as soon as it knows it is one; an invocation that dies before
    // that is found on the ticket by the daily deadline watch (src/app/approval-inbox.ts).
    const deps = await buildDeps();
    const result = await handleApproval(deps, approval);
    deps.log.info('issue update handled', { ticket: issue.key, result: result.kind });
    return result;
  } catch (error) {
    // handleApproval has released its claim, so the retried delivery can take it.
    console.warn(
      JSON.stringify({
        level: 'warn',
        message: 'issue update failed; Forge will retry it',
        ticket: issue.key,
        error: error instanceof Error ? error.name : 'unknown',
      }),
    );
    return new InvocationError({
      retryAfter: RETRY_AFTER_SECONDS,
      retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
    });
  }
}
