import { join } from 'node:path';
import { ForgePlatform } from '../../sandbox/forge/runtime';
import { VirtualClock } from '../../sandbox/virtual-date';

const REPO_ROOT = join(__dirname, '..', '..');

/**
 * The Forge platform emulator installed around each test of the describe block that calls this, for code that
 * uses storage through the real `@forge/kvs` client; Jira's URL refuses connections. The clock starts at `start`.
 */
export function storagePlatform(start = '2026-11-25T09:00:00Z'): { platform: ForgePlatform; clock: VirtualClock } {
  const current = {} as { platform: ForgePlatform; clock: VirtualClock };
  beforeEach(() => {
    current.clock = new VirtualClock(() => Date.parse(start));
    current.platform = new ForgePlatform({
      repoRoot: REPO_ROOT,
      jiraBaseUrl: 'http://127.0.0.1:9',
      clock: current.clock,
    }).install();
  });
  afterEach(() => current.platform.uninstall());
  return current;
}
