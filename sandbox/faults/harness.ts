import { confirmDownstreamSystems } from '../demo/run';
import type { Scenario } from '../demo/scenarios';
import { DEMO_USERS } from '../jira/demo-seed';
import type { JiraEvent } from '../jira/state';
import { ADMIN_ACCOUNT, startWorld, TERMINAL_STATUSES, type World } from '../world';
import { checkInvariants, type Observation } from './invariants';
import type { FaultPlan } from './plan';

/**
 * Runs fault plans through the real handlers in one long-lived sandbox world: the servers start once and
 * each run gets a data subject of its own (fresh identifiers at every provider, a fresh ticket), so runs
 * are cheap and independent. The officer's part is in the run too: confirming the downstream systems once a
 * ticket waits on them. A run ends when its ticket and jobs have settled (or the time limit passes,
 * which is itself a violation: something got stuck) and is then checked against the invariants.
 */

const STEP_MS = 5 * 60_000;
const STATUS_SCHEDULE = 'provider-status-schedule';
const SCHEDULE_PHASE_MS = 1_000;
/** Long enough for the slowest legitimate path: eight deferrals of up to 15 minutes, Ada's 20-minute jobs. */
const MAX_RUN_MS = 3 * 86_400_000;

export interface RunReport {
  ticket: string;
  status: string;
  jobs: Record<string, string>;
  crashed: string | null;
  violations: string[];
}

const PENDING_DOWNSTREAM = 'Pending downstream';

export class FaultHarness {
  private runs = 0;
  private constructor(readonly world: World) {}

  static async start(): Promise<FaultHarness> {
    return new FaultHarness(await startWorld());
  }

  close(): Promise<void> {
    return this.world.close();
  }

  async run(plan: FaultPlan): Promise<RunReport> {
    const { world } = this;
    const { platform, clock } = world;
    this.runs += 1;
    const scenario = subjectFor(plan, this.runs);
    const logs: string[] = [];
    const restoreConsole = captureConsole(logs);
    // Every run starts at the same point of the status poll's five-minute schedule, so the n-th poll of a run
    // meets the same work in every run of the same plan (a crash point names an invocation by its number).
    await platform.advance(platform.msUntilScheduled(STATUS_SCHEDULE) + SCHEDULE_PHASE_MS);
    await world.pump();
    const firedBefore = platform.crashes.fired.length;
    const since = clock.now();
    try {
      platform.duplicateDelivery = plan.queue.duplicateDelivery;
      const ticket = world.openTicket(scenario);
      for (const move of plan.jira.moves) await world.move(ticket, move, DEMO_USERS.officer.accountId);
      const late = scheduleJiraEvents(world.jira.state.pending.splice(0), plan);

      for (const f of plan.providerFaults) world[f.provider].faults.inject(f.label, f.fault, f.times);
      platform.crashes.arm(plan.crash);

      const started = clock.now();
      const lastScheduled = Math.max(
        0,
        ...late.map((l) => l.atStep),
        ...plan.clockJumps.map((j) => j.atStep),
        plan.restartAtStep ?? 0,
      );
      const jobsOf = () => jobsFor(world, ticket, since);
      const status = () => world.jira.state.issues.get(ticket)?.status ?? '';
      // Pending downstream waits for the officer, who is part of the run: it has not settled.
      const settled = () =>
        TERMINAL_STATUSES.includes(status()) &&
        status() !== PENDING_DOWNSTREAM &&
        platform.pendingEvents() === 0 &&
        jobsOf().every((j) => !ACTIVE.has(j.state));
      for (let step = 0; ; step += 1) {
        for (const l of late.filter((x) => x.atStep === step))
          platform.deliverProductEvent(l.event.eventType, l.event.payload, { causedByApp: l.event.causedByApp });
        for (const j of plan.clockJumps.filter((x) => x.atStep === step)) clock.advance(j.ms);
        if (plan.restartAtStep === step) platform.dropQueuedEvents();
        await world.pump();
        // The officer confirms the downstream systems on the panel, faults still armed; a call that failed is
        // clicked again at the next step, as a person would.
        if (status() === PENDING_DOWNSTREAM) await confirmDownstreamSystems(world, ticket).catch(() => undefined);
        if (step >= lastScheduled && settled()) break;
        if (clock.now() - started > MAX_RUN_MS) break;
        await platform.advance(STEP_MS);
      }
      // Whatever the plan did not use up must not leak into the next run.
      platform.crashes.arm(null);
      for (const p of ['amiqus', 'ada', 'genesys'] as const) world[p].faults.clear();
      await world.pump();

      const observation: Observation = {
        world,
        scenario,
        ticket,
        since,
        jobs: jobsOf(),
        logs,
        resolverResponses: await resolverResponses(world, ticket),
      };
      const violations = checkInvariants(observation);
      const issue = world.jira.state.issues.get(ticket);
      const fired = platform.crashes.fired.slice(firedBefore);
      return {
        ticket,
        status: issue?.status ?? 'missing',
        jobs: Object.fromEntries(observation.jobs.map((j) => [j.provider, j.state])),
        crashed: fired[0]?.message ?? null,
        violations,
      };
    } finally {
      restoreConsole();
      platform.duplicateDelivery = false;
    }
  }
}

