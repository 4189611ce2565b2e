import { performance } from 'node:perf_hooks';
import { runScenarios } from '../sandbox/demo/run';
import { DEMO_SCENARIOS, type Scenario } from '../sandbox/demo/scenarios';
import { DEMO_USERS } from '../sandbox/jira/demo-seed';
import type { SimServer } from '../sandbox/simulators/kit';
import { approverFor, startWorld, TERMINAL_STATUSES, type World } from '../sandbox/world';

/**
 * `npm run bench [-- --backlog N] [-- --logs]`: measures the app's real code paths against the loopback
 * simulators. Part 1 runs one "all-three" erasure and counts what it costs; part 2 approves a backlog of N
 * copies at once and measures throughput, rate-limit pressure and exactly-once erasure. Prints readable
 * lines, then one JSON line with every number.
 */

const PROVIDERS = ['amiqus', 'ada', 'genesys'] as const;
type Provider = (typeof PROVIDERS)[number];
type PerProvider<T> = Record<Provider, T>;

const out = (line: string) => process.stdout.write(`${line}\n`);

interface Stamp {
  at: number;
  status: number;
}

/** Exchanges carry no timestamp, so each push is stamped with virtual time to bucket calls per minute. */
function stampExchanges(server: SimServer, now: () => number): Stamp[] {
  const stamps: Stamp[] = [];
  const push = server.exchanges.push.bind(server.exchanges);
  server.exchanges.push = (...items) => {
    for (const e of items) stamps.push({ at: now(), status: e.status });
    return push(...items);
  };
  return stamps;
}

interface Snapshot {
  exchanges: PerProvider<number>;
  jiraCalls: number;
  invocations: Map<string, { count: number; totalMs: number; maxMs: number }>;
}

function snapshot(world: World): Snapshot {
  return {
    exchanges: { amiqus: world.amiqus.server.exchanges.length, ada: world.ada.server.exchanges.length, genesys: world.genesys.server.exchanges.length },
    jiraCalls: [...world.platform.jiraCalls.values()].reduce((a, b) => a + b, 0),
    // Copied because the platform mutates its stat objects in place.
    invocations: new Map([...world.platform.stats].map(([k, s]) => [k, { ...s }])),
  };
}

/** Invocation counts and durations since `before`. maxMs is the max over the whole run (stats keep no history). */
function invocationsSince(world: World, before: Snapshot) {
  const byFunction: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
  for (const [key, s] of world.platform.stats) {
    const prev = before.invocations.get(key);
    const count = s.count - (prev?.count ?? 0);
    if (count > 0) byFunction[key] = { count, totalMs: s.totalMs - (prev?.totalMs ?? 0), maxMs: s.maxMs };
  }
  const all = Object.values(byFunction);
  return {
    byFunction,
    count: all.reduce((a, s) => a + s.count, 0),
    totalMs: all.reduce((a, s) => a + s.totalMs, 0),
    maxMs: Math.max(0, ...all.map((s) => s.maxMs)),
  };
}

function exchangesSince(world: World, before: Snapshot): PerProvider<SimServer['exchanges']> {
  return { amiqus: world.amiqus.server.exchanges.slice(before.exchanges.amiqus), ada: world.ada.server.exchanges.slice(before.exchanges.ada), genesys: world.genesys.server.exchanges.slice(before.exchanges.genesys) };
}

function mapProviders<T>(fn: (p: Provider) => T): PerProvider<T> {
  return { amiqus: fn('amiqus'), ada: fn('ada'), genesys: fn('genesys') };
}

/** A copy of the all-three scenario with identifiers unique to `n`, in the formats the app validates. */
function cloneSubject(template: Scenario, n: number): Scenario {
  const hex = n.toString(16);
  const email = `bench.subject${n}@example.org`;
  const amiqusClientId = 900_000 + n;
  const adaChatterId = `be${hex.padStart(22, '0')}`; // 24 hex chars, like a Mongo ObjectId
  const genesysExternalContactId = `be000000-0000-4000-8000-${hex.padStart(12, '0')}`;
  return {
    ...template,
    id: `${template.id}-bench-${n}`,
    title: `${template.title} (bench ${n})`,
    subject: { ...template.subject, fullName: `Bench Subject${n}`, email, amiqusClientId, adaChatterId, genesysExternalContactId },
    holds: { amiqus: { clientId: amiqusClientId }, ada: { chatterId: adaChatterId, knownByEmail: true }, genesys: { externalContactId: genesysExternalContactId } },
  };
}

