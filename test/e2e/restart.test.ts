import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { jobStore } from '../../src/store/kvs-store';
import { DEMO_SCENARIOS } from '../../sandbox/demo/scenarios';
import { DEMO_USERS } from '../../sandbox/jira/demo-seed';
import { confirmDownstreamSystems } from '../../sandbox/demo/run';
import { REPO_ROOT, startWorld, TERMINAL_STATUSES, type WorldSnapshot } from '../../sandbox/world';

/**
 * The sandbox keeps its storage across restarts: a case stopped mid-erasure resumes from the KVS file and the
 * saved Jira and provider state, and finishes without a second erasure anywhere.
 */

const allThree = DEMO_SCENARIOS.find((s) => s.id === 'all-three');
if (!allThree) throw new Error('the demo lost its all-three scenario');

describe('the sandbox across a restart', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'erasure-desk-restart-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('resumes a case that was mid-erasure when the sandbox stopped, and erases each provider once', async () => {
    const kvsFile = join(dir, 'kvs.json');
    const first = await startWorld({ kvsFile });
    let snapshot: WorldSnapshot;
    let ticket: string;
    try {
      ticket = first.openTicket(allThree);
      await first.move(ticket, 'Verifying identity', DEMO_USERS.officer.accountId);
      await first.move(ticket, 'Approved', DEMO_USERS.officer.accountId);
      await first.pump();
      await first.platform.advance(5 * 60_000);
      await first.pump();
      const jobs = await jobStore.listForCase(ticket);
      // Amiqus is synchronous; Ada and Genesys are still working when the sandbox stops.
      expect(Object.fromEntries(jobs.map((j) => [j.provider, j.state]))).toMatchObject({
        amiqus: 'completed',
        ada: expect.stringMatching(/submitted|in_progress/),
        genesys: expect.stringMatching(/submitted|in_progress/),
      });
      snapshot = JSON.parse(JSON.stringify(first.snapshot())) as WorldSnapshot;
    } finally {
      await first.close();
    }

    const second = await startWorld({ kvsFile, restore: snapshot });
    try {
      const done = () => TERMINAL_STATUSES.includes(second.jira.state.issues.get(ticket)?.status ?? '');
      expect(await second.runUntil(done, 86_400_000)).toBe(true);
      expect(second.jira.state.issues.get(ticket)?.status).toBe('Pending downstream');
      expect(second.amiqus.ledger.count('delete_client', String(allThree.subject.amiqusClientId))).toBe(1);
      expect(second.ada.ledger.entries.filter((e) => e.action === 'job_created')).toHaveLength(1);
      expect(second.genesys.ledger.count('delete_request', allThree.holds.genesys?.externalContactId ?? '')).toBe(1);
      const records = () =>
        second.jira.state.issues.get(ticket)?.attachments.filter((a) => a.filename.endsWith('.json')) ?? [];
      expect(records()).toHaveLength(1);
      // The restarted sandbox still knows what the case waits for: confirming it closes the next round.
      await confirmDownstreamSystems(second, ticket);
      expect(second.jira.state.issues.get(ticket)?.status).toBe('Done');
      expect(records().map((a) => a.filename)).toEqual([
        `erasure-record-${ticket}-round-1.json`,
        `erasure-record-${ticket}-round-2.json`,
      ]);
    } finally {
      await second.close();
    }
  });

  it('npm start -- --serve prints its ready line, serves the ticket page, and on SIGINT exits 0 leaving its storage', async () => {
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(REPO_ROOT, 'sandbox', 'cli.ts'), '--serve'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, SANDBOX_DATA_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', () => reject(new Error('the sandbox exited before it was ready')));
    });
    const ready = JSON.parse(firstLine) as {
      ready: boolean;
      jira: string;
      amiqus: string;
      ada: string;
      genesys: string;
      credentials: Record<string, unknown>;
    };
    expect(ready).toMatchObject({ ready: true, jira: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(Object.keys(ready.credentials)).toEqual(expect.arrayContaining(['amiqus', 'ada', 'genesys']));
    const page = await (await fetch(ready.jira)).text();
    expect(page).toContain('DSAR-1');
    const status = await fetch(`${ready.genesys}/api/v2/gdpr/subjects?searchType=EMAIL&searchValue=x`);
    expect(status.status).toBe(401);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(join(dir, 'kvs.json'))).toBe(true);
    expect(existsSync(join(dir, 'world.json'))).toBe(true);
  }, 60_000);
});
