import { join } from 'node:path';
import { SharedRateBudget } from '../../src/app/rate-budget';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings';
import { checkProviderConnection } from '../../src/providers/connection-check';
import { rateBudgetStore } from '../../src/store/rate-budget-store';
import { ForgePlatform } from '../../sandbox/forge/runtime';
import { type AmiqusSimulator, startAmiqusSimulator } from '../../sandbox/simulators/amiqus';
import { VirtualClock } from '../../sandbox/virtual-date';
import { nodeFetch } from './scripted-server';

/**
 * The admin page's connection test books its call in the credential's shared rate budget, on the Forge
 * storage emulator: with the budget spent by erasures, it is refused with a message and Amiqus is not called.
 */

const REPO_ROOT = join(__dirname, '..', '..');
const START = Date.parse('2026-11-25T09:00:00Z');
const WINDOWS = [{ limit: 3, windowMs: 60_000 }];
let clock: VirtualClock;
let platform: ForgePlatform;
let amiqus: AmiqusSimulator;

beforeEach(async () => {
  clock = new VirtualClock(() => START);
  platform = new ForgePlatform({ repoRoot: REPO_ROOT, jiraBaseUrl: 'http://127.0.0.1:9', clock }).install();
  amiqus = await startAmiqusSimulator({ now: () => clock.now() });
});
afterEach(async () => {
  platform.uninstall();
  await amiqus.close();
});

/** One invocation's handle on the shared budget, as src/deps.ts builds it for each caller. */
const budget = () =>
  new SharedRateBudget({
    key: 'amiqus:test',
    windows: WINDOWS,
    store: rateBudgetStore,
    now: () => clock.now(),
    adoptStatedLimit: false,
  });
const settings = (): Settings => ({
  ...DEFAULT_SETTINGS,
  providers: { ...DEFAULT_SETTINGS.providers, amiqus: { enabled: true, baseUrl: amiqus.url } },
});
const testConnection = () =>
  checkProviderConnection('amiqus', settings(), { token: amiqus.token }, nodeFetch, { budget: budget() });

describe('the connection test and the shared rate budget', () => {
  it('makes its one call inside the budget, which the next caller then sees spent', async () => {
    expect(await testConnection()).toMatchObject({ ok: true, message: expect.stringContaining('Amiqus answered') });
    expect(amiqus.server.exchanges).toHaveLength(1);
    for (let i = 0; i < 2; i += 1) expect((await budget().acquire()).ok).toBe(true);
    expect((await budget().acquire()).ok).toBe(false);
  });

  it('is refused with a message, calling nothing, while erasures have the budget', async () => {
    for (let i = 0; i < (WINDOWS[0]?.limit ?? 0); i += 1) expect((await budget().acquire()).ok).toBe(true);
    const refused = await testConnection();
    expect(refused).toEqual({
      ok: false,
      message: expect.stringMatching(
        /^Not tested: the calls Erasure Desk may make to Amiqus are taken for now .* Try again in \d+ s\.$/,
      ),
    });
    expect(amiqus.server.exchanges).toHaveLength(0);
    // Once the window has passed, the test goes through.
    clock.advance(70_000);
    expect(await testConnection()).toMatchObject({ ok: true });
  });
});
