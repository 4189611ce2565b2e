import { kvs, WhereConditions } from '@forge/kvs';
import { z } from 'zod';
import { type PendingApproval, pendingApprovalSchema } from '../core/records';
import { kvsKeys } from './keys';

/**
 * Approvals whose handling has not finished, as plain key-value entries under one prefix, one per Jira
 * changelog (src/store/keys.ts). They name no account (src/core/records.ts, pendingApprovalSchema).
 */

/**
 * The inbox holds approvals being handled right now and those whose invocation died, so it stays small; a
 * sweep reads at most MAX_PAGES of it (in key order, so no ticket is always left out) and the rest next time.
 */
const PAGE = 100;
const MAX_PAGES = 10;

const handledSchema = z.object({ changelogId: z.string(), at: z.string() });

export const approvalInbox = {
  put: (approval: PendingApproval): Promise<void> =>
    kvs.set(kvsKeys.pendingApproval(approval.ticketKey, approval.changelogId), approval),

  remove: (ticketKey: string, changelogId: string): Promise<void> =>
    kvs.delete(kvsKeys.pendingApproval(ticketKey, changelogId)),

  forTicket: (ticketKey: string): Promise<PendingApproval[]> => pending(kvsKeys.pendingApprovalsOf(ticketKey)),

  markHandled: (ticketKey: string, changelogId: string, at: string): Promise<void> =>
    kvs.set(kvsKeys.handledApproval(ticketKey), { changelogId, at }),

  async lastHandled(ticketKey: string): Promise<string | null> {
    const parsed = handledSchema.safeParse(await kvs.get<unknown>(kvsKeys.handledApproval(ticketKey)));
    return parsed.success ? parsed.data.changelogId : null;
  },

  async receivedBefore(before: string, limit: number): Promise<PendingApproval[]> {
    const found = await pending(kvsKeys.pendingApprovalPrefix, (a) => a.receivedAt < before, limit);
    return found.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)).slice(0, limit);
  },
};

async function pending(
  prefix: string,
  keep: (approval: PendingApproval) => boolean = () => true,
  limit = Infinity,
): Promise<PendingApproval[]> {
  const found: PendingApproval[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    pages += 1;
    let query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(PAGE);
    if (cursor) query = query.cursor(cursor);
    const page = await query.getMany();
    for (const r of page.results) {
      const parsed = pendingApprovalSchema.safeParse(r.value);
      if (parsed.success && keep(parsed.data)) found.push(parsed.data);
    }
    cursor = page.nextCursor;
  } while (cursor && found.length < limit && pages < MAX_PAGES);
  return found;
}
