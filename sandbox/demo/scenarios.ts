import type { JobState, ProviderId } from '../../src/core/erasure';

/**
 * The demo DSARs. Every provider that can search by the subject's identifiers is asked, so a provider that
 * holds nothing about the person ends `not_found`, which is recorded rather than skipped (Genesys is sent the
 * email even when it has no contact for it: conversation data can exist without one).
 * Each describes a data subject, what each provider holds about them, anything that goes
 * wrong, who approves, and the outcome the app must reach. `npm start` runs them and the end-to-end tests
 * assert them, so the demo a person sees is the behaviour the tests prove.
 */

export interface PersonAtProviders {
  /** Amiqus client record (the id goes on the ticket). */
  amiqus?: { clientId: number; deletable?: boolean };
  /** Ada end user, found by email and/or chatter id. */
  ada?: { chatterId?: string; knownByEmail?: boolean };
  /** Genesys external contact (found by email / external contact id). */
  genesys?: { externalContactId: string };
}

export interface Scenario {
  id: string;
  title: string;
  subject: {
    fullName: string;
    email?: string;
    phones?: string;
    amiqusClientId?: number;
    adaChatterId?: string;
    genesysExternalContactId?: string;
  };
  holds: PersonAtProviders;
  faults?: { genesysError?: boolean; adaPartial?: boolean };
  legalHold?: { reason: string; expiresOn: string | null; providers: ProviderId[] };
  /** `reporter` = the person who raised the ticket approves it (four-eyes violation). */
  approver: 'officer' | 'reporter';
  /**
   * Once every provider has erased, the ticket waits in Pending downstream for the downstream systems the
   * sandbox's settings list. `confirm` (the default): the officer confirms each on the panel, and the ticket
   * goes to Done with a second round of the record; `leave`: nobody does yet, so it stays there.
   */
  downstream?: 'confirm' | 'leave';
  expect: { status: string; jobs: Partial<Record<ProviderId, JobState>> };
}

export const DEMO_SCENARIOS: Scenario[] = [
  {
    id: 'all-three',
    title: 'Former customer known to Amiqus, Ada and Genesys',
    subject: {
      fullName: 'Alex Example',
      email: 'alex.example@example.org',
      amiqusClientId: 73823,
      adaChatterId: '5f7e8d9c0b1a2f3e4d5c6b7a',
      genesysExternalContactId: '3b1f6a52-8c0e-4c2d-9a77-1d2e3f4a5b6c',
    },
    holds: {
      amiqus: { clientId: 73823 },
      ada: { chatterId: '5f7e8d9c0b1a2f3e4d5c6b7a', knownByEmail: true },
      genesys: { externalContactId: '3b1f6a52-8c0e-4c2d-9a77-1d2e3f4a5b6c' },
    },
    approver: 'officer',
    expect: { status: 'Done', jobs: { amiqus: 'completed', ada: 'completed', genesys: 'completed' } },
  },
  {
    id: 'amiqus-only',
    title: 'Identity-check client known only to Amiqus',
    subject: { fullName: 'Bea Sample', amiqusClientId: 73824 },
    holds: { amiqus: { clientId: 73824 } },
    approver: 'officer',
    expect: { status: 'Done', jobs: { amiqus: 'completed' } },
  },
  {
    id: 'ada-and-genesys',
    title: 'Chat and contact-centre customer (Ada and Genesys)',
    subject: { fullName: 'Cai Demo', email: 'cai.demo@example.org', adaChatterId: '60a1b2c3d4e5f60718293a4b' },
    holds: {
      ada: { chatterId: '60a1b2c3d4e5f60718293a4b', knownByEmail: true },
      genesys: { externalContactId: '7c2d8e93-1f4a-4b5c-8d6e-2f3a4b5c6d7e' },
    },
    approver: 'officer',
    downstream: 'leave',
    expect: { status: 'Pending downstream', jobs: { ada: 'completed', genesys: 'completed' } },
  },
  {
    id: 'legal-hold',
    title: 'Customer in litigation: contact-centre records under legal hold',
    subject: { fullName: 'Dana Held', email: 'dana.held@example.org', amiqusClientId: 73825 },
    holds: { amiqus: { clientId: 73825 }, genesys: { externalContactId: '9e4f0a15-3b6c-4d7e-9f80-4a5b6c7d8e9f' } },
    legalHold: {
      reason: 'Litigation hold: claim 2026-CV-118 (recordings must be preserved)',
      expiresOn: '2027-06-30',
      providers: ['genesys'],
    },
    approver: 'officer',
    expect: {
      status: 'Erasure blocked',
      jobs: { amiqus: 'completed', ada: 'not_found', genesys: 'blocked_legal_hold' },
    },
  },
  {
    id: 'genesys-error',
    title: 'Genesys reports ERROR part-way through a deletion',
    subject: { fullName: 'Eli Fault', email: 'eli.fault@example.org' },
    holds: { genesys: { externalContactId: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' } },
    faults: { genesysError: true },
    approver: 'officer',
    expect: { status: 'Erasure blocked', jobs: { ada: 'not_found', genesys: 'failed' } },
  },
  {
    id: 'ada-partial',
    title: 'Ada erases some identifiers but not others',
    subject: { fullName: 'Fin Partial', email: 'fin.partial@example.org', adaChatterId: '61b2c3d4e5f60718293a4b5c' },
    holds: { ada: { chatterId: '61b2c3d4e5f60718293a4b5c', knownByEmail: true } },
    faults: { adaPartial: true },
    approver: 'officer',
    expect: { status: 'Erasure blocked', jobs: { ada: 'partially_completed', genesys: 'completed' } },
  },
  {
    id: 'bad-identifiers',
    title: 'Ticket with a malformed email and a phone number not in E.164 form',
    subject: { fullName: 'Gil Typo', email: 'gil.typo@@example', phones: '07700 900123 2019-01-01..2023-06-30' },
    holds: {},
    approver: 'officer',
    expect: { status: 'Needs attention', jobs: {} },
  },
  {
    id: 'self-approval',
    title: 'The requester approves their own erasure request',
    subject: { fullName: 'Hana Self', email: 'hana.self@example.org', amiqusClientId: 73826 },
    holds: { amiqus: { clientId: 73826 } },
    approver: 'reporter',
    expect: { status: 'Needs attention', jobs: {} },
  },
];
