import { computeDeadline, type Deadline, type DeadlinePolicy } from '../core/deadline';
import type { CaseRecord } from '../core/records';

/** A case's statutory deadline from its verified receipt and the extensions recorded on it. */
export function caseDeadline(
  receivedOn: string,
  policy: DeadlinePolicy,
  extensions: CaseRecord['extensions'],
): Deadline {
  return computeDeadline(
    receivedOn,
    policy,
    extensions.map((e) => ({ months: e.months, reason: e.reason, grantedBy: e.by, grantedOn: e.at.slice(0, 10) })),
  );
}

/** GDPR Art. 12(3) allows at most two further months in all. */
export const MAX_EXTENSION_MONTHS = 2;

/**
 * Whether an officer may extend the deadline now: the one rule the panel (whether to offer it) and the
 * extension action (whether to accept it) both apply. While the case runs or waits on downstream systems
 * (the request is not answered until they are confirmed), within the current deadline, and while some of the
 * two months remain.
 */
export function extensionRule(
  record: Pick<CaseRecord, 'phase' | 'dueOn' | 'extensions'>,
  today: string,
): { allowed: true; monthsLeft: number } | { allowed: false; reason: string } {
  const used = record.extensions.reduce((n, e) => n + e.months, 0);
  if (record.phase === 'closed')
    return { allowed: false, reason: 'The erasure has settled: there is no running deadline to extend.' };
  if (today > record.dueOn)
    return {
      allowed: false,
      reason: `The deadline (${record.dueOn}) has passed: an extension must be decided before it runs out.`,
    };
  if (used >= MAX_EXTENSION_MONTHS)
    return {
      allowed: false,
      reason: 'The deadline has already been extended by the two months GDPR Art. 12(3) allows.',
    };
  return { allowed: true, monthsLeft: MAX_EXTENSION_MONTHS - used };
}
