import { parseArgs } from 'node:util';
import { FaultHarness, type RunReport } from './harness';
import { planForSeed } from './plan';

/**
 * `npm run soak -- --runs N [--seed S]`: the fault-sequence properties at scale. Run i replays the plan of
 * seed S + i, so any failure is reproduced with `--runs 1 --seed <its seed>`. Prints progress to stderr and,
 * last, one JSON line: runs, violations, and the seed, plan and findings of every failing run.
 */

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' }, seed: { type: 'string', default: '1' }, verbose: { type: 'boolean', default: false } } });
  const runs = Number(values.runs);
  const base = Number(values.seed);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(base)) throw new Error('usage: npm run soak -- --runs N [--seed S]');
  const harness = await FaultHarness.start();
  const failures: Array<{ seed: number; plan: unknown; report: RunReport }> = [];
  const started = performance.now();
  const tally = { crashes: 0, statuses: {} as Record<string, number> };
  try {
    for (let i = 0; i < runs; i += 1) {
      const seed = base + i;
      const plan = planForSeed(seed);
      let report: RunReport;
      const t0 = performance.now();
      try {
        report = await harness.run(plan);
      } catch (error) {
        report = { ticket: '?', status: 'harness error', jobs: {}, crashed: null, violations: [`the run threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`] };
      }
      if (report.crashed) tally.crashes += 1;
      tally.statuses[report.status] = (tally.statuses[report.status] ?? 0) + 1;
      if (report.violations.length > 0) {
        failures.push({ seed, plan, report });
        process.stderr.write(`seed ${seed}: ${report.violations.join(' | ')}\n`);
      }
      if (values.verbose) process.stderr.write(`seed ${seed}: ${report.ticket} ${report.status} ${JSON.stringify(report.jobs)}${report.crashed ? ` [${report.crashed}]` : ''} ${Math.round(performance.now() - t0)} ms\n`);
      if ((i + 1) % 100 === 0) process.stderr.write(`${i + 1}/${runs} runs, ${failures.length} with violations, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
  } finally {
    await harness.close();
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({ runs, violations: failures.reduce((n, f) => n + f.report.violations.length, 0), failingRuns: failures.length, failingSeeds: failures.map((f) => f.seed), seconds: Math.round(seconds), msPerRun: Math.round((seconds * 1000) / runs), crashesInjected: tally.crashes, finalStatuses: tally.statuses, failures: failures.slice(0, 20) })}\n`,
  );
  // Abandoned invocations (killed by injected crashes) may still hold timers; the report is complete.
  process.exit(failures.length > 0 ? 1 : 0);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
