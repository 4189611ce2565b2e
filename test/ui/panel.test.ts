import { findAll, textOf } from '../../sandbox/ui-host/browser/forge-doc';
import type { PanelJobView, PanelView } from '../../src/app/case-actions';
import { JOB_STATES } from '../../src/core/erasure';
import { mount, never } from './harness';

/** The issue panel's states, drawn from resolver replies: what an officer sees before, during and after. */

const PANEL = '../../src/ui/panel.tsx';

const job = (state: string, over: Partial<PanelJobView> = {}): PanelJobView => ({
  provider: 'genesys',
  label: 'Genesys Cloud',
  state,
  attempt: 1,
  providerRef: 'req-1',
  detail: null,
  nextStep: null,
  updatedAt: '2026-11-25T10:00:00.000Z',
  ...over,
});

const view = (over: Partial<PanelView> = {}): PanelView => ({
  ticketKey: 'DSAR-1',
  started: true,
  caseState: 'in_progress',
  round: 1,
  jobs: [job('submitted')],
  deadline: {
    receivedOn: '2026-11-22',
    dueOn: '2026-12-22',
    daysRemaining: 27,
    state: 'on_track',
    extendedMonths: 0,
    extensions: [],
  },
  downstream: [],
  record: { attachmentId: null, digest: null },
  actions: { retry: false, extendDeadline: true, confirmDownstream: false, retryNeedsSupportCase: false },
  ...over,
});

const LABELS: Record<string, string> = {
  pending: 'waiting',
  submitted: 'submitted',
  in_progress: 'in progress',
  completed: 'erased',
  not_found: 'nothing found',
  partially_completed: 'partly erased',
  failed: 'failed',
  blocked_legal_hold: 'legal hold',
  needs_attention: 'needs a person',
};

