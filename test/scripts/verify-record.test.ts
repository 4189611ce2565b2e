import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runScenarios } from '../../sandbox/demo/run';
import { DEMO_SCENARIOS } from '../../sandbox/demo/scenarios';
import { REPO_ROOT, startWorld, type World } from '../../sandbox/world';
import { verifyRecordFile } from '../../scripts/verify-record';

/**
 * `npm run verify`: an auditor checks a record downloaded from the ticket against the hashes the ticket's
 * summary comment quotes, without the app. Every demo record passes; a single changed byte fails.
 */

interface Downloaded {
  ticket: string;
  bytes: Buffer;
  quoted: { sha256: string; head: string };
}

describe('verifying a downloaded compliance record', () => {
  let world: World;
  let records: Downloaded[];
  let dir: string;

  beforeAll(async () => {
    world = await startWorld();
    const results = await runScenarios(world, DEMO_SCENARIOS);
    // Every round's record: a ticket that waited on downstream systems has one per round.
    records = results.flatMap((r) => {
      const issue = world.jira.state.issues.get(r.ticket);
      if (!issue) return [];
      return issue.attachments
        .filter((a) => a.filename.endsWith('.json'))
        .map((attachment) => {
          const summary = issue.comments.map((c) => c.text).find((t) => t.includes(attachment.sha256)) ?? '';
          const head = /hash-chain head: ([0-9a-f]{64})/.exec(summary)?.[1] ?? '';
          return { ticket: r.ticket, bytes: attachment.bytes, quoted: { sha256: attachment.sha256, head } };
        });
    });
    dir = mkdtempSync(join(tmpdir(), 'erasure-desk-verify-'));
  }, 60_000);
  afterAll(async () => {
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a record, with its file hash and chain head quoted in the summary comment, on every settled demo ticket', () => {
    const withRecords = DEMO_SCENARIOS.filter((s) => s.expect.status !== 'Needs attention').length;
    expect(new Set(records.map((r) => r.ticket)).size).toBe(withRecords);
    // Confirming the downstream systems re-issued the record of the tickets now Done: two rounds each.
    const done = DEMO_SCENARIOS.filter((s) => s.expect.status === 'Done').length;
    expect(records.length).toBe(withRecords + done);
    for (const r of records) expect(r.quoted.head).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts every demo record, checked against the hashes its ticket quotes', () => {
    for (const r of records) {
      const report = verifyRecordFile(r.bytes, r.quoted);
      expect({ ticket: r.ticket, ok: report.ok, lines: report.ok ? [] : report.lines }).toEqual({
        ticket: r.ticket,
        ok: true,
        lines: [],
      });
    }
  });

  it('rejects a record with any one byte changed: content, structure or whitespace', () => {
    const r = records[0] as Downloaded;
    const text = r.bytes.toString('utf8');
    const positions = [
      text.indexOf('"reason"') + 2,
      text.indexOf('"hash": "') + 12,
      text.indexOf('"finalState": "') + 16,
      text.indexOf('\n  "'),
      text.length - 3,
    ];
    for (const at of positions) {
      const changed = Buffer.from(r.bytes);
      changed[at] = changed[at] === 0x20 ? 0x09 : (changed[at] as number) ^ 0x01;
      expect({ at, ok: verifyRecordFile(changed, r.quoted).ok }).toEqual({ at, ok: false });
    }
    // Without the quoted hashes, a changed character in the content is still caught by the chain and summary.
    const edited = Buffer.from(text.replace('"completed"', '"completeD"'));
    expect(verifyRecordFile(edited).ok).toBe(false);
  });

  it('runs as `npm run verify -- FILE`, printing what the record covers and exiting 0, or 1 when altered', async () => {
    const r = records[0] as Downloaded;
    const good = join(dir, 'record.json');
    writeFileSync(good, r.bytes);
    const run = promisify(execFile);
    const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const ok = await run(
      tsx,
      ['scripts/verify-record.ts', good, '--sha256', r.quoted.sha256, '--head', r.quoted.head],
      { cwd: REPO_ROOT },
    );
    expect(ok.stdout).toContain(`ticket: ${r.ticket}`);
    expect(ok.stdout).toMatch(/hash chain: \d+ events/);
    expect(ok.stdout).toContain('provider amiqus: completed');
    expect(ok.stdout.trim().split('\n').at(-1)).toBe('VERIFIED (file hash matches the ticket)');
    const bad = join(dir, 'altered.json');
    writeFileSync(bad, Buffer.from(r.bytes.toString('utf8').replace('"completed"', '"completeD"')));
    await expect(run(tsx, ['scripts/verify-record.ts', bad], { cwd: REPO_ROOT })).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('NOT VERIFIED'),
    });
  });
});
