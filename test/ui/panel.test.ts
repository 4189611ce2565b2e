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

  it('offers retry only when the resolver says it is allowed, and reports its outcome', async () => {
    const ui = mount(PANEL, {
      getView: {
        ok: true,
        view: view({
          caseState: 'blocked',
          jobs: [job('failed')],
          actions: { retry: true, extendDeadline: false, confirmDownstream: false, retryNeedsSupportCase: false },
        }),
      },
      retry: { ok: true, message: 'Retry started for genesys.' },
    });
    await ui.until((d) => textOf(d).includes('Retry providers that did not complete'), 'the retry button');
    expect(findAll(ui.doc(), 'Select')).toHaveLength(0);
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

  it('shows downstream systems to confirm and the compliance record’s hash once attached', async () => {
    const ui = mount(PANEL, {
      getView: {
        ok: true,
        view: view({
          caseState: 'done',
          jobs: [job('completed')],
          downstream: [
            { system: 'CRM', confirmedBy: null, confirmedAt: null },
            { system: 'Warehouse', confirmedBy: 'u', confirmedAt: '2026-11-26T00:00:00Z' },
          ] as PanelView['downstream'],
          record: { attachmentId: '1', digest: 'ab'.repeat(32) },
        }),
      },
    });
    const doc = await ui.until((d) => textOf(d).includes('Downstream systems'), 'the checklist');
    expect(textOf(doc)).toContain(`SHA-256: ${'ab'.repeat(32)}`);
    expect(findAll(doc, 'Button').filter((b) => textOf(b) === 'Confirm erased')).toHaveLength(1);
  });
});