describe('the issue panel', () => {
  it('shows a spinner while the case loads', async () => {
    const ui = mount(PANEL, { getView: never });
    await ui.until((d) => findAll(d, 'Spinner').length === 1, 'a spinner');
  });

  it('says no erasure has started on a ticket without a case, and still offers the export preview', async () => {
    const ui = mount(PANEL, {
      getView: { ok: true, view: view({ started: false, caseState: 'not_started', jobs: [], deadline: null }) },
    });
    await ui.until((d) => textOf(d).includes('No erasure yet'), 'the empty state');
    expect(ui.find('Button', 'Request export preview')).toBeDefined();
    expect(findAll(ui.doc(), 'Lozenge')).toHaveLength(0);
  });

  it('shows the resolver’s message as an error when the case cannot be loaded', async () => {
    const ui = mount(PANEL, { getView: { ok: false, message: 'Open this panel on a DSAR ticket.' } });
    const doc = await ui.until((d) => findAll(d, 'SectionMessage').length > 0, 'an error');
    expect(findAll(doc, 'SectionMessage')[0]?.props.appearance).toBe('error');
    expect(textOf(doc)).toContain('Open this panel on a DSAR ticket.');
  });

  it.each(JOB_STATES.map((s) => [s]))('labels a provider job in state %s for a person', async (state) => {
    const ui = mount(PANEL, {
      getView: { ok: true, view: view({ jobs: [job(state, { detail: `detail for ${state}` })] }) },
    });
    const doc = await ui.until((d) => findAll(d, 'Lozenge').length === 1, 'the job');
    expect(LABELS[state]).toBeDefined();
    expect(textOf(findAll(doc, 'Lozenge')[0] as never)).toBe(LABELS[state]);
    expect(textOf(doc)).toContain(`detail for ${state}`);
  });

  const NO_ACTIONS: PanelView['actions'] = {
    retry: false,
    extendDeadline: false,
    confirmDownstream: false,
    retryNeedsSupportCase: false,
  };
  it.each([
    { allowed: 'nothing', actions: {}, buttons: [] },
    { allowed: 'retry', actions: { retry: true }, buttons: ['Retry providers that did not complete'] },
    { allowed: 'an extension', actions: { extendDeadline: true }, buttons: ['Extend deadline'] },
  ])('offers $allowed when the resolver allows $allowed', async ({ actions, buttons }) => {
    const ui = mount(PANEL, {
      getView: {
        ok: true,
        view: view({ caseState: 'blocked', jobs: [job('failed')], actions: { ...NO_ACTIONS, ...actions } }),
      },
    });
    const doc = await ui.until((d) => findAll(d, 'Lozenge').length === 1, 'the job');
    const offered = findAll(doc, 'Button')
      .map(textOf)
      .filter((b) => !b.includes('preview'));
    expect(offered).toEqual(buttons);
    expect(findAll(doc, 'Select')).toHaveLength(actions.extendDeadline ? 1 : 0);
  });

  it('reports the outcome of a retry it offers', async () => {
    const ui = mount(PANEL, {
      getView: {
        ok: true,
        view: view({ caseState: 'blocked', jobs: [job('failed')], actions: { ...NO_ACTIONS, retry: true } }),
      },
      retry: { ok: true, message: 'Retry started for genesys.' },
    });
    await ui.until((d) => textOf(d).includes('Retry providers that did not complete'), 'the retry button');
    (ui.find('Button', 'Retry providers that did not complete').props.onClick as () => void)();
    await ui.until((d) => textOf(d).includes('Retry started for genesys.'), 'the retry message');
    expect(ui.calls.map((c) => c.functionKey)).toContain('retry');
  });

  it('asks for the Genesys support case and a confirmation before a retry after a Genesys ERROR, and sends both', async () => {
    const ui = mount(PANEL, {
      getView: {
        ok: true,
        view: view({
          caseState: 'blocked',
          jobs: [job('failed')],
          actions: { retry: true, extendDeadline: false, confirmDownstream: false, retryNeedsSupportCase: true },
        }),
      },
      retry: { ok: true, message: 'Retry started for genesys.' },
    });
    await ui.until((d) => textOf(d).includes('Genesys Cloud ended in ERROR'), 'the confirmation form');
    (ui.find('Textfield').props.onChange as (e: unknown) => void)({ target: { value: 'GEN-4711' } });
    await ui.until((d) => findAll(d, 'Textfield')[0]?.props.value === 'GEN-4711', 'the typed case');
    (ui.find('Checkbox').props.onChange as (e: unknown) => void)({ target: { checked: true } });
    await ui.until((d) => findAll(d, 'Checkbox')[0]?.props.isChecked === true, 'the ticked box');
    (ui.find('Button', 'Retry providers that did not complete').props.onClick as () => void)();
    await ui.until((d) => textOf(d).includes('Retry started for genesys.'), 'the retry message');
    expect(ui.calls.find((c) => c.functionKey === 'retry')?.payload).toEqual({
      genesysSupportCase: 'GEN-4711',
      genesysConfirmed: true,
    });
  });

  const waiting = (downstream: PanelView['downstream']) =>
    view({
      caseState: 'pending_downstream',
      jobs: [job('completed')],
      downstream,
      record: { attachmentId: '1', digest: 'ab'.repeat(32) },
      actions: { ...NO_ACTIONS, extendDeadline: true, confirmDownstream: downstream.some((d) => !d.confirmedBy) },
    });
  const CRM_OPEN = { system: 'CRM', confirmedBy: null, confirmedAt: null, note: null };
  const WAREHOUSE_DONE = {
    system: 'Warehouse',
    confirmedBy: '712020:officer-priya',
    confirmedAt: '2026-11-26T10:15:00.000Z',
    note: 'job 42',
  };

  it('shows a case waiting on downstream systems: which remain, who confirmed the others and when, and the record’s hash', async () => {
    const ui = mount(PANEL, { getView: { ok: true, view: waiting([CRM_OPEN, WAREHOUSE_DONE]) } });
    const doc = await ui.until((d) => textOf(d).includes('Downstream systems'), 'the checklist');
    const notice = findAll(doc, 'SectionMessage')[0];
    expect(notice?.props).toMatchObject({ appearance: 'information', title: 'Waiting for downstream systems' });
    expect(textOf(notice as never)).toContain('Still to confirm by hand: CRM.');
    expect(findAll(doc, 'Button').filter((b) => textOf(b) === 'Confirm erased')).toHaveLength(1);
    expect(findAll(doc, 'User').map((u) => u.props.accountId)).toEqual(['712020:officer-priya']);
    expect(textOf(doc)).toContain('on 2026-11-26 10:15 UTC.');
    expect(textOf(doc)).toContain('Reference: job 42');
    expect(textOf(doc)).toContain(`SHA-256: ${'ab'.repeat(32)}`);
    // The deadline still runs while the systems are confirmed: an extension is still on offer.
    expect(ui.find('Button', 'Extend deadline')).toBeDefined();
  });

  it.each([
    { reference: 'a reference', typed: 'CRM-9 deletion', payload: { system: 'CRM', note: 'CRM-9 deletion' } },
    { reference: 'no reference', typed: '', payload: { system: 'CRM' } },
  ])('confirms a system with $reference and shows the resolver’s answer', async ({ typed, payload }) => {
    const ui = mount(PANEL, {
      getView: { ok: true, view: waiting([CRM_OPEN]) },
      confirmDownstream: { ok: true, message: 'CRM confirmed. Every downstream system is confirmed.' },
    });
    await ui.until((d) => findAll(d, 'Textfield').length === 1, 'the reference field');
    if (typed) {
      (ui.find('Textfield').props.onChange as (e: unknown) => void)({ target: { value: typed } });
      await ui.until((d) => findAll(d, 'Textfield')[0]?.props.value === typed, 'the typed reference');
    }
    (ui.find('Button', 'Confirm erased').props.onClick as () => void)();
    await ui.until((d) => textOf(d).includes('CRM confirmed.'), 'the confirmation message');
    expect(ui.calls.find((c) => c.functionKey === 'confirmDownstream')?.payload).toEqual(payload);
  });

  it('shows the resolver’s refusal of a confirmation as a warning', async () => {
    const ui = mount(PANEL, {
      getView: { ok: true, view: waiting([CRM_OPEN]) },
      confirmDownstream: { ok: false, message: 'Only privacy officers can do this.' },
    });
    await ui.until((d) => textOf(d).includes('Confirm erased'), 'the button');
    (ui.find('Button', 'Confirm erased').props.onClick as () => void)();
    const doc = await ui.until((d) => textOf(d).includes('Only privacy officers'), 'the refusal');
    expect(findAll(doc, 'SectionMessage').map((m) => m.props.appearance)).toContain('warning');
  });
});
