import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SCENARIOS } from './demo/scenarios';
import { addScenarioHold, runScenarios } from './demo/run';
import { timeline } from './demo/timeline';
import { AMIQUS_INTAKE_CLIENTS } from './demo/intake';
import { ADMIN_ACCOUNT, REPO_ROOT, startWorld, type WorldSnapshot } from './world';

/**
 * `npm start`: runs the demo DSARs through the real app in the local world and prints each ticket's
 * timeline, then one JSON summary line. `npm start -- --serve [--port N]` keeps the world running for a
 * person; its first stdout line is one JSON object (with npm's banner suppressed by `npm start --silent`).
 */

/** Where the served sandbox listens unless told otherwise: the same URLs every start, so bookmarks and the
 * Amiqus webhook registered at the web trigger URL keep working across restarts. */
const DEFAULT_BASE_PORT = 4610;
async function main(): Promise<void> {
  const serve = process.argv.includes('--serve');
  // The app logs one JSON line per step; the demo prints timelines instead, unless asked for logs.
  if (!process.argv.includes('--logs')) console.log = () => undefined;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (serve) return serveWorld(out, basePortOf(process.argv));

  const dir = mkdtempSync(join(tmpdir(), 'erasure-desk-demo-'));
  const world = await startWorld({ kvsFile: join(dir, 'kvs.json') });
  try {
    const results = await runScenarios(world, DEMO_SCENARIOS);
    for (const r of results) {
      out('');
      out(`── ${r.scenario.title}`);
      for (const line of timeline(world, r.ticket)) out(line);
      if (r.recordVerified !== null)
        out(`  every compliance record's hash chain and summary verify: ${r.recordVerified ? 'yes' : 'NO'}`);
    }
    const mismatches = results.filter(
      (r) =>
        r.status !== r.scenario.expect.status ||
        JSON.stringify(sortKeys(r.jobs)) !== JSON.stringify(sortKeys(r.scenario.expect.jobs)),
    );
    out('');
    out(
      `provider calls: ${world.amiqus.server.exchanges.length} Amiqus, ${world.ada.server.exchanges.length} Ada, ${world.genesys.server.exchanges.length} Genesys; Jira calls by the app: ${[...world.platform.jiraCalls.values()].reduce((a, b) => a + b, 0)}`,
    );
    if (mismatches.length > 0) out(`UNEXPECTED OUTCOMES: ${mismatches.map((m) => m.ticket).join(', ')}`);
    out(JSON.stringify({ summary: results.map((r) => ({ ticket: r.ticket, status: r.status, jobs: r.jobs })) }));
    process.exitCode = mismatches.length > 0 ? 1 : 0;
  } finally {
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

function basePortOf(argv: string[]): number {
  const i = argv.indexOf('--port');
  if (i < 0) return DEFAULT_BASE_PORT;
  const port = Number(argv[i + 1]);
  if (!Number.isInteger(port) || port < 1024 || port > 65_530)
    throw new Error(
      `--port needs a number from 1024 to 65530 (the sandbox uses it and the next four), not "${argv[i + 1] ?? ''}"`,
    );
  return port;
}

async function serveWorld(out: (line: string) => void, basePort: number): Promise<void> {
  const dataDir = process.env.SANDBOX_DATA_DIR ?? join(REPO_ROOT, '.sandbox-data');
  const worldFile = join(dataDir, 'world.json');
  const restore = existsSync(worldFile) ? (JSON.parse(readFileSync(worldFile, 'utf8')) as WorldSnapshot) : undefined;
  const world = await startWorld({
    kvsFile: join(dataDir, 'kvs.json'),
    startAt: Date.now(),
    basePort,
    ...(restore ? { restore } : {}),
  });
  // Written atomically, every few seconds and on the way out, so a restart (or a crash) finds the same site.
  const save = () => {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(`${worldFile}.tmp`, JSON.stringify(world.snapshot()));
    renameSync(`${worldFile}.tmp`, worldFile);
  };
  if (!restore) {
    // What the demo shows: its tickets, the legal hold one of them hits, and Amiqus clients due for deletion
    // arriving as tickets by the daily poll (run once now, as its first scheduled fire) and by a signed webhook.
    for (const scenario of DEMO_SCENARIOS) {
      await addScenarioHold(world, scenario);
      world.openTicket(scenario);
    }
    for (const client of AMIQUS_INTAKE_CLIENTS) world.amiqus.seedClient(client);
    await world.platform.fireScheduledTrigger('amiqus-due-clients');
    const byWebhook = AMIQUS_INTAKE_CLIENTS.find((c) => (c.deletionInDays ?? 0) > 0);
    if (byWebhook) await world.amiqus.deliverEvent('client.deletion_reminder_due', byWebhook.id);
    await world.pump();
  }
  save();
  // One real second is one virtual minute: jobs progress and scheduled triggers fire while a person watches.
  let ticks = 0;
  let busy = Promise.resolve();
  const timer = setInterval(() => {
    busy = busy
      .then(() => world.platform.advance(60_000))
      .then(() => world.amiqus.runDueDeliveries())
      .then(() => world.pump())
      .then(() => {
        ticks += 1;
        if (ticks % 5 === 0) save();
      })
      .catch((error: unknown) => {
        process.stderr.write(`sandbox tick failed: ${error instanceof Error ? error.message : String(error)}\n`);
      });
  }, 1_000);
  const stop = () => {
    clearInterval(timer);
    void busy
      .then(() => save())
      .then(() => world.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Last, so `ready` means ready: the site is seeded and a signal from now on stops it cleanly.
  out(
    JSON.stringify({
      ready: true,
      jira: world.jira.url,
      adminPage: `${world.jira.url}/admin?as=${encodeURIComponent(ADMIN_ACCOUNT)}`,
      amiqusWebhook: world.webtriggers.urlFor('amiqus-webhook-endpoint'),
      amiqus: world.amiqus.url,
      ada: world.ada.url,
      genesys: world.genesys.apiUrl,
      credentials: {
        amiqus: { token: world.amiqus.token },
        ada: { apiKey: world.ada.apiKey },
        genesys: { clientId: world.genesys.clientId, clientSecret: world.genesys.clientSecret },
        jiraUsers: [...world.jira.state.users.values()].map((u) => ({
          accountId: u.accountId,
          name: u.displayName,
          groups: u.groups,
        })),
      },
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
