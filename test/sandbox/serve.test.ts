import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../../sandbox/world';

/**
 * `npm start -- --serve`, as a person starts it: the first stdout line is the JSON object with the URLs and
 * demo users (the Jira admin among them); the page shows the demo's tickets with their fields, the Amiqus
 * clients that arrived by poll and by webhook, and the legal hold on the admin page; a restart on the same
 * port finds the same site at the same URLs.
 */

interface Ready {
  ready: boolean;
  jira: string;
  adminPage: string;
  amiqusWebhook: string;
  credentials: { jiraUsers: Array<{ accountId: string; name: string }> };
}

// Spread by process id so parallel runs on one machine do not collide on the five ports it takes.
const BASE_PORT = 30_000 + (process.pid % 4000) * 5;

function start(dataDir: string): Promise<{ child: ChildProcessWithoutNullStreams; ready: Ready }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', '--serve', '--port', String(BASE_PORT)], {
    cwd: REPO_ROOT,
    env: { ...process.env, SANDBOX_DATA_DIR: dataDir },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      try {
        resolve({ child, ready: JSON.parse(line) as Ready });
      } catch {
        reject(new Error(`first line is not JSON: ${line}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${stderr}`)));
  });
}

const stop = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

describe('the served sandbox', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'erasure-desk-serve-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts with the JSON line, shows what the demo shows, and comes back at the same URLs after a restart', async () => {
    const first = await start(dataDir);
    try {
      expect(first.ready).toMatchObject({
        ready: true,
        jira: `http://127.0.0.1:${BASE_PORT}`,
        amiqusWebhook: `http://127.0.0.1:${BASE_PORT + 4}/x/amiqus-webhook-endpoint`,
      });
      expect(first.ready.credentials.jiraUsers.map((u) => u.name)).toEqual(
        expect.arrayContaining(['Jira Admin', 'Priya Officer (privacy)']),
      );
      const board = await (await fetch(`${first.ready.jira}/?as=${encodeURIComponent('712020:officer-priya')}`)).text();
      expect(board).toContain('Erasure request: Customer in litigation');
      expect(board).toContain('<th>email</th><td>alex.example@example.org</td>');
      expect(board).toContain('Opened from Amiqus (poll)');
      expect(board).toContain('Opened from Amiqus (webhook)');
      expect(board).toContain('/_ui/frame/erasure-desk-panel?issue=DSAR-1');
      const admin = '712020:jira-admin';
      const holds = await fetch(`${first.ready.jira}/_ui/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          moduleKey: 'erasure-desk-admin',
          extension: { type: 'jira:adminPage' },
          accountId: admin,
          functionKey: 'listHolds',
          payload: {},
        }),
      });
      expect(
        ((await holds.json()) as { result: { holds: Array<{ reason: string }> } }).result.holds.map((h) => h.reason),
      ).toEqual([expect.stringContaining('Litigation hold')]);
    } finally {
      expect(await stop(first.child)).toBe(0);
    }
    const second = await start(dataDir);
    try {
      expect(second.ready.jira).toBe(first.ready.jira);
      expect(second.ready.amiqusWebhook).toBe(first.ready.amiqusWebhook);
      const board = await (
        await fetch(`${second.ready.jira}/?as=${encodeURIComponent('712020:officer-priya')}`)
      ).text();
      expect(board.match(/Opened from Amiqus \(poll\)/g)).toHaveLength(2);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 90_000);
});
