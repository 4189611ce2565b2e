import { join } from 'node:path';
import { SharedRateBudget } from '../../src/app/rate-budget';
import { parseSubject } from '../../src/core/subject';
import { createAdaProvider } from '../../src/providers/ada';
import { ADA_DESCRIPTION } from '../../src/providers/ada/description';
import { PollCutShort, RateLimited } from '../../src/providers/errors';
import type { FetchFn } from '../../src/providers/http';
import { rateBudgetStore } from '../../src/store/rate-budget-store';
import { ForgePlatform } from '../../sandbox/forge/runtime';
import { type AdaSimulator, startAdaSimulator } from '../../sandbox/simulators/ada';
import { VirtualClock } from '../../sandbox/virtual-date';
import { memoryAdaSubmissionLog } from '../support/ada-submission-log';
import { nodeFetch } from './scripted-server';

/**
 * A status poll of many Ada jobs through the shared rate budget (on the Forge storage emulator), where each
 * call takes time as it does on the network. Ada's 10/s window is counted in 16.7 ms buckets with a slack of
 * two, so the calls of one booking are made long after the slack: a backlog of 5,000 tickets in ten shared
 * jobs once had every poll refused at its second call, and its tickets waited for over a day.
 */

const REPO_ROOT = join(__dirname, '..', '..');
const START = Date.parse('2026-11-25T09:00:00Z');
const MINUTE = 60_000;
/** Time one call to Ada takes here: well past the 10/s window's slack, well inside a second. */
const CALL_MS = 120;
let clock: VirtualClock;
let platform: ForgePlatform;
let sim: AdaSimulator;

beforeEach(async () => {
  clock = new VirtualClock(() => START);
  platform = new ForgePlatform({ repoRoot: REPO_ROOT, jiraBaseUrl: 'http://127.0.0.1:9', clock }).install();
  sim = await startAdaSimulator({ now: () => clock.now(), jobDurationMs: 20 * MINUTE });
});
afterEach(async () => {
  platform.uninstall();
  await sim.close();
});

/** One invocation's handle on the credential's budget, with Ada's published windows, as src/deps.ts builds it. */
const budget = () =>
  new SharedRateBudget({
    key: 'ada:poll-test',
    windows: ADA_DESCRIPTION.limits.rate,
    store: rateBudgetStore,
    now: () => clock.now(),
    adoptStatedLimit: false,
  });

const slowFetch: FetchFn = async (url, init) => {
  const response = await nodeFetch(url, init);
  clock.advance(CALL_MS);
  return response;
};

const ada = (callBudget: SharedRateBudget) =>
  createAdaProvider({
    fetch: slowFetch,
    apiKey: sim.apiKey,
    handle: 'acme',
    region: 'eu',
    api: 'v2',
    emailVariables: [],
    log: memoryAdaSubmissionLog(),
    baseUrl: sim.url,
    clock: { now: () => clock.now(), sleep: async (ms) => void clock.advance(ms) },
    budget: callBudget,
  });

/** Ten jobs, each submitted by its own invocation a second apart, all finished by the time they are polled. */
async function tenFinishedJobs(): Promise<string[]> {
  const refs: string[] = [];
  for (let i = 1; i <= 10; i += 1) {
    sim.seedEndUser({ email: `subject${i}@example.org`, chatterId: `chat-${i}` });
    const parsed = parseSubject({ email: `subject${i}@example.org` });
    if (!parsed.ok) throw new Error('bad subject');
    const submitter = budget();
    expect((await submitter.book(1)).ok).toBe(true);
    const submitted = await ada(submitter).submitErasure(parsed.subject, {
      ticketKey: `DSAR-${i}`,
      attempt: 1,
      plannedAt: new Date(START).toISOString(),
    });
    refs.push((submitted.outcome as { providerRef: string }).providerRef);
    clock.advance(1_000);
  }
  clock.advance(21 * MINUTE);
  return refs;
}

describe('a status poll of many Ada jobs through the shared rate budget', () => {
  it('reads all ten in one poll, although each call outlasts the slack of the booking it was made on', async () => {
    const refs = await tenFinishedJobs();
    const poller = budget();
    const provider = ada(poller);
    expect((await poller.book(provider.callsToPoll?.(refs) ?? refs.length)).ok).toBe(true);
    const statuses = await provider.pollStatus(refs);
    expect([...statuses.values()].map((s) => s.kind)).toEqual(Array(10).fill('completed'));
    // Ten reads inside about a second and a quarter: Ada's 10/s held, and Ada never answered 429.
    expect(sim.server.exchanges.filter((e) => e.status === 429)).toHaveLength(0);
  });

  it('hands back what it read when the budget runs out part way, so the poll can record it', async () => {
    const refs = await tenFinishedJobs();
    // Other invocations have spent Ada's minute window but for four calls.
    for (let i = 0; i < 96; i += 1) {
      expect((await budget().acquire()).ok).toBe(true);
      clock.advance(110);
    }
    const error = await ada(budget())
      .pollStatus(refs)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(PollCutShort);
    const cut = error as PollCutShort;
    expect(cut.stoppedBy).toBeInstanceOf(RateLimited);
    expect([...cut.read.keys()]).toEqual(refs.slice(0, 4));
    expect([...cut.read.values()].every((s) => s.kind === 'completed')).toBe(true);
  });
});
