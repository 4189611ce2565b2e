import { findAll, textOf, type ForgeDoc } from '../../sandbox/ui-host/browser/forge-doc';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { mount, never, type Reply, siblingsAfter } from './harness';

/** The admin page's states, drawn from resolver replies: loading, failing, empty, filled, and refused input. */

const ADMIN = '../../src/ui/admin.tsx';

const FILLED: Record<string, Reply> = {
  getSettings: { ok: true, settings: DEFAULT_SETTINGS },
  getJiraCatalog: {
    ok: true,
    fields: [{ id: 'customfield_10050', name: 'email', custom: true }],
    statuses: ['Approved', 'Pending downstream', 'Done'],
  },
  getWebhookUrl: { ok: true, url: 'https://example.atlassian-dev.net/x1/amiqus-hook' },
  listHolds: {
    ok: true,
    holds: [{ id: 'hold-1', reason: 'Claim 2026-CV-1', expiresOn: null, providers: 'all', createdAt: '2026-11-01' }],
  },
  getSecretStatus: { ok: true, status: { amiqus: true, ada: false, genesys: true } },
};
const EMPTY: Record<string, Reply> = {
  ...FILLED,
  getJiraCatalog: { ok: true, fields: [], statuses: [] },
  getWebhookUrl: { ok: false, message: 'not yet' },
  listHolds: { ok: true, holds: [] },
  getSecretStatus: { ok: true, status: {} },
};

const loaded = (d: ForgeDoc) => textOf(d).includes('Ticket fields');
/** UI Kit prefixes each id it is given with the component's own (`…-field-email`), as Forge does. */
const byId = (doc: ForgeDoc, type: string, id: string) => {
  const matches = (v: unknown) => typeof v === 'string' && (v === id || v.endsWith(`-${id}`));
  const found = findAll(doc, type).find((n) => matches(n.props.id) || matches(n.props.inputId));
  if (!found) throw new Error(`no ${type} #${id}`);
  return found;
};
/** The error message drawn right after a field (before the next field), if any. */
const errorNextTo = (doc: ForgeDoc, field: ForgeDoc) => {
  const next = siblingsAfter(doc, field)[0];
  return next?.type === 'ErrorMessage' ? textOf(next) : null;
};
const press = (node: ForgeDoc) => (node.props.onClick as () => void)();