/** How many times each provider's ledger records the subject erased (Ada per identifier it erased). */
function erasureCounts(world: World, s: Scenario['subject']): PerProvider<number[]> {
  return {
    amiqus: [world.amiqus.ledger.count('delete_client', String(s.amiqusClientId))],
    ada: [world.ada.ledger.count('end_user_erased', `email||${String(s.email).toLowerCase()}`), world.ada.ledger.count('end_user_erased', `chatter_id||${String(s.adaChatterId).toLowerCase()}`)],
    genesys: [world.genesys.ledger.count('subject_deleted', String(s.genesysExternalContactId).toLowerCase())],
  };
}

/** Busiest calendar minute of virtual time (providers count in fixed minute windows too). */
function peakPerMinute(stamps: Stamp[], from: number): number {
  const buckets = new Map<number, number>();
  for (const { at } of stamps) if (at >= from) buckets.set(Math.floor(at / 60_000), (buckets.get(Math.floor(at / 60_000)) ?? 0) + 1);
  return Math.max(0, ...buckets.values());
}

function parseBacklog(argv: string[]): number {
  const i = argv.indexOf('--backlog');
  // 200 takes about 75 s real time on 2 cores, mostly the app's client-side rate limiters sleeping for
  // real (setTimeout) while the virtual clock keeps ticking with wall time; within the 2-minute budget.
  if (i < 0) return 200;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error('--backlog needs a positive integer');
  return n;
}

