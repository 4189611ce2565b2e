import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { FaultHarness, type RunReport } from './harness';
import { type FaultPlan, planForSeed } from './plan';
import { REGRESSION_PLANS } from './regressions';

/**
 * `npm run soak -- --runs N [--seed S] [--workers W]`: the fault-sequence properties at scale. Run i replays
 * the plan of seed S + i, so a failure is reproduced with `--runs 1 --seed <its seed>`; the regression plans
 * run first. W processes (default 2) each run one sandbox world, started afresh every 250 runs so storage
 * stays the size of a real site's. Progress goes to stderr; the last line on stdout is one JSON object:
 * runs, violations, the failing seeds with their plans and findings, and what the runs met.
 */

interface Failure {
  seed: number | string;
  plan: FaultPlan;
  report: RunReport;
}

interface Tally {
  runs: number;
  failures: Failure[];
  crashes: number;
  statuses: Record<string, number>;
  jobStates: Record<string, number>;
}

const RUNS_PER_WORLD = 250;

async function runSlice(seeds: number[], withRegressions: boolean, progress: (done: number) => void): Promise<Tally> {
  const tally: Tally = { runs: 0, failures: [], crashes: 0, statuses: {}, jobStates: {} };
  const work: Array<{ seed: number | string; plan: FaultPlan }> = [
    ...(withRegressions ? REGRESSION_PLANS.map((r, i) => ({ seed: `regression-${i + 1}`, plan: r.plan })) : []),
    ...seeds.map((seed) => ({ seed, plan: planForSeed(seed) })),
  ];
  let harness: FaultHarness | null = null;
  try {
    for (const [i, { seed, plan }] of work.entries()) {
      if (i % RUNS_PER_WORLD === 0) {
        await harness?.close();
        harness = await FaultHarness.start();
      }
      let report: RunReport;
      try {
        report = await (harness as FaultHarness).run(plan);
      } catch (error) {
        report = {
          ticket: '?',
          status: 'harness error',
          jobs: {},
          crashed: null,
          violations: [`the run threw: ${describeThrown(error)}`],
        };
      }
      tally.runs += 1;
      if (report.crashed) tally.crashes += 1;
      tally.statuses[report.status] = (tally.statuses[report.status] ?? 0) + 1;
      for (const [p, state] of Object.entries(report.jobs))
        tally.jobStates[`${p}:${state}`] = (tally.jobStates[`${p}:${state}`] ?? 0) + 1;
      if (report.violations.length > 0) {
        tally.failures.push({ seed, plan, report });
        process.stderr.write(`seed ${seed}: ${report.violations.join(' | ')}\n`);
      }
      progress(tally.runs);
    }
  } finally {
    await harness?.close();
  }
  return tally;
}

/** The error and its causes (undici's "fetch failed" says why only in its cause). */
function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined ? '' : `\ncaused by: ${describeThrown(error.cause)}`;
  return `${error.stack ?? error.message}${cause}`;
}

function merge(tallies: Tally[]): Tally {
  const out: Tally = { runs: 0, failures: [], crashes: 0, statuses: {}, jobStates: {} };
  for (const t of tallies) {
    out.runs += t.runs;
    out.failures.push(...t.failures);
    out.crashes += t.crashes;
    for (const [k, v] of Object.entries(t.statuses)) out.statuses[k] = (out.statuses[k] ?? 0) + v;
    for (const [k, v] of Object.entries(t.jobStates)) out.jobStates[k] = (out.jobStates[k] ?? 0) + v;
  }
  return out;
}

/** A worker process: runs its slice and sends the tally (and progress) to the parent. */
async function worker(seeds: number[], withRegressions: boolean): Promise<void> {
  const tally = await runSlice(seeds, withRegressions, (done) => {
    if (done % 25 === 0) process.send?.({ progress: 25 });
  });
  process.send?.({ tally }, () => process.exit(0));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      workers: { type: 'string', default: '2' },
      'worker-seeds': { type: 'string' },
      'worker-regressions': { type: 'boolean', default: false },
    },
  });
  if (values['worker-seeds'] !== undefined) {
    const [from, count, stride] = values['worker-seeds'].split(',').map(Number) as [number, number, number];
    return worker(
      Array.from({ length: count }, (_, i) => from + i * stride),
      values['worker-regressions'],
    );
  }
  const runs = Number(values.runs);
  const base = Number(values.seed);
  const workers = Math.max(1, Math.min(Number(values.workers), runs));
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(base) || !Number.isInteger(workers))
    throw new Error('usage: npm run soak -- --runs N [--seed S] [--workers W]');

  const started = performance.now();
  let done = 0;
  const tallies = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const count = Math.floor(runs / workers) + (w < runs % workers ? 1 : 0);
      const child = fork(
        __filename,
        ['--worker-seeds', `${base + w},${count},${workers}`, ...(w === 0 ? ['--worker-regressions'] : [])],
        { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
      );
      return new Promise<Tally>((resolve, reject) => {
        child.on('message', (m: { progress?: number; tally?: Tally }) => {
          if (m.progress) {
            done += m.progress;
            if (done % 100 === 0)
              process.stderr.write(`${done}/${runs} runs, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
          }
          if (m.tally) resolve(m.tally);
        });
        child.on('exit', (code) =>
          code === 0 ? undefined : reject(new Error(`soak worker ${w} exited with ${code}`)),
        );
      });
    }),
  );
  const total = merge(tallies);
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    runs: total.runs,
    violations: total.failures.reduce((n, f) => n + f.report.violations.length, 0),
    failingRuns: total.failures.length,
    failingSeeds: total.failures.map((f) => f.seed),
    seconds: Math.round(seconds),
    workers,
    crashesInjected: total.crashes,
    finalStatuses: total.statuses,
    jobStates: total.jobStates,
    failures: total.failures.slice(0, 20),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(total.failures.length > 0 ? 1 : 0);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
