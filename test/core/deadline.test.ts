import {
  addCalendarMonths,
  computeDeadline,
  deadlineStatus,
  DEFAULT_DEADLINE_POLICY,
  InvalidExtension,
} from '../../src/core/deadline';

const plain = { ...DEFAULT_DEADLINE_POLICY, rollForwardNonWorkingDays: false };
const ext = (months: number, grantedOn: string, reason = 'complex request across three systems') => ({
  months,
  reason,
  grantedBy: 'officer',
  grantedOn,
});

describe('the GDPR Art. 12(3) deadline', () => {
  it('runs one calendar month from verified receipt', () => {
    expect(computeDeadline('2026-03-14', plain, []).due).toBe('2026-04-14');
  });

  it('ends on the last day of a shorter month (31 January → 28 or 29 February)', () => {
    expect(computeDeadline('2023-01-31', plain, []).due).toBe('2023-02-28');
    expect(computeDeadline('2024-01-31', plain, []).due).toBe('2024-02-29');
    expect(addCalendarMonths('2026-08-31', 1)).toBe('2026-09-30');
  });

  it('moves a deadline that falls on a weekend or listed holiday to the next working day', () => {
    expect(computeDeadline('2026-10-03', DEFAULT_DEADLINE_POLICY, []).due).toBe('2026-11-03');
    expect(computeDeadline('2026-10-07', DEFAULT_DEADLINE_POLICY, []).due).toBe('2026-11-09');
    expect(computeDeadline('2026-11-25', { ...DEFAULT_DEADLINE_POLICY, holidays: ['2026-12-25'] }, []).due).toBe(
      '2026-12-28',
    );
  });

  it('offers the flat 30-day policy as an alternative', () => {
    expect(computeDeadline('2026-01-31', { ...plain, rule: 'thirty_days' }, []).due).toBe('2026-03-02');
  });

  it('extends by up to two further months, with a reason, decided within the first month', () => {
    const d = computeDeadline('2026-01-15', plain, [ext(1, '2026-02-01'), ext(1, '2026-02-10')]);
    expect(d).toMatchObject({ baseDue: '2026-02-15', due: '2026-04-15', extendedMonths: 2 });
  });

  it('refuses more than two months, a late extension, or one without a reason', () => {
    expect(() => computeDeadline('2026-01-15', plain, [ext(2, '2026-02-01'), ext(1, '2026-02-02')])).toThrow(
      InvalidExtension,
    );
    expect(() => computeDeadline('2026-01-15', plain, [ext(1, '2026-02-16')])).toThrow(
      /decided by the original deadline \(2026-02-15\)/,
    );
    expect(() => computeDeadline('2026-01-15', plain, [ext(1, '2026-02-01', ' ')])).toThrow(/needs a reason/);
  });

  it('counts days remaining and flags at risk, overdue, met and missed', () => {
    const d = computeDeadline('2026-11-01', plain, []);
    expect(deadlineStatus(d, '2026-11-10', null)).toEqual({ daysRemaining: 21, state: 'on_track' });
    expect(deadlineStatus(d, '2026-11-25', null)).toEqual({ daysRemaining: 6, state: 'at_risk' });
    expect(deadlineStatus(d, '2026-12-03', null)).toEqual({ daysRemaining: -2, state: 'overdue' });
    expect(deadlineStatus(d, '2026-12-03', '2026-11-30').state).toBe('met');
    expect(deadlineStatus(d, '2026-12-03', '2026-12-02').state).toBe('missed');
  });
});
