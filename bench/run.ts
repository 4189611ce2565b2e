import { performance } from 'node:perf_hooks';
import { runScenarios } from '../sandbox/demo/run';
import { DEMO_SCENARIOS, type Scenario } from '../sandbox/demo/scenarios';
import { DEMO_USERS } from '../sandbox/jira/demo-seed';
import type { SimServer } from '../sandbox/simulators/kit';
import { approverFor, startWorld, TERMINAL_STATUSES, type World } from '../sandbox/world';
import { PROVIDER_DESCRIPTIONS } from '../src/providers/descriptions';
import { minimumCallsPerErasure, type PerProvider, PROVIDERS, type Provider, settleFloor } from './api-floor';
import { runNaive } from './naive';

/**
 * `npm run bench [-- --backlog N] [-- --ada-job-minutes M] [-- --timeline]`: measures the app's real code paths
 * against the loopback simulators (each enforcing its provider's published limits) on a compressed virtual
 * clock. Part 1 runs one "all-three" erasure and counts what it costs; part 2 approves a backlog of N copies at
 * once, with queue consumers delivered concurrently as Forge runs them (the queue emulator, bounded only by the
 * concurrency key the app puts on each event), and measures time to settle, rate-limit use, calls per erasure
 * against the fewest the APIs allow, invocation times against their limits and exactly-once erasure; part 3 runs
 * the same backlog the tutorials' way (bench/naive.ts). `--ada-job-minutes` sets how long Ada's simulated jobs
 * take (default 20), for both; `--timeline` prints accepted calls, budget waits and queue pushes per minute.
 * Prints readable lines, then one JSON line with every number.
 */

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
    exchanges: {
      amiqus: world.amiqus.server.exchanges.length,
      ada: world.ada.server.exchanges.length,
      genesys: world.genesys.server.exchanges.length,
    },
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
  return {
    amiqus: world.amiqus.server.exchanges.slice(before.exchanges.amiqus),
    ada: world.ada.server.exchanges.slice(before.exchanges.ada),
    genesys: world.genesys.server.exchanges.slice(before.exchanges.genesys),
  };
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
    subject: {
      ...template.subject,
      fullName: `Bench Subject${n}`,
      email,
      amiqusClientId,
      adaChatterId,
      genesysExternalContactId,
    },
    holds: {
      amiqus: { clientId: amiqusClientId },
      ada: { chatterId: adaChatterId, knownByEmail: true },
      genesys: { externalContactId: genesysExternalContactId },
    },
  };
}

/** How many times each provider's ledger records the subject erased (Ada per identifier it erased). */
function erasureCounts(world: World, s: Scenario['subject']): PerProvider<number[]> {
  return {
    amiqus: [world.amiqus.ledger.count('delete_client', String(s.amiqusClientId))],
    ada: [
      world.ada.ledger.count('end_user_erased', `email||${String(s.email).toLowerCase()}`),
      world.ada.ledger.count('end_user_erased', `chatter_id||${String(s.adaChatterId).toLowerCase()}`),
    ],
    genesys: [world.genesys.ledger.count('subject_deleted', String(s.genesysExternalContactId).toLowerCase())],
  };
}

/** Busiest calendar minute of virtual time (providers count in fixed minute windows too). */
function peakPerMinute(stamps: Stamp[], from: number): number {
  const buckets = new Map<number, number>();
  for (const { at } of stamps)
    if (at >= from) buckets.set(Math.floor(at / 60_000), (buckets.get(Math.floor(at / 60_000)) ?? 0) + 1);
  return Math.max(0, ...buckets.values());
}

