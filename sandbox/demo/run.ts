import { verifyComplianceRecord } from '../../src/core/compliance-record';
import { jobStore } from '../../src/store/kvs-store';
import { DEMO_USERS } from '../jira/demo-seed';
import { ADMIN_ACCOUNT, approverFor, TERMINAL_STATUSES, type World } from '../world';
import type { Scenario } from './scenarios';

/** Opens each scenario's DSAR ticket, approves it as its scenario says, and runs the clock until all settle. */

export interface TicketResult {
  scenario: Scenario;
  ticket: string;
  status: string;
  jobs: Record<string, string>;
  /** Every compliance record on the ticket verifies (null: none attached). */
  recordVerified: boolean | null;
}

export async function runScenarios(
  world: World,
  scenarios: Scenario[],
  maxMs = 3 * 86_400_000,
): Promise<TicketResult[]> {
  const opened: Array<{ scenario: Scenario; ticket: string }> = [];
  for (const scenario of scenarios) {
    await addScenarioHold(world, scenario);
    const ticket = world.openTicket(scenario);
    await world.move(ticket, 'Verifying identity', DEMO_USERS.officer.accountId);
    await world.move(ticket, 'Approved', approverFor(scenario));
    await world.pump();
    opened.push({ scenario, ticket });
  }
  const settled = () =>
    opened.every((o) => TERMINAL_STATUSES.includes(world.jira.state.issues.get(o.ticket)?.status ?? '')) &&
    world.platform.pendingEvents() === 0;
  await world.runUntil(settled, maxMs);
  // The privacy officer's part once the providers are done: tick off each downstream system on the panel.
  for (const o of opened) {
    if (o.scenario.downstream !== 'leave' && world.jira.state.issues.get(o.ticket)?.status === PENDING_DOWNSTREAM)
      await confirmDownstreamSystems(world, o.ticket);
  }
  await world.runUntil(settled, maxMs);
  return Promise.all(opened.map((o) => resultOf(world, o.scenario, o.ticket)));
}

const PENDING_DOWNSTREAM = 'Pending downstream';
/** What an officer might note against a system's confirmation: the other system's own deletion reference. */
const DEMO_REFERENCES: Record<string, string> = { 'CRM (Salesforce)': 'Salesforce deletion case 00012345' };

/** Confirms every downstream system still open on the ticket, from the panel's resolver, as the officer. */
export async function confirmDownstreamSystems(world: World, ticket: string): Promise<void> {
  const officer = { accountId: DEMO_USERS.officer.accountId, issueKey: ticket };
  const view = (await world.platform.invokeResolver('erasure-desk-panel', 'getView', {}, officer)) as {
    view?: { downstream: Array<{ system: string; confirmedBy: string | null }> };
  };
  for (const d of view.view?.downstream ?? []) {
    if (d.confirmedBy !== null) continue;
    const note = DEMO_REFERENCES[d.system];
    const result = (await world.platform.invokeResolver(
      'erasure-desk-panel',
      'confirmDownstream',
      { system: d.system, ...(note ? { note } : {}) },
      officer,
    )) as { ok?: boolean; message?: string };
    if (!result.ok) throw new Error(`${ticket}: confirming ${d.system} failed: ${result.message ?? ''}`);
  }
  await world.pump();
}

/** The legal hold a scenario calls for, entered on the admin page's resolver as a Jira admin would. */
export async function addScenarioHold(world: World, scenario: Scenario): Promise<void> {
  if (!scenario.legalHold || !scenario.subject.email) return;
  await world.platform.invokeResolver(
    'erasure-desk-admin',
    'addHold',
    {
      reason: scenario.legalHold.reason,
      expiresOn: scenario.legalHold.expiresOn,
      identifiers: [{ kind: 'email', value: scenario.subject.email }],
      providers: scenario.legalHold.providers,
    },
    { accountId: ADMIN_ACCOUNT },
  );
}

export async function resultOf(world: World, scenario: Scenario, ticket: string): Promise<TicketResult> {
  const issue = world.jira.state.issues.get(ticket);
  const jobs = await jobStore.listForCase(ticket);
  // Every round's record must verify, not only the last (a ticket that waited on downstream systems has two).
  const records = issue?.attachments.filter((a) => a.filename.endsWith('.json')) ?? [];
  return {
    scenario,
    ticket,
    status: issue?.status ?? 'missing',
    jobs: Object.fromEntries(jobs.map((j) => [j.provider, j.state])),
    recordVerified:
      records.length > 0 ? records.every((r) => verifyComplianceRecord(JSON.parse(r.bytes.toString('utf8'))).ok) : null,
  };
}
