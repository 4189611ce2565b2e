import { type ComplianceRecord, verifyComplianceRecord } from '../../src/core/compliance-record';
import { runScenarios } from '../../sandbox/demo/run';
import type { Scenario } from '../../sandbox/demo/scenarios';
import { DEMO_USERS, DSAR_FIELDS } from '../../sandbox/jira/demo-seed';
import { TERMINAL_STATUSES, startWorld, type World } from '../../sandbox/world';

/**
 * A ticket whose Amiqus client id is mistyped names another person's client. Deleting it would erase that
 * person's identity checks, files and records, so the app compares the client Amiqus returns with the ticket
 * before the DELETE, end to end through the real handlers, the Jira emulator and the Amiqus simulator.
 */

const SUBJECTS_CLIENT = 73819;
const MISTYPED = 73891;
const OFFICER = DEMO_USERS.officer.accountId;
const OTHER_PERSONS_EMAIL = 'someone.else@example.net';

const typo: Scenario = {
  id: 'amiqus-typo',
  title: 'Amiqus client id mistyped by two transposed digits',
  subject: { fullName: 'Dana Typo', email: 'dana.typo@example.org', amiqusClientId: MISTYPED },
  // The subject's own client, under the id the officer meant to type.
  holds: { amiqus: { clientId: SUBJECTS_CLIENT } },
  approver: 'officer',
  expect: { status: 'Erasure blocked', jobs: { amiqus: 'needs_attention' } },
};

describe('an Amiqus client id that names someone else', () => {
  let world: World;
  let ticket: string;
  beforeAll(async () => {
    world = await startWorld({ settings: (base) => ({ ...base, downstreamSystems: [] }) });
    world.amiqus.seedClient({ id: MISTYPED, firstName: 'Someone', lastName: 'Else', email: OTHER_PERSONS_EMAIL });
    const [result] = await runScenarios(world, [typo]);
    ticket = result?.ticket as string;
  });
  afterAll(() => world.close());

  const issue = () =>
    world.jira.state.issues.get(ticket) as NonNullable<ReturnType<World['jira']['state']['issues']['get']>>;
  const texts = () => issue().comments.map((c) => c.text);
  const records = () =>
    issue()
      .attachments.filter((a) => a.filename.endsWith('.json'))
      .map((a) => JSON.parse(a.bytes.toString('utf8')) as Record<string, unknown>);

  it('deletes nothing at Amiqus and stops the ticket for a person, saying what to check', () => {
    expect(world.amiqus.ledger.count('delete_client', String(MISTYPED))).toBe(0);
    expect(world.amiqus.server.exchanges.filter((e) => e.method === 'DELETE')).toHaveLength(0);
    expect(issue().status).toBe('Erasure blocked');
    const comment = texts().find((t) => t.includes("is not this ticket's subject"));
    expect(comment).toContain(`Amiqus client ${MISTYPED}`);
    expect(comment).toContain("Check the ticket's Amiqus client id and email");
    expect(comment).toContain('correct it and approve the ticket again');
  });

  it("never writes the other person's email into the ticket or its record", () => {
    expect(texts().join('\n')).not.toContain(OTHER_PERSONS_EMAIL);
    expect(JSON.stringify(records())).not.toContain(OTHER_PERSONS_EMAIL);
  });

  it('erases the right client once the officer corrects the id and approves again, with the comparison in the record', async () => {
    // A retry would not do: the approval covers the identifiers it saw, so the app asks for a new one.
    issue().customFields[DSAR_FIELDS.amiqusClientId] = SUBJECTS_CLIENT;
    await world.move(ticket, 'Verifying identity', OFFICER);
    await world.move(ticket, 'Approved', OFFICER);
    await world.pump();
    const settled = await world.runUntil(
      () => TERMINAL_STATUSES.includes(issue().status) && world.platform.pendingEvents() === 0,
      86_400_000,
    );
    expect(settled).toBe(true);
    expect(issue().status).toBe('Done');
    expect(world.amiqus.ledger.count('delete_client', String(SUBJECTS_CLIENT))).toBe(1);
    expect(world.amiqus.ledger.count('delete_client', String(MISTYPED))).toBe(0);
    const last = records().at(-1) as Parameters<typeof verifyComplianceRecord>[0];
    expect(verifyComplianceRecord(last).ok).toBe(true);
    expect(JSON.stringify(last)).toContain('client matches the ticket by email');
    // The new approval covers the corrected identifiers, and the record says so.
    const fingerprint = (r: unknown) => (r as ComplianceRecord).subject?.fingerprint;
    expect(fingerprint(last)).toEqual(expect.any(String));
    expect(fingerprint(last)).not.toBe(fingerprint(records()[0]));
    expect(JSON.stringify(last)).toContain("client's email differs from the ticket's: not deleted");
  });
});