async function main(): Promise<void> {
  const backlog = parseBacklog(process.argv);
  // The app logs one JSON line per step (info via console.log, warnings such as deferred calls via
  // console.warn); thousands would drown the figures and skew timings. Errors stay visible.
  if (!process.argv.includes('--logs')) console.log = console.info = console.warn = () => undefined;
  const template = DEMO_SCENARIOS.find((s) => s.id === 'all-three');
  if (!template) throw new Error('no all-three demo scenario');

  // In-memory KVS (no kvsFile): the bench measures the app, not file writes of the emulator.
  const world = await startWorld();
  const now = () => world.clock.now();
  const stamps = mapProviders((p) => stampExchanges(world[p].server, now));
  const discrepancies: string[] = [];
  try {
    // 1. One erasure, every counter taken as a difference so setup calls are excluded.
    const before1 = snapshot(world);
    const real1 = performance.now();
    const [single] = await runScenarios(world, [template]);
    const singleRealMs = performance.now() - real1;
    const calls1 = exchangesSince(world, before1);
    const perErasure = {
      ticket: single?.ticket,
      status: single?.status,
      providerCalls: mapProviders((p) => calls1[p].length),
      providerCallsByLabel: mapProviders((p) => countBy(calls1[p].map((e) => `${e.label} ${e.status}`))),
      jiraCalls: snapshot(world).jiraCalls - before1.jiraCalls,
      invocations: invocationsSince(world, before1),
      realMs: Math.round(singleRealMs),
    };
    if (single?.status !== 'Done') discrepancies.push(`single erasure ${single?.ticket} ended ${single?.status}`);

    out(`── one erasure (all-three), ticket ${perErasure.ticket} → ${perErasure.status}`);
    out(`  provider calls: ${PROVIDERS.map((p) => `${p} ${perErasure.providerCalls[p]}`).join(', ')}`);
    for (const p of PROVIDERS) out(`    ${p}: ${Object.entries(perErasure.providerCallsByLabel[p]).map(([k, v]) => `${v}× ${k}`).join('; ')}`);
    out(`  Jira calls by the app: ${perErasure.jiraCalls}`);
    out(`  function invocations: ${perErasure.invocations.count}, total ${perErasure.invocations.totalMs} ms, max ${perErasure.invocations.maxMs} ms`);
    for (const [k, s] of Object.entries(perErasure.invocations.byFunction)) out(`    ${k}: ${s.count}× total ${s.totalMs} ms`);
    out(`  real time: ${perErasure.realMs} ms`);

    // 2. Backlog: open N tickets, approve them all, then run the clock until every one is terminal.
    const scenarios = Array.from({ length: backlog }, (_, i) => cloneSubject(template, i + 1));
    const openReal = performance.now();
    const tickets: string[] = [];
    for (const s of scenarios) {
      const key = world.openTicket(s);
      await world.move(key, 'Verifying identity', DEMO_USERS.officer.accountId);
      tickets.push(key);
    }
    await world.pump();
    const openRealMs = performance.now() - openReal;

    const before2 = snapshot(world);
    const virtualStart = now();
    const real2 = performance.now();
    for (const [i, key] of tickets.entries()) await world.move(key, 'Approved', approverFor(scenarios[i] as Scenario));
    const settled = () => tickets.every((k) => TERMINAL_STATUSES.includes(world.jira.state.issues.get(k)?.status ?? '')) && world.platform.pendingEvents() === 0;
    // runUntil advances in 5-minute steps, so the virtual time below is accurate to that step (it also
    // includes the real time elapsed, since the virtual clock runs on from wall time).
    const allSettled = await world.runUntil(settled, 3 * 86_400_000);
    const backlogRealMs = performance.now() - real2;
    const virtualMs = now() - virtualStart;
    const calls2 = exchangesSince(world, before2);

    const statuses = countBy(tickets.map((k) => world.jira.state.issues.get(k)?.status ?? 'missing'));
    if (!allSettled) discrepancies.push(`backlog did not settle within 3 virtual days`);
    for (const [i, key] of tickets.entries()) {
      const status = world.jira.state.issues.get(key)?.status;
      if (status !== 'Done') discrepancies.push(`${key} ended ${status}`);
      const counts = erasureCounts(world, (scenarios[i] as Scenario).subject);
      for (const p of PROVIDERS) if (counts[p].some((c) => c !== 1)) discrepancies.push(`${key} erased at ${p} ${counts[p].join('/')} times (expected 1)`);
    }
    if (world.platform.deadLetters.length > 0) discrepancies.push(`${world.platform.deadLetters.length} queue events dead-lettered`);
    if (world.platform.productEvents.lost.length > 0) discrepancies.push(`${world.platform.productEvents.lost.length} product events lost`);

    const backlogFigures = {
      tickets: backlog,
      statuses,
      virtualMinutes: Math.round(virtualMs / 60_000),
      realMs: Math.round(backlogRealMs),
      openRealMs: Math.round(openRealMs),
      providerCalls: mapProviders((p) => calls2[p].length),
      providerCallsByLabel: mapProviders((p) => countBy(calls2[p].map((e) => `${e.label} ${e.status}`))),
      rateLimited429: mapProviders((p) => calls2[p].filter((e) => e.status === 429).length),
      peakCallsPerVirtualMinute: mapProviders((p) => peakPerMinute(stamps[p], virtualStart)),
      // The same without 429s: what the provider actually accepted, to compare with its published limit.
      peakAcceptedPerVirtualMinute: mapProviders((p) => peakPerMinute(stamps[p].filter((e) => e.status !== 429), virtualStart)),
      jiraCalls: snapshot(world).jiraCalls - before2.jiraCalls,
      invocations: invocationsSince(world, before2),
      overruns: [...world.platform.stats.values()].reduce((a, s) => a + s.overruns, 0),
      // Consumers run as Forge runs them: concurrently, bounded only by each event's concurrency key.
      peakConcurrentConsumers: {
        overall: world.platform.queue.peakConcurrency.overall,
        byKey: Object.fromEntries(world.platform.queue.peakConcurrency.byKey),
      },
      productEventsLost: world.platform.productEvents.lost.length,
    };

    out('');
    out(`── backlog of ${backlog} all-three erasures approved at once`);
    out(`  opening ${backlog} tickets took ${backlogFigures.openRealMs} ms real time`);
    out(`  settled: ${allSettled ? 'yes' : 'NO'}; statuses: ${Object.entries(statuses).map(([k, v]) => `${v} ${k}`).join(', ')}`);
    out(`  virtual time: ${backlogFigures.virtualMinutes} min (5-min steps); real time: ${backlogFigures.realMs} ms`);
    out(`  provider calls: ${PROVIDERS.map((p) => `${p} ${backlogFigures.providerCalls[p]}`).join(', ')}`);
    out(`  429 responses: ${PROVIDERS.map((p) => `${p} ${backlogFigures.rateLimited429[p]}`).join(', ')}`);
    out(`  peak calls per virtual minute: ${PROVIDERS.map((p) => `${p} ${backlogFigures.peakCallsPerVirtualMinute[p]}`).join(', ')}`);
    out(`  peak accepted (non-429) calls per virtual minute: ${PROVIDERS.map((p) => `${p} ${backlogFigures.peakAcceptedPerVirtualMinute[p]}`).join(', ')}`);
    out(`  Jira calls by the app: ${backlogFigures.jiraCalls}`);
    out(`  function invocations: ${backlogFigures.invocations.count}, total ${backlogFigures.invocations.totalMs} ms, max ${backlogFigures.invocations.maxMs} ms, over timeout ${backlogFigures.overruns}`);
    out(`  peak concurrent consumer invocations: ${backlogFigures.peakConcurrentConsumers.overall} (${Object.entries(backlogFigures.peakConcurrentConsumers.byKey).map(([k, v]) => `${k} ${v}`).join(', ')}); product events lost: ${backlogFigures.productEventsLost}`);
    out(`  every ticket Done and every subject erased exactly once: ${discrepancies.length === 0 ? 'yes' : 'NO'}`);
    for (const d of discrepancies.slice(0, 20)) out(`    ${d}`);
    if (discrepancies.length > 20) out(`    … and ${discrepancies.length - 20} more`);

    out(JSON.stringify({ perErasure, backlog: backlogFigures, discrepancies }));
    process.exitCode = discrepancies.length === 0 ? 0 : 1;
  } finally {
    await world.close();
  }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
