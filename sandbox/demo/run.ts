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
  return Promise.all(opened.map((o) => resultOf(world, o.scenario, o.ticket)));
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
  const record = issue?.attachments.filter((a) => a.filename.endsWith('.json')).at(-1);
  return {
    scenario,
    ticket,
    status: issue?.status ?? 'missing',
    jobs: Object.fromEntries(jobs.map((j) => [j.provider, j.state])),
    recordVerified: record ? verifyComplianceRecord(JSON.parse(record.bytes.toString('utf8'))).ok : null,
  };
}