function parseFlag(argv: string[], flag: string, fallback: number): number {
  const i = argv.indexOf(flag);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer`);
  return n;
}

/** The minute-scale limit each provider publishes (PROVIDERS.md), the denominator of acceptedRatio. */
const MINUTE_LIMIT: PerProvider<number> = mapProviders(
  (p) =>
    (PROVIDER_DESCRIPTIONS[p].limits.rate as ReadonlyArray<{ limit: number; windowMs: number }>).find(
      (w) => w.windowMs === 60_000,
    )?.limit ?? 0,
);

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** Every invocation's duration by function, to report percentiles against each function's limit. */
function recordInvocations(world: World): Map<string, number[]> {
  const durations = new Map<string, number[]>();
  const platform = world.platform as unknown as {
    invoke: (key: string, args: unknown[], principal?: string | null) => Promise<unknown>;
  };
  const invoke = platform.invoke.bind(world.platform);
  platform.invoke = async (key, args, principal) => {
    const t0 = performance.now();
    try {
      return await invoke(key, args, principal ?? null);
    } finally {
      const list = durations.get(key) ?? [];
      list.push(performance.now() - t0);
      durations.set(key, list);
    }
  };
  return durations;
}

/** Storage operations, and those on the rate budgets alone, counted at the emulator's door. */
function countStorage(world: World): { all: number; budget: number } {
  const counts = { all: 0, budget: 0 };
  const kvs = world.platform.kvs as unknown as { handle: (path: string, body: Record<string, unknown>) => unknown };
  const handle = kvs.handle.bind(world.platform.kvs);
  kvs.handle = (path, body) => {
    counts.all += 1;
    const sets = Array.isArray(body.set) ? (body.set as Array<{ entityName?: string }>) : [];
    if (body.entityName === 'rate-budget' || sets.some((x) => x.entityName === 'rate-budget')) counts.budget += 1;
    return handle(path, body);
  };
  return counts;
}

/** Queue pushes per virtual minute, accepted and refused (Forge takes 500 events a minute per installation). */
function countPushes(world: World, now: () => number): Array<{ at: number; events: number; status: number }> {
  const pushes: Array<{ at: number; events: number; status: number }> = [];
  const queue = world.platform.queue as unknown as { push: (r: { payload: unknown[] }) => { status: number } };
  const push = queue.push.bind(world.platform.queue);
  queue.push = (request) => {
    const reply = push(request);
    pushes.push({ at: now(), events: request.payload.length, status: reply.status });
    return reply;
  };
  return pushes;
}

async function main(): Promise<void> {
  const backlog = parseFlag(process.argv, '--backlog', 2_000);
  const adaJobMinutes = parseFlag(process.argv, '--ada-job-minutes', 20);
  // The app logs one JSON line per step (no personal data). The bench keeps only the "waiting for rate
  // budget" lines, stamped with virtual time, to know the minutes a provider had work waiting on its limit.
  const waits: Array<{ at: number; provider: Provider }> = [];
  const showLogs = process.argv.includes('--logs');
  let clockNow = () => Date.now();
  if (!showLogs) {
    console.warn = () => undefined;
    console.log = console.info = (line: unknown) => {
      if (typeof line !== 'string' || !line.includes('waiting for rate budget')) return;
      const parsed = JSON.parse(line) as { provider?: Provider };
      if (parsed.provider) waits.push({ at: clockNow(), provider: parsed.provider });
    };
  }
  const template = DEMO_SCENARIOS.find((s) => s.id === 'all-three');
  if (!template) throw new Error('no all-three demo scenario');

  // In-memory KVS (no kvsFile): the bench measures the app, not file writes of the emulator. No downstream
  // systems: confirming them is a person's work on the panel, not throughput, so every ticket ends Done.
  const world = await startWorld({
    simulators: { adaJobDurationMs: adaJobMinutes * 60_000 },
    settings: (base) => ({ ...base, downstreamSystems: [] }),
  });
  const now = () => world.clock.now();
  clockNow = now;
  const durations = recordInvocations(world);
  const storage = countStorage(world);
  const stamps = mapProviders((p) => stampExchanges(world[p].server, now));
  const pushes = countPushes(world, now);
  const discrepancies: string[] = [];
  let peakHeap = 0;
  const sampleHeap = () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
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
    for (const p of PROVIDERS)
      out(
        `    ${p}: ${Object.entries(perErasure.providerCallsByLabel[p])
          .map(([k, v]) => `${v}× ${k}`)
          .join('; ')}`,
      );
    out(`  Jira calls by the app: ${perErasure.jiraCalls}`);
    out(
      `  function invocations: ${perErasure.invocations.count}, total ${perErasure.invocations.totalMs} ms, max ${perErasure.invocations.maxMs} ms`,
    );
    out(`  real time: ${perErasure.realMs} ms`);

    // 2. Backlog: open N tickets, approve them all, then run the clock until every one is terminal.
    const scenarios = Array.from({ length: backlog }, (_, i) => cloneSubject(template, i + 1));
    const tickets: string[] = [];
    for (const s of scenarios) {
      const key = world.openTicket(s);
      await world.move(key, 'Verifying identity', DEMO_USERS.officer.accountId);
      tickets.push(key);
    }
    await world.pump();
    for (const d of durations.values()) d.length = 0;

    const before2 = snapshot(world);
    const jira0 = new Map(world.platform.jiraCalls);
    const storage0 = { ...storage };
    const virtualStart = now();
    const real2 = performance.now();
    for (const [i, key] of tickets.entries()) await world.move(key, 'Approved', approverFor(scenarios[i] as Scenario));
    const settled = () =>
      tickets.every((k) => TERMINAL_STATUSES.includes(world.jira.state.issues.get(k)?.status ?? '')) &&
      world.platform.pendingEvents() === 0;
    // One-second platform steps: a worker re-queued for a reserved slot is delivered at its second, as on
    // Forge; scheduled triggers fire when their interval comes round.
    let allSettled = false;
    const horizon = virtualStart + 3 * 86_400_000 + adaJobMinutes * 60_000;
    await world.pump();
    while (!(allSettled = settled()) && now() < horizon) {
      await world.platform.advance(60_000, 1_000);
      await world.pump();
      sampleHeap();
    }
    const backlogRealMs = performance.now() - real2;
    const virtualMs = now() - virtualStart;
    const calls2 = exchangesSince(world, before2);

    const statuses = countBy(tickets.map((k) => world.jira.state.issues.get(k)?.status ?? 'missing'));
    if (!allSettled) discrepancies.push(`backlog did not settle within 3 virtual days (plus an Ada job)`);
    for (const [i, key] of tickets.entries()) {
      const status = world.jira.state.issues.get(key)?.status;
      if (status !== 'Done') discrepancies.push(`${key} ended ${status}`);
      const counts = erasureCounts(world, (scenarios[i] as Scenario).subject);
      for (const p of PROVIDERS)
        if (counts[p].some((c) => c !== 1))
          discrepancies.push(`${key} erased at ${p} ${counts[p].join('/')} times (expected 1)`);
    }
    if (world.platform.deadLetters.length > 0)
      discrepancies.push(`${world.platform.deadLetters.length} queue events dead-lettered`);
    if (world.platform.productEvents.lost.length > 0)
      discrepancies.push(`${world.platform.productEvents.lost.length} product events lost`);

    const minimum = minimumCallsPerErasure(backlog);
    const limitOf = new Map(
      world.platform.manifest.modules.function.map((f) => [f.key, (f.timeoutSeconds ?? 25) * 1000]),
    );
    const providers = mapProviders((p) => {
      const accepted = stamps[p].filter((e) => e.at >= virtualStart && e.status !== 429);
      // Minutes in which some call of this provider waited on its budget: the provider had work pending
      // that only its limit held back. acceptedRatio is what it accepted then, against its limit.
      const boundMinutes = new Set(
        waits.filter((w) => w.provider === p && w.at >= virtualStart).map((w) => Math.floor(w.at / 60_000)),
      );
      const acceptedInBound = accepted.filter((e) => boundMinutes.has(Math.floor(e.at / 60_000))).length;
      const calls = calls2[p].length;
      return {
        calls,
        rateLimited429: calls2[p].filter((e) => e.status === 429).length,
        limitBoundMinutes: boundMinutes.size,
        acceptedRatio: boundMinutes.size > 0 ? round(acceptedInBound / (MINUTE_LIMIT[p] * boundMinutes.size), 3) : null,
        // Why there is no ratio: no call ever waited on the budget, so the limit never held this provider back.
        acceptedRatioNote:
          boundMinutes.size > 0
            ? null
            : `not rate-bound: no call waited on its budget (${calls} calls in all; limit ${MINUTE_LIMIT[p]}/min)`,
        peakAcceptedPerMinute: peakPerMinute(accepted, virtualStart),
        callsPerErasure: round(calls / backlog, 4),
        minimumCallsPerErasure: round(minimum[p], 4),
        ratioToMinimum: round(calls / backlog / minimum[p], 3),
        byLabel: countBy(calls2[p].map((e) => `${e.label} ${e.status}`)),
      };
    });
    const invocations = Object.fromEntries(
      [...durations].map(([key, list]) => {
        const sorted = [...list].sort((a, b) => a - b);
        const limitMs = limitOf.get(key) ?? 25_000;
        return [
          key,
          {
            count: list.length,
            p50Ms: Math.round(percentile(sorted, 0.5)),
            p99Ms: Math.round(percentile(sorted, 0.99)),
            maxMs: Math.round(sorted.at(-1) ?? 0),
            limitMs,
            underHalfLimit: (sorted.at(-1) ?? 0) < limitMs / 2,
          },
        ];
      }),
    );
    const jiraCalls = snapshot(world).jiraCalls - before2.jiraCalls;
    const storageOps = storage.all - storage0.all;
    const budgetOps = storage.budget - storage0.budget;
    const totalProviderCalls = PROVIDERS.reduce((a, p) => a + providers[p].calls, 0);
    const backlogFigures = {
      subjects: backlog,
      adaJobMinutes,
      settled: allSettled,
      statuses,
      virtualMinutes: Math.round(virtualMs / 60_000),
      realMs: Math.round(backlogRealMs),
      providers,
      jiraCallsPerErasure: round(jiraCalls / backlog, 2),
      jiraCallsByEndpoint: jiraCallsSince(world, jira0),
      storageOpsPerErasure: round(storageOps / backlog, 2),
      budgetStorageOpsPerProviderCall: round(budgetOps / Math.max(1, totalProviderCalls), 2),
      invocations,
      peakHeapMb: Math.round(peakHeap / 1024 / 1024),
      overruns: [...world.platform.stats.values()].reduce((a, s) => a + s.overruns, 0),
      // Consumers run as Forge runs them: concurrently, bounded only by each event's concurrency key.
      peakConcurrentConsumers: {
        overall: world.platform.queue.peakConcurrency.overall,
        byKey: Object.fromEntries(world.platform.queue.peakConcurrency.byKey),
      },
      productEventsLost: world.platform.productEvents.lost.length,
    };

    out('');
    out(
      `── backlog of ${backlog} all-three erasures approved at once, consumers delivered concurrently as on Forge (Ada jobs take ${adaJobMinutes} min)`,
    );
    out(
      `  settled: ${allSettled ? 'yes' : 'NO'}; statuses: ${Object.entries(statuses)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}`,
    );
    out(`  time to settle: ${backlogFigures.virtualMinutes} virtual min; real time ${backlogFigures.realMs} ms`);
    for (const p of PROVIDERS) {
      const f = providers[p];
      out(
        `  ${p}: ${f.calls} calls, ${f.rateLimited429} × 429, acceptedRatio ${f.acceptedRatio === null ? `n/a, ${f.acceptedRatioNote}` : `${f.acceptedRatio} over ${f.limitBoundMinutes} limit-bound min`}, ${f.callsPerErasure}/erasure (minimum ${f.minimumCallsPerErasure}, ×${f.ratioToMinimum})`,
      );
    }
    out(
      `  Jira calls per erasure: ${backlogFigures.jiraCallsPerErasure}; storage operations per erasure: ${backlogFigures.storageOpsPerErasure}; rate-budget storage operations per provider call: ${backlogFigures.budgetStorageOpsPerProviderCall}`,
    );
    for (const [k, v] of Object.entries(invocations))
      out(
        `  ${k}: ${v.count}× p50 ${v.p50Ms} ms, p99 ${v.p99Ms} ms, max ${v.maxMs} ms of ${v.limitMs} ms${v.underHalfLimit ? '' : ' (OVER HALF THE LIMIT)'}`,
      );
    out(`  peak heap: ${backlogFigures.peakHeapMb} MB`);
    out(
      `  invocations over their time limit: ${backlogFigures.overruns}; peak concurrent consumer invocations: ${backlogFigures.peakConcurrentConsumers.overall} (${Object.entries(
        backlogFigures.peakConcurrentConsumers.byKey,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}); product events lost: ${backlogFigures.productEventsLost}`,
    );
    out(`  every ticket Done and every subject erased exactly once: ${discrepancies.length === 0 ? 'yes' : 'NO'}`);
    for (const d of discrepancies.slice(0, 20)) out(`    ${d}`);
    if (discrepancies.length > 20) out(`    … and ${discrepancies.length - 20} more`);

    if (process.argv.includes('--timeline')) {
      out('  minute: accepted calls amiqus/ada/genesys | budget waits amiqus/ada/genesys | events pushed (refused)');
      const minute = (t: number) => Math.floor((t - virtualStart) / 60_000);
      for (let m = 0; m <= minute(now()); m += 1) {
        const acc = PROVIDERS.map(
          (p) => stamps[p].filter((e) => e.status !== 429 && e.at >= virtualStart && minute(e.at) === m).length,
        );
        const w = PROVIDERS.map(
          (p) => waits.filter((x) => x.provider === p && x.at >= virtualStart && minute(x.at) === m).length,
        );
        const inMinute = pushes.filter((x) => x.at >= virtualStart && minute(x.at) === m);
        const ok = inMinute.filter((x) => x.status < 300).reduce((a, x) => a + x.events, 0);
        const refused = inMinute.filter((x) => x.status >= 300).reduce((a, x) => a + x.events, 0);
        out(`  ${String(m).padStart(4)}: ${acc.join('/')} | ${w.join('/')} | ${ok} (${refused})`);
      }
    }

    // 3. The same backlog the tutorials' way, on simulators of its own.
    const naive = await runNaive(
      scenarios.map((s) => ({
        email: String(s.subject.email),
        amiqusClientId: Number(s.subject.amiqusClientId),
        adaChatterId: String(s.subject.adaChatterId),
        genesysExternalContactId: String(s.subject.genesysExternalContactId),
        fullName: s.subject.fullName,
      })),
      virtualStart,
      { adaJobDurationMs: adaJobMinutes * 60_000 },
    );
    const speedup = round(naive.virtualMinutes / Math.max(1, backlogFigures.virtualMinutes), 1);
    // The most any client could show over the naive run: naive time over the shortest time the APIs allow.
    const floor = settleFloor({
      subjects: backlog,
      minuteLimit: MINUTE_LIMIT,
      providerMinutes: { ada: adaJobMinutes, genesys: world.genesys.requestDurationMs / 60_000 },
    });
    const speedupCeiling = round(naive.virtualMinutes / floor.minutes, 2);
    out('');
    out(
      `── naive (sequential submits, a status GET per request every 30 s): ${naive.virtualMinutes} virtual min (${naive.realMs} ms real), calls ${PROVIDERS.map((p) => `${p} ${naive.calls[p]} (${naive.rateLimited429[p]} × 429, ${naive.sleptMinutes[p]} min asleep on them)`).join(', ')}; every subject erased once: ${naive.erasedExactlyOnce ? 'yes' : 'NO'}`,
    );
    out(`  speedup: ${speedup}×`);
    out(
      `  no client settles this backlog in under ${floor.minutes} virtual min (${floor.boundBy}; then ${floor.bounds
        .slice(1)
        .map((b) => `${b.cause}: ${b.minutes}`)
        .join(
          '; ',
        )}), so no client shows a speedup above ${speedupCeiling}× over the naive run; ours took ${round(backlogFigures.virtualMinutes / floor.minutes, 2)}× that floor`,
    );

    out(
      JSON.stringify({
        backlog: { ...backlogFigures, floorMinutes: floor.minutes, floor },
        naive,
        speedup,
        speedupCeiling,
        perErasure,
        discrepancies,
      }),
    );
    process.exitCode = discrepancies.length === 0 ? 0 : 1;
  } finally {
    await world.close();
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function jiraCallsSince(world: World, before: Map<string, number>): Record<string, number> {
  return Object.fromEntries(
    [...world.platform.jiraCalls]
      .map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const)
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1]),
  );
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
