import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ForgePlatform } from '../../../sandbox/forge/runtime';
import { VirtualClock } from '../../../sandbox/virtual-date';

/**
 * What the KVS emulator tests share: a Forge platform installed under the real `@forge/kvs` client for each
 * test, on a clock that moves only when advanced (its "real" time is frozen, so times are exact), and a
 * scratch folder for storage files.
 */

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const START = Date.parse('2026-11-25T09:00:00Z');
/** Never called by these tests. */
const DUMMY_JIRA = 'http://127.0.0.1:9';

/** An erasure job as the `erasure-job` entity stores the attributes these tests index on. */
export interface StoredJob {
  ticketKey: string;
  provider: string;
  state: string;
  pollQueue: string;
  nextPollAt: string;
  version: number;
}

export class KvsTestBed {
  clock = new VirtualClock(() => START);
  platform!: ForgePlatform;
  tmp = '';

  /** Registers the per-test set-up and tear-down in the calling test file. */
  constructor(prefix: string) {
    beforeEach(() => {
      this.clock = new VirtualClock(() => START);
      this.tmp = mkdtempSync(join(tmpdir(), prefix));
      this.platform = this.newPlatform().install();
    });
    afterEach(() => {
      this.platform.uninstall();
      rmSync(this.tmp, { recursive: true, force: true });
    });
  }

  newPlatform(extra: { kvsFile?: string; loadModule?: () => Record<string, unknown> } = {}): ForgePlatform {
    return new ForgePlatform({ repoRoot: REPO_ROOT, jiraBaseUrl: DUMMY_JIRA, clock: this.clock, ...extra });
  }
}

/** The ISO time `minute` minutes after START (how the app stores `nextPollAt`). */
export const minuteAt = (minute: number): string => new Date(START + minute * 60_000).toISOString();

/** A waiting job keyed `<ticket>::<provider>`, in poll queue `pollQueue`, next polled at `minute`. */
export const waitingJob = (key: string, pollQueue: string, minute: number): StoredJob => ({
  ticketKey: key.split('::')[0] as string,
  provider: key.split('::')[1] as string,
  state: 'waiting',
  pollQueue,
  nextPollAt: minuteAt(minute),
  version: 0,
});
