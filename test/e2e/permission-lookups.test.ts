import { DEMO_SCENARIOS, type Scenario } from '../../sandbox/demo/scenarios';
import { DEMO_USERS } from '../../sandbox/jira/demo-seed';
import { ADMIN_ACCOUNT, startWorld, type World } from '../../sandbox/world';

/**
 * What the app may look up in Jira depends on the site's permission scheme. When Jira refuses the app a
 * look-up (HTTP 403), the admin gets a message saying what to change, and nothing crashes; checks of the
 * calling user's own rights are asked as that user, which works whatever the app holds.
 */

const scenario = (id: string): Scenario => {
  const found = DEMO_SCENARIOS.find((s) => s.id === id);
  if (!found) throw new Error(`no scenario ${id}`);
  return found;
};
const panel = (world: World, fn: string, key: string, accountId: string, payload: unknown = {}) =>
  world.platform.invokeResolver('erasure-desk-panel', fn, payload, { accountId, issueKey: key }) as Promise<
    Record<string, unknown>
  >;

describe('look-ups Jira refuses the app', () => {
  let world: World;
  beforeAll(async () => {
    // Role only, so the refused role look-up is the only way to decide.
    world = await startWorld({
      settings: (base) => ({ ...base, approval: { projectRole: 'Privacy Officer', groups: [], forbidReporter: true } }),
    });
    world.jira.state.appGrants.administerProjects = false;
  });
  afterAll(() => world.close());

  it('answers an approval with what the admin must grant, on the ticket, without starting or crashing', async () => {
    const key = world.openTicket(scenario(DEMO_SCENARIOS[0]?.id ?? ''));
    await world.move(key, 'Verifying identity', DEMO_USERS.officer.accountId);
    await world.move(key, 'Approved', DEMO_USERS.officer.accountId);
    await world.pump();
    const comments =
      world.jira.state.issues
        .get(key)
        ?.comments.map((c) => c.text)
        .join('\n') ?? '';
    expect(comments).toContain('Administer Projects');
    expect(world.platform.deadLetters).toEqual([]);
  });

  it('answers a panel action with the same message instead of failing the call', async () => {
    const key = world.openTicket(scenario(DEMO_SCENARIOS[0]?.id ?? ''));
    const answer = await panel(world, 'requestPreview', key, DEMO_USERS.officer.accountId);
    expect(answer).toMatchObject({ ok: false, message: expect.stringContaining('Administer Projects') });
  });

  it('still decides by group, asked as the user, when a group is configured', async () => {
    world.jira.state.appGrants.browseUsersAndGroups = false;
    const admin = (fn: string, payload: unknown) =>
      world.platform.invokeResolver('erasure-desk-admin', fn, payload, { accountId: ADMIN_ACCOUNT }) as Promise<{
        ok: boolean;
        settings: Record<string, unknown>;
      }>;
    const { settings } = await admin('getSettings', {});
    expect(
      await admin('saveSettings', {
        settings: {
          ...settings,
          approval: { projectRole: 'Privacy Officer', groups: ['privacy-officers'], forbidReporter: true },
        },
      }),
    ).toMatchObject({ ok: true });
    const key = world.openTicket(scenario(DEMO_SCENARIOS[0]?.id ?? ''));
    expect(await panel(world, 'getView', key, DEMO_USERS.officer.accountId)).toMatchObject({ ok: true });
    const preview = await panel(world, 'previewStatus', key, DEMO_USERS.officer.accountId);
    expect(preview).toMatchObject({ ok: true });
    expect(await panel(world, 'previewStatus', key, DEMO_USERS.requester.accountId)).toMatchObject({
      ok: false,
      message: expect.stringContaining('Administer Projects'),
    });
  });

  it('checks the admin page’s caller as that user (mypermissions), which the app’s own rights do not affect', async () => {
    const admin = (accountId: string) =>
      world.platform.invokeResolver('erasure-desk-admin', 'getSecretStatus', {}, { accountId }) as Promise<{
        ok: boolean;
      }>;
    expect(await admin(ADMIN_ACCOUNT)).toMatchObject({ ok: true });
    expect(await admin(DEMO_USERS.officer.accountId)).toMatchObject({ ok: false });
  });

  it('shows the admin the Amiqus web trigger URL Forge minted (webTrigger.getUrl), and only the admin', async () => {
    const ask = (accountId: string) =>
      world.platform.invokeResolver('erasure-desk-admin', 'getWebhookUrl', {}, { accountId }) as Promise<{
        ok: boolean;
        url?: string;
      }>;
    expect(await ask(ADMIN_ACCOUNT)).toEqual({ ok: true, url: world.webtriggers.urlFor('amiqus-webhook-endpoint') });
    expect(await ask(DEMO_USERS.officer.accountId)).toMatchObject({ ok: false });
  });
});
