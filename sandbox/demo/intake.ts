import type { AmiqusSeedClient } from '../simulators/amiqus';

/**
 * Amiqus clients whose retention period has run out, for the served sandbox: the daily due-clients poll opens
 * tickets for the ones due today or overdue, and Amiqus's `client.deletion_reminder_due` webhook for the one
 * whose reminder comes ahead of its date.
 */
export const AMIQUS_INTAKE_CLIENTS: AmiqusSeedClient[] = [
  { id: 82001, firstName: 'Noor', lastName: 'Duetoday', email: 'noor.duetoday@example.org', deletionInDays: 0 },
  { id: 82002, firstName: 'Ola', lastName: 'Overdue', email: 'ola.overdue@example.org', deletionInDays: -4 },
  { id: 82003, firstName: 'Pat', lastName: 'Reminded', email: 'pat.reminded@example.org', deletionInDays: 7 },
];
