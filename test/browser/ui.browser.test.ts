import { build } from 'esbuild';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'puppeteer-core';
import type { Settings } from '../../src/core/settings';
import { addScenarioHold } from '../../sandbox/demo/run';
import { DEMO_SCENARIOS, type Scenario } from '../../sandbox/demo/scenarios';
import { DEMO_USERS } from '../../sandbox/jira/demo-seed';
import { REPO_ROOT, TERMINAL_STATUSES, startWorld, type World } from '../../sandbox/world';
import { jobStore } from '../../src/store/kvs-store';
import {
  chromiumMissing,
  clickButton,
  frameNamed,
  launchBrowser,
  screenshot,
  settled,
  textIn,
  waitForText,
} from './harness';

/**
 * The issue panel as a privacy officer uses it: the real `src/ui/panel.tsx`, bundled for the browser and drawn
 * by the sandbox's UI Kit host on the Jira emulator's page, its `invoke` calls running the real resolvers as
 * the officer. Chromium clicks; the world's virtual clock moves the providers on between looks.
 */

const scenario = (id: string): Scenario => DEMO_SCENARIOS.find((s) => s.id === id) as Scenario;
const OFFICER = DEMO_USERS.officer.accountId;
const describeInChromium = chromiumMissing ? describe.skip : describe;
if (chromiumMissing) process.stderr.write(`${chromiumMissing}\n`);