const ACTIVE = new Set(['pending', 'submitted', 'in_progress']);

export interface StoredJob {
  ticketKey: string;
  provider: string;
  state: string;
  nextStep: string | null;
  detail: string | null;
  providerRef: unknown;
  pollQueue: string;
  nextPollAt: number;
}

export function jobsFor(world: World, ticket: string, sinceMs = -Infinity): StoredJob[] {
  const jobs = world.platform.kvs.contents(sinceMs).entities['erasure-job'] ?? {};
  return Object.values(jobs as Record<string, StoredJob>).filter((j) => j.ticketKey === ticket);
}

/** Identifiers of run n: unique at every provider, valid in the forms the ticket fields require. */
export function subjectFor(plan: FaultPlan, n: number): Scenario {
  const s = plan.subject;
  const tag = letters(n);
  const email = `soak.${tag}@example.org`;
  const chatterId = (0x5f000000 + n).toString(16).padStart(8, '0') + 'a1b2c3d4e5f6a7b8';
  const externalContactId = `${(0x10000000 + n).toString(16).slice(-8)}-8c0e-4c2d-9a77-1d2e3f4a5b6c`;
  const clientId = 50_000_000 + n;
  return {
    id: `fault-run-${n}`,
    title: `fault run ${n}`,
    subject: {
      fullName: `Runa ${tag[0]?.toUpperCase()}${tag.slice(1)}son`,
      email,
      ...(s.phone ? { phones: `+4477009${String(n % 100_000).padStart(5, '0')} 2021-01-01..2024-06-30` } : {}),
      ...(s.amiqus.onTicket || s.amiqus.held ? { amiqusClientId: clientId } : {}),
      ...(s.ada.chatterId ? { adaChatterId: chatterId } : {}),
      ...(s.genesys.externalIdOnTicket ? { genesysExternalContactId: externalContactId } : {}),
    },
    holds: {
      ...(s.amiqus.held ? { amiqus: { clientId, deletable: s.amiqus.deletable } } : {}),
      ...(s.ada.byEmail || s.ada.chatterId
        ? { ada: { ...(s.ada.chatterId ? { chatterId } : {}), knownByEmail: s.ada.byEmail } }
        : {}),
      ...(s.genesys.held ? { genesys: { externalContactId } } : {}),
    },
    faults: { genesysError: s.genesysErrors, adaPartial: s.adaPartial && s.ada.chatterId },
    approver: 'officer',
    expect: { status: 'any', jobs: {} },
  };
}

function letters(n: number): string {
  let out = '';
  for (let x = n + 26 * 27; x > 0; x = Math.floor(x / 26)) out = String.fromCharCode(97 + (x % 26)) + out;
  return out;
}

/** Jira's at-least-once, unordered delivery: copies, a shuffled order, and some events held back. */
function scheduleJiraEvents(events: JiraEvent[], plan: FaultPlan): Array<{ event: JiraEvent; atStep: number }> {
  const copies = events.flatMap((event, i) => {
    const p = plan.jira.events[i] ?? { copies: 1, lateBySteps: 0, orderKey: i };
    return Array.from({ length: p.copies }, (_, c) => ({
      event,
      atStep: p.lateBySteps + c,
      order: p.orderKey * 10 + i,
    }));
  });
  return copies.sort((a, b) => a.order - b.order).map(({ event, atStep }) => ({ event, atStep }));
}

/** What the panel shows each kind of user for the ticket: checked for identifiers like any other output. */
async function resolverResponses(world: World, ticket: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const accountId of [DEMO_USERS.officer.accountId, DEMO_USERS.requester.accountId]) {
    out.push(await world.platform.invokeResolver('erasure-desk-panel', 'getView', {}, { accountId, issueKey: ticket }));
  }
  out.push(await world.platform.invokeResolver('erasure-desk-admin', 'getSettings', {}, { accountId: ADMIN_ACCOUNT }));
  return out;
}

/** The app's log lines during a run, kept for the no-personal-data check rather than printed. */
function captureConsole(into: string[]): () => void {
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  const keep = (...args: unknown[]) =>
    void into.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  console.log = keep;
  console.warn = keep;
  console.error = keep;
  console.info = keep;
  return () => Object.assign(console, saved);
}