describe('the admin page', () => {
  it('shows a spinner while the settings load', async () => {
    const ui = mount(ADMIN, { ...FILLED, getSettings: never });
    await ui.until((d) => findAll(d, 'Spinner').length === 1, 'a spinner');
  });

  it.each([
    {
      failure: 'a refusal',
      reply: { ok: false, message: 'Only Jira administrators can change Erasure Desk’s configuration.' },
      shown: 'Only Jira administrators can change Erasure Desk’s configuration.',
    },
    {
      failure: 'a resolver that throws',
      reply: () => {
        throw new Error('resolver getSettings failed');
      },
      shown: 'Could not load the admin page: resolver getSettings failed',
    },
  ])('shows $failure as an error instead of the form', async ({ reply, shown }) => {
    const ui = mount(ADMIN, { ...FILLED, getSettings: reply });
    const doc = await ui.until((d) => findAll(d, 'SectionMessage').length > 0, 'an error');
    expect(findAll(doc, 'SectionMessage')[0]?.props.appearance).toBe('error');
    expect(textOf(doc)).toBe(shown);
  });

  it('shows an empty site as it is: no fields to pick, no credentials, no holds, no web trigger URL yet', async () => {
    const ui = mount(ADMIN, EMPTY);
    const doc = await ui.until(loaded, 'the form');
    expect(byId(doc, 'Select', 'field-email').props.options).toEqual([]);
    expect(findAll(doc, 'Lozenge').map(textOf)).toEqual(['not set', 'not set', 'not set']);
    expect(textOf(doc)).toContain('No holds.');
    expect(textOf(doc)).toContain('Forge has not issued the web trigger URL yet.');
  });

  it('fills its pickers from Jira, the pending-downstream status among them, and shows holds, credentials and the URL', async () => {
    const ui = mount(ADMIN, FILLED);
    const doc = await ui.until(loaded, 'the form');
    expect(byId(doc, 'Select', 'field-email').props.options).toEqual([
      { label: 'email (customfield_10050)', value: 'customfield_10050' },
    ]);
    const pending = byId(doc, 'Select', 'status-pendingDownstream');
    expect(pending.props.value).toEqual({ label: 'Pending downstream', value: 'Pending downstream' });
    expect(textOf(doc)).toContain('Pending downstream: providers done, downstream systems still to confirm');
    expect(findAll(doc, 'Lozenge').map(textOf)).toEqual(['set', 'not set', 'set', 'all providers']);
    expect(textOf(doc)).toContain('Claim 2026-CV-1 (until further notice)');
    expect(textOf(doc)).toContain('https://example.atlassian-dev.net/x1/amiqus-hook');
  });

  it.each([
    {
      form: 'the settings',
      button: 'Save settings',
      reply: {
        saveSettings: {
          ok: false,
          message: 'Some settings need fixing.',
          errors: [{ field: 'deadline.atRiskDays', message: 'Too big: expected number to be <=60' }],
        },
      },
      field: ['Textfield', 'deadline-at-risk'],
      error: 'Too big: expected number to be <=60',
      notice: 'Some settings need fixing. See the messages next to the fields.',
    },
    {
      form: 'a legal hold',
      button: 'Place hold',
      reply: {
        addHold: {
          ok: false,
          message: 'A hold needs a reason, at least one identifier and its scope.',
          errors: [{ field: 'reason', message: 'Too small: expected string to have >=5 characters' }],
        },
      },
      field: ['TextArea', 'hold-reason'],
      error: 'Too small: expected string to have >=5 characters',
      notice: 'A hold needs a reason, at least one identifier and its scope.',
    },
  ])('puts the errors of $form next to the field they concern', async ({ button, reply, field, error, notice }) => {
    const ui = mount(ADMIN, { ...FILLED, ...reply });
    await ui.until(loaded, 'the form');
    const [type, id] = field as [string, string];
    expect(errorNextTo(ui.doc(), byId(ui.doc(), type, id))).toBeNull();
    press(ui.find('Button', button));
    const doc = await ui.until((d) => findAll(d, 'ErrorMessage').length > 0, 'the field error');
    expect(errorNextTo(doc, byId(doc, type, id))).toBe(error);
    expect(findAll(doc, 'ErrorMessage')).toHaveLength(1);
    const shown = findAll(doc, 'SectionMessage')[0];
    expect(shown?.props.appearance).toBe('error');
    expect(textOf(shown as ForgeDoc)).toBe(notice);
  });

  it('clears a typed credential once it is sent, whatever the answer, and shows a connection test’s result', async () => {
    const ui = mount(ADMIN, {
      ...FILLED,
      setSecret: { ok: true, message: 'ada credentials stored in Forge secret storage.' },
      testConnection: (p: Record<string, unknown>) => ({
        ok: false,
        message: `The connection test failed for ${String(p.provider)}: HTTP 401`,
      }),
    });
    await ui.until(loaded, 'the form');
    (byId(ui.doc(), 'Textfield', 'secret-ada-apiKey').props.onChange as (e: unknown) => void)({
      target: { value: 'k-123' },
    });
    await ui.until((d) => byId(d, 'Textfield', 'secret-ada-apiKey').props.value === 'k-123', 'the typed key');
    press(ui.find('Button', 'Store Ada credentials'));
    await ui.until((d) => textOf(d).includes('ada credentials stored'), 'the stored message');
    expect(byId(ui.doc(), 'Textfield', 'secret-ada-apiKey').props.value).toBe('');
    expect(ui.calls.find((c) => c.functionKey === 'setSecret')?.payload).toEqual({
      provider: 'ada',
      value: { apiKey: 'k-123' },
    });
    press(ui.find('Button', 'Test Ada connection'));
    await ui.until((d) => textOf(d).includes('failed for ada: HTTP 401'), 'the test result');
  });
});
