import { addDays, addMonths, differenceInCalendarDays, format, isWeekend } from 'date-fns';

/**
 * The statutory deadline for answering a DSAR: "without undue delay and in any event within one month of
 * receipt", extendable "by two further months where necessary" (GDPR Art. 12(3)).
 *
 * Calendar-month rule, as the UK ICO's right-of-access guidance and EU Regulation 1182/71 (periods, Art. 3)
 * describe it: from the day of receipt to the corresponding calendar date in the next month; where that date
 * does not exist, the last day of that month; where it falls on a weekend or public holiday, the next working
 * day. Some controllers adopt a flat 30 days as a simpler, stricter policy: offered as `thirty_days`.
 * The clock starts at verified receipt (the identity check), which is what the ticket records.
 */

export interface DeadlinePolicy {
  rule: 'calendar_month' | 'thirty_days';
  atRiskDays: number;
  rollForwardNonWorkingDays: boolean;
  /** Public holidays (YYYY-MM-DD) that push a deadline to the next working day. */
  holidays: string[];
}

export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = {
  rule: 'calendar_month',
  atRiskDays: 7,
  rollForwardNonWorkingDays: true,
  holidays: [],
};

export interface DeadlineExtension {
  months: number;
  reason: string;
  grantedBy: string;
  grantedOn: string;
}

export interface Deadline {
  receivedOn: string;
  baseDue: string;
  due: string;
  extendedMonths: number;
  extensions: DeadlineExtension[];
}

export type DeadlineState = 'on_track' | 'at_risk' | 'overdue' | 'met' | 'missed';

export class InvalidExtension extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidExtension';
  }
}

/**
 * Days are handled as local-midnight Dates built from their Y-M-D parts and read back the same way, so the
 * arithmetic (date-fns) gives the same calendar answer whatever the machine's time zone.
 */
const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
function fromDay(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
}
const toDay = (date: Date): string => format(date, 'yyyy-MM-dd');

/** Adds calendar months; date-fns clamps to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addCalendarMonths(day: string, months: number): string {
  return toDay(addMonths(fromDay(day), months));
}

function rollForward(day: string, policy: DeadlinePolicy): string {
  if (!policy.rollForwardNonWorkingDays) return day;
  const holidays = new Set(policy.holidays);
  let current = fromDay(day);
  while (isWeekend(current) || holidays.has(toDay(current))) current = addDays(current, 1);
  return toDay(current);
}

/** The unextended end of the period: one calendar month, or 30 days under the flat policy. */
function basePeriodEnd(receivedOn: string, policy: DeadlinePolicy): string {
  return policy.rule === 'thirty_days' ? toDay(addDays(fromDay(receivedOn), 30)) : addCalendarMonths(receivedOn, 1);
}

export function computeDeadline(receivedOn: string, policy: DeadlinePolicy, extensions: DeadlineExtension[]): Deadline {
  if (!isDay(receivedOn)) throw new InvalidExtension(`receivedOn must be YYYY-MM-DD, got "${receivedOn}"`);
  const baseDue = rollForward(basePeriodEnd(receivedOn, policy), policy);
  let months = 0;
  for (const e of extensions) {
    if (!Number.isInteger(e.months) || e.months < 1)
      throw new InvalidExtension('an extension is a whole number of months');
    if (e.reason.trim() === '') throw new InvalidExtension('an extension needs a reason (GDPR Art. 12(3))');
    // The data subject must be told of an extension, with reasons, within the first month.
    if (e.grantedOn > baseDue)
      throw new InvalidExtension(
        `an extension must be decided by the original deadline (${baseDue}); this one is dated ${e.grantedOn}`,
      );
    months += e.months;
  }
  if (months > 2)
    throw new InvalidExtension(`extensions total ${months} months; GDPR Art. 12(3) allows at most two further months`);
  // "Two further months" are added to the unextended period's end, before any roll-forward.
  const due =
    months === 0 ? baseDue : rollForward(addCalendarMonths(basePeriodEnd(receivedOn, policy), months), policy);
  return { receivedOn, baseDue, due, extendedMonths: months, extensions };
}

export function deadlineStatus(
  deadline: Deadline,
  today: string,
  completedOn: string | null,
  atRiskDays = DEFAULT_DEADLINE_POLICY.atRiskDays,
): { daysRemaining: number; state: DeadlineState } {
  const daysRemaining = differenceInCalendarDays(fromDay(deadline.due), fromDay(completedOn ?? today));
  if (completedOn !== null) return { daysRemaining, state: completedOn <= deadline.due ? 'met' : 'missed' };
  if (daysRemaining < 0) return { daysRemaining, state: 'overdue' };
  return { daysRemaining, state: daysRemaining <= atRiskDays ? 'at_risk' : 'on_track' };
}