// One Chromium for the whole suite; each describe opens its own pages (and its own sandbox world).
let browser: Browser;
let closeBrowser: (() => Promise<void>) | undefined;
beforeAll(async () => {
  if (chromiumMissing) return;
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterAll(() => closeBrowser?.());

describeInChromium('the issue panel in Chromium, as a privacy officer', () => {
  let world: World;
  let page: Page;
  const tickets: Record<string, string> = {};

  const status = (key: string) => world.jira.state.issues.get(key)?.status ?? '';
  const issueComments = (key: string) => world.jira.state.issues.get(key)?.comments.map((c) => c.text) ?? [];
  const openBoard = async () => {
    await page.goto(`${world.jira.url}/?as=${encodeURIComponent(OFFICER)}`);
  };
  const panel = (key: string) => frameNamed(page, `panel-${key}`);
  const panelShot = (key: string, name: string) => screenshot(page, `section[id="${key}"] aside.panel`, name);
  /** Moves a ticket from the page's move form, as the viewing officer, then lets Jira deliver the event. */
  const moveOnPage = async (key: string, to: string) => {
    await page.select(`section[id="${key}"] select[name="to"]`, to);
    await Promise.all([page.waitForNavigation(), page.click(`section[id="${key}"] form.move button`)]);
    await world.pump();
  };

  beforeAll(async () => {
    world = await startWorld();
    page = await browser.newPage();
    // Tickets the officer approves with the Jira API, settled before the browser looks at them.
    for (const id of ['legal-hold', 'genesys-error', 'ada-partial']) {
      await addScenarioHold(world, scenario(id));
      tickets[id] = world.openTicket(scenario(id));
      await world.move(tickets[id] as string, 'Verifying identity', OFFICER);
      await world.move(tickets[id] as string, 'Approved', OFFICER);
    }
    await world.runUntil(
      () =>
        ['legal-hold', 'genesys-error', 'ada-partial'].every((id) =>
          TERMINAL_STATUSES.includes(status(tickets[id] as string)),
        ),
      86_400_000,
    );
    // Tickets the officer works on in the browser.
    tickets['all-three'] = world.openTicket(scenario('all-three'));
    tickets['ada-and-genesys'] = world.openTicket(scenario('ada-and-genesys'));
  }, 60_000);
  afterAll(async () => {
    await page?.close();
    await world?.close();
  });

  it('shows a ticket that has not been approved as not started, with the export preview on offer', async () => {
    await openBoard();
    const frame = await panel(tickets['all-three'] as string);
    expect(await textIn(frame)).toContain('No erasure yet');
    expect(await textIn(frame)).toContain('Request export preview');
    await panelShot(tickets['all-three'] as string, 'panel-not-started');
  });

  it('approves from the ticket page and watches each provider progress in the panel', async () => {
    const key = tickets['all-three'] as string;
    await openBoard();
    await moveOnPage(key, 'Verifying identity');
    await moveOnPage(key, 'Approved');
    await page.reload();
    const frame = await panel(key);
    const text = await textIn(frame);
    for (const provider of ['Amiqus', 'Ada', 'Genesys Cloud']) expect(text).toContain(provider);
    // Amiqus erases at once; Ada and Genesys work asynchronously and are still running.
    expect(text).toMatch(/ERASED/i);
    expect(text).toMatch(/SUBMITTED|IN PROGRESS/i);
    expect(text).toContain('Deadline (GDPR Art. 12(3))');
    await panelShot(key, 'panel-in-progress');
  });

  it('extends the deadline with a reason while the erasure runs, and says so on the ticket', async () => {
    const key = tickets['all-three'] as string;
    const frame = await panel(key);
    await frame.select('select[id$="-months"]', '2');
    await frame.type('textarea', 'Genesys Cloud is slow to purge recordings this week');
    await clickButton(frame, 'Extend deadline');
    await waitForText(frame, 'Deadline extended to');
    await waitForText(frame, 'Extended by 2 month(s)');
    // Two months is the most Art. 12(3) allows: the panel stops offering more.
    expect(await frame.$('select[id$="-months"]')).toBeNull();
    expect(
      world.jira.state.issues
        .get(key)
        ?.comments.some((c) => c.text.includes('Deadline extended') && c.text.includes('slow to purge recordings')),
    ).toBe(true);
  });

  it('holds the ticket in Pending downstream once every provider erased, until the officer confirms each system by hand', async () => {
    const key = tickets['all-three'] as string;
    await world.runUntil(() => TERMINAL_STATUSES.includes(status(key)), 86_400_000);
    expect(status(key)).toBe('Pending downstream');
    await page.reload();
    let frame = await panel(key);
    const lozenges = () => frame.$$eval('[data-uikit="Lozenge"]', (els) => els.map((e) => e.textContent));
    expect(await lozenges()).toEqual(['erased', 'erased', 'erased', 'to confirm', 'to confirm']);
    expect(await textIn(frame)).toContain('Waiting for downstream systems');
    expect(await textIn(frame)).toContain('Still to confirm by hand: CRM (Salesforce), Data warehouse.');
    expect(await textIn(frame)).toContain('Compliance record attached. SHA-256');
    await panelShot(key, 'panel-pending-downstream');

    await frame.type('input[id$="-downstream-note-0"]', 'Salesforce deletion case 00012345');
    await clickButton(frame, 'Confirm erased');
    await waitForText(frame, 'CRM (Salesforce) confirmed.');
    // Who confirmed, by name (UI Kit's User component), when, and the reference typed.
    await waitForText(frame, 'Priya Officer (privacy)');
    await waitForText(frame, 'Reference: Salesforce deletion case 00012345');
    expect(status(key)).toBe('Pending downstream');
    await clickButton(frame, 'Confirm erased');
    await waitForText(frame, 'the compliance record was re-issued and the ticket moved to Done');
    expect(status(key)).toBe('Done');
    expect(issueComments(key).filter((c) => c.includes('confirmed erased by hand'))).toHaveLength(2);
    await page.reload();
    frame = await panel(key);
    expect(await lozenges()).toEqual(['erased', 'erased', 'erased', 'confirmed', 'confirmed']);
    expect(await textIn(frame)).not.toContain('Waiting for downstream systems');
    await panelShot(key, 'panel-downstream-confirmed');
  });

  it('shows a legal hold, a provider that held nothing, a partial erasure and a failure as what they are', async () => {
    await openBoard();
    const held = await panel(tickets['legal-hold'] as string);
    expect(await textIn(held)).toMatch(/LEGAL HOLD/i);
    expect(await textIn(held)).toMatch(/NOTHING FOUND/i);
    await panelShot(tickets['legal-hold'] as string, 'panel-legal-hold');
    const partial = await panel(tickets['ada-partial'] as string);
    expect(await textIn(partial)).toMatch(/PARTLY ERASED/i);
    await panelShot(tickets['ada-partial'] as string, 'panel-partially-completed');
    const failed = await panel(tickets['genesys-error'] as string);
    expect(await textIn(failed)).toMatch(/FAILED/i);
    await panelShot(tickets['genesys-error'] as string, 'panel-failed');
  });

  it('retries the Genesys erasure that ended in ERROR only with a support case and a confirmation, from the panel', async () => {
    const key = tickets['genesys-error'] as string;
    const frame = await panel(key);
    await clickButton(frame, 'Retry providers that did not complete');
    await waitForText(frame, 'Give the Genesys support case');
    await frame.type('input[id$="-support-case"]', 'GEN-4711');
    await frame.click('[data-uikit="Checkbox"] input');
    await settled(frame);
    await clickButton(frame, 'Retry providers that did not complete');
    await waitForText(frame, 'Retry started for genesys');
    expect(issueComments(key).at(-1)).toContain('support case GEN-4711');
    await world.pump();
    const genesys = (await jobStore.listForCase(key)).find((j) => j.provider === 'genesys');
    expect(genesys?.attempt).toBe(2);
  });

  it('requests a Genesys export preview before approval and shows the export link when it is ready', async () => {
    const key = tickets['ada-and-genesys'] as string;
    await openBoard();
    const frame = await panel(key);
    await clickButton(frame, 'Request export preview');
    await waitForText(frame, 'export');
    await world.runUntil(() => false, 30 * 60_000, 60_000);
    await clickButton(frame, 'Show preview status');
    await waitForText(frame, 'Open the export');
    await settled(frame);
    await panelShot(key, 'panel-export-preview');
  });
});

describeInChromium('the UI Kit host drawing a ForgeDoc', () => {
  let page: Page;

  beforeAll(async () => {
    page = await browser.newPage();
    const { outputFiles } = await build({
      entryPoints: [join(REPO_ROOT, 'sandbox/ui-host/browser/render.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      globalName: 'UiKitRender',
      platform: 'browser',
    });
    await page.setContent('<div id="root"></div>');
    await page.addScriptTag({ content: outputFiles[0]?.text ?? '' });
  });
  afterAll(() => page?.close());

  const draw = (doc: unknown) =>
    page.evaluate((d) => {
      const w = window as unknown as {
        UiKitRender: { ForgeDocRenderer: new (root: HTMLElement) => { render(doc: unknown): void } };
        renderer?: { render(doc: unknown): void };
      };
      w.renderer ??= new w.UiKitRender.ForgeDocRenderer(document.getElementById('root') as HTMLElement);
      w.renderer.render(d);
    }, doc);
  const node = (type: string, key: string, props: Record<string, unknown> = {}, children: unknown[] = []) => ({
    type,
    key,
    props,
    children,
  });
  const text = (key: string, value: string) => node('String', key, { text: value });

  it('draws a component it does not know as a visible "unknown component" box, children included', async () => {
    await draw(node('Root', 'r', {}, [node('Frobnicator', 'f', {}, [text('t', 'still shown')])]));
    expect(await page.$eval('[data-uikit="unknown"] .uk-unknown-label', (el) => el.textContent)).toBe(
      'Unknown UI Kit component: Frobnicator',
    );
    expect(await page.$eval('[data-uikit="unknown"]', (el) => el.textContent)).toContain('still shown');
  });

  it('keeps a text field, its focus and what was typed when the app re-renders around it', async () => {
    await draw(
      node('Root', 'r', {}, [
        node('Stack', 's', { space: 'space.100' }, [node('Textfield', 'tf', { value: 'ab' }), text('t', 'one')]),
      ]),
    );
    await page.focus('input');
    await draw(
      node('Root', 'r', {}, [
        node('Stack', 's', { space: 'space.100' }, [
          node('Text', 'p', {}, [text('t2', 'above')]),
          node('Textfield', 'tf', { value: 'abc' }),
        ]),
      ]),
    );
    expect(
      await page.evaluate(() => ({
        focused: document.activeElement?.tagName,
        value: (document.querySelector('input') as HTMLInputElement).value,
      })),
    ).toEqual({ focused: 'INPUT', value: 'abc' });
  });
});

describeInChromium('the admin page in Chromium, as a Jira administrator', () => {
  let world: World;
  let page: Page;
  let frame: Frame;
  const ADMIN = '712020:jira-admin';
  const settings = async () =>
    (
      (await world.platform.invokeResolver('erasure-desk-admin', 'getSettings', {}, { accountId: ADMIN })) as {
        settings: Settings;
      }
    ).settings;
  const replaceText = async (selector: string, value: string) => {
    await frame.click(selector, { count: 3 });
    await page.keyboard.press('Backspace');
    if (value) await frame.type(selector, value);
  };

  beforeAll(async () => {
    world = await startWorld();
    world.openTicket(scenario('all-three'));
    page = await browser.newPage();
    await page.goto(`${world.jira.url}/admin?as=${encodeURIComponent(ADMIN)}`);
    frame = await frameNamed(page, 'admin');
  }, 60_000);
  afterAll(async () => {
    await page?.close();
    await world?.close();
  });

  it('maps ticket fields and statuses with pickers filled from Jira, and saves them', async () => {
    expect(
      await frame.$eval(
        'select[id$="-field-email"]',
        (el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent,
      ),
    ).toBe('email (customfield_10050)');
    expect(await frame.$$eval('select[id$="-status-done"] option', (els) => els.map((e) => e.textContent))).toEqual(
      expect.arrayContaining(['Approved', 'Done', 'Needs attention']),
    );
    await screenshot(page, 'iframe[name="admin"]', 'admin-page');
    await frame.select('select[id$="-field-genesysUserId"]', 'customfield_10055');
    await frame.select('select[id$="-status-inProgress"]', '');
    await clickButton(frame, 'Save settings');
    await waitForText(frame, 'Settings saved.');
    expect((await settings()).fields.genesysUserId).toBe('customfield_10055');
    expect((await settings()).statuses.inProgress).toBe('');
  });

  it('shows a validation error next to the field it concerns and keeps what was stored', async () => {
    await replaceText('input[id$="-deadline-at-risk"]', '400');
    await clickButton(frame, 'Save settings');
    await waitForText(frame, 'See the messages next to the fields.');
    const next = await frame.$eval('input[id$="-deadline-at-risk"]', (el) => {
      let n = el.nextElementSibling;
      while (n && n.getAttribute('data-uikit') !== 'ErrorMessage') n = n.nextElementSibling;
      return n?.textContent ?? null;
    });
    expect(next).toMatch(/60/);
    expect((await settings()).deadline.atRiskDays).toBe(7);
    await screenshot(page, 'iframe[name="admin"]', 'admin-page-validation-error');
    await replaceText('input[id$="-deadline-at-risk"]', '7');
    await clickButton(frame, 'Save settings');
    await waitForText(frame, 'Settings saved.');
  });

  it('shows credentials as set or not set, stores new ones without echoing them, and tests each connection', async () => {
    expect(
      await frame.$$eval('[data-uikit="Lozenge"]', (els) =>
        els.map((e) => e.textContent).filter((t) => t === 'set' || t === 'not set'),
      ),
    ).toEqual(['set', 'set', 'set']);
    await frame.type('input[id$="-secret-ada-apiKey"]', world.ada.apiKey);
    await clickButton(frame, 'Store Ada credentials');
    await waitForText(frame, 'ada credentials stored');
    expect(await frame.$eval('input[id$="-secret-ada-apiKey"]', (el) => (el as HTMLInputElement).value)).toBe('');
    expect(await frame.evaluate(() => document.documentElement.outerHTML)).not.toContain(world.ada.apiKey);
    for (const name of ['Amiqus', 'Ada', 'Genesys Cloud']) await clickButton(frame, `Test ${name} connection`);
    await waitForText(frame, 'Amiqus answered an authenticated request');
    await waitForText(frame, 'Ada answered an authenticated request');
    await waitForText(frame, 'Genesys Cloud issued a token and answered an authenticated request');
  });

  it('shows the web trigger URL to register at Amiqus', async () => {
    await waitForText(frame, world.webtriggers.urlFor('amiqus-webhook-endpoint'));
  });

  it('places a legal hold on a subject, comments on their open ticket, and releases it only with a reason', async () => {
    const email = scenario('all-three').subject.email as string;
    await frame.type('input[id$="-hold-value"]', email);
    await frame.type('textarea[id$="-hold-reason"]', 'Litigation hold: claim 2026-CV-200');
    await clickButton(frame, 'Place hold');
    await waitForText(frame, 'commented on DSAR-1');
    expect(world.jira.state.issues.get('DSAR-1')?.comments.at(-1)?.text).toContain('Legal hold placed');
    expect(world.jira.state.issues.get('DSAR-1')?.comments.at(-1)?.text).not.toContain(email);
    await waitForText(frame, 'Litigation hold: claim 2026-CV-200 (until further notice)');
    await screenshot(page, 'iframe[name="admin"]', 'admin-page-legal-hold');
    await clickButton(frame, 'Release hold');
    await waitForText(frame, 'Say which hold and why it is released.');
    await frame.type('input[id*="-release-hold-"]', 'Claim settled on 2026-11-20');
    await clickButton(frame, 'Release hold');
    await waitForText(frame, 'released; commented on DSAR-1');
    await waitForText(frame, 'No holds.');
    expect(world.jira.state.issues.get('DSAR-1')?.comments.at(-1)?.text).toContain('Legal hold released');
  });
});
