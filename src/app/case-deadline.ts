import { computeDeadline, type Deadline, type DeadlinePolicy } from '../core/deadline';
import type { CaseRecord } from '../core/records';

/** A case's statutory deadline from its verified receipt and the extensions recorded on it. */
export function caseDeadline(receivedOn: string, policy: DeadlinePolicy, extensions: CaseRecord['extensions']): Deadline {
  return computeDeadline(
    receivedOn,
    policy,
    extensions.map((e) => ({ months: e.months, reason: e.reason, grantedBy: e.by, grantedOn: e.at.slice(0, 10) })),
  );
}
