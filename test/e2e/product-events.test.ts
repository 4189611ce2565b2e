import { join } from 'node:path';
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { ForgePlatform } from '../../sandbox/forge/runtime';
import { DEMO_SCENARIOS, type Scenario } from '../../sandbox/demo/scenarios';
import { DEMO_USERS } from '../../sandbox/jira/demo-seed';
import { TERMINAL_STATUSES, startWorld, type World } from '../../sandbox/world';
import { VirtualClock } from '../../sandbox/virtual-date';
import { caseStore } from '../../src/store/kvs-store';

/**
 * Product events as Forge delivers them (sandbox/forge/product-events.ts): late, out of order, for every issue
 * update, retried only on a returned InvocationError; and the app's trigger stays correct under that.
 */

const REPO_ROOT = join(__dirname, '..', '..');
const START = Date.parse('2026-11-25T09:00:00Z');

function scenario(id: string): Scenario {
  const s = DEMO_SCENARIOS.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
}

describe('the product-event bus', () => {
  let clock: VirtualClock;
  let platform: ForgePlatform;
  afterEach(() => platform.uninstall());

  function busWith(onIssueUpdated: (event: unknown) => unknown, seed = 7): ForgePlatform {
    clock = new VirtualClock(() => START);
    return new ForgePlatform({
      repoRoot: REPO_ROOT,
      jiraBaseUrl: 'http://127.0.0.1:9',
      clock,
      eventSeed: seed,
      loadModule: () => ({ onIssueUpdated }),
    }).install();
  }
  const update = (n: number) => ({
    issue: { id: String(n), key: `DSAR-${n}` },
    atlassianId: 'u',
    changelog: { id: String(n), items: [] },
  });

  it('delivers each event seconds to minutes late, some out of order, with selfGenerated and timestamp', async () => {
    const got: Array<{ key: string; at: number; payload: Record<string, unknown> }> = [];
    platform = busWith(
      (e) =>
        void got.push({
          key: (e as { issue: { key: string } }).issue.key,
          at: clock.now(),
          payload: e as Record<string, unknown>,
        }),
    );
    for (let n = 1; n <= 8; n += 1)
      platform.deliverProductEvent('avi:jira:updated:issue', update(n), { causedByApp: false });
    await platform.drain();
    expect(got).toEqual([]);
    await platform.settleProductEvents();
    expect(got).toHaveLength(8);
    for (const g of got) {
      expect(g.at - START).toBeGreaterThanOrEqual(2_000);
      expect(g.at - START).toBeLessThanOrEqual(180_000);
      expect(g.payload).toMatchObject({
        eventType: 'avi:jira:updated:issue',
        selfGenerated: false,
        timestamp: new Date(START).toISOString(),
      });
    }
    expect(got.map((g) => g.key)).not.toEqual(
      got.map((g) => g.key).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5))),
    );
  });

  it('filters the app’s own events for an ignoreSelf trigger', async () => {
    const got: unknown[] = [];
    platform = busWith((e) => void got.push(e));
    platform.deliverProductEvent('avi:jira:updated:issue', update(1), { causedByApp: true });
    await platform.settleProductEvents();
    expect(got).toEqual([]);
  });

  it('retries a trigger only when it returns InvocationError, at most four times; a throw loses the event', async () => {
    let calls = 0;
    platform = busWith(() => {
      calls += 1;
      return new InvocationError({ retryAfter: 30, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
    });
    platform.deliverProductEvent('avi:jira:updated:issue', update(1), { causedByApp: false });
    await platform.settleProductEvents();
    expect(calls).toBe(5);
    expect(platform.productEvents.lost).toHaveLength(1);

    platform.uninstall();
    calls = 0;
    platform = busWith(() => {
      calls += 1;
      throw new Error('boom');
    });
    platform.deliverProductEvent('avi:jira:updated:issue', update(1), { causedByApp: false });
    await platform.settleProductEvents();
    expect(calls).toBe(1);
    expect(platform.productEvents.lost[0]?.reason).toMatch(/does not retry/);
  });
});

describe('the app under Forge’s product-event delivery', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(() => world.close());

  it('sends an issue update for a field edit too, which the trigger ignores (not an approval)', async () => {
    const key = world.openTicket(scenario('amiqus-only'));
    await world.jira.state.drainEvents();
    const edited = await fetch(`${world.jira.url}/rest/api/3/issue/${key}`, {
      method: 'PUT',
      headers: { 'x-sandbox-actor': DEMO_USERS.officer.accountId, 'content-type': 'application/json' },
      body: JSON.stringify({ update: { labels: [{ add: 'vip' }] } }),
    });
    expect(edited.status).toBe(204);
    const [event] = world.jira.state.pending.filter((e) => e.eventType === 'avi:jira:updated:issue');
    expect(event?.payload).toMatchObject({
      changelog: { items: [expect.objectContaining({ field: 'labels', toString: 'vip' })] },
    });
    await world.pump();
    expect(world.platform.productEvents.delivered.map((e) => e.eventType)).toContain('avi:jira:updated:issue');
    expect(await caseStore.get(key)).toBeUndefined();
  });

  it('a transient storage failure during an approval is retried through InvocationError and the erasure still runs once', async () => {
    const s = scenario('amiqus-only');
    const key = world.openTicket(s);
    world.platform.kvs.failNextWrite((op, body) => op === 'entity/set' && body.includes('"erasure-case"'));
    await world.move(key, 'Verifying identity', DEMO_USERS.officer.accountId);
    await world.move(key, 'Approved', DEMO_USERS.officer.accountId);
    expect(
      await world.runUntil(
        () => TERMINAL_STATUSES.includes(world.jira.state.issues.get(key)?.status ?? ''),
        86_400_000,
      ),
    ).toBe(true);
    // Amiqus erased; the ticket waits for the downstream systems the sandbox lists.
    expect(world.jira.state.issues.get(key)?.status).toBe('Pending downstream');
    expect(world.amiqus.ledger.count('delete_client', String(s.subject.amiqusClientId))).toBe(1);
    expect(world.platform.productEvents.lost).toEqual([]);
    expect(world.platform.productEvents.delivered.some((e) => e.retryCount === 1)).toBe(true);
  });
});
