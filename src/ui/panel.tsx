import ForgeReconciler, {
  Button,
  Checkbox,
  Code,
  Heading,
  Inline,
  Label,
  Link,
  Lozenge,
  SectionMessage,
  Select,
  Spinner,
  Stack,
  Strong,
  Text,
  TextArea,
  Textfield,
  User,
} from '@forge/react';
import { call } from './call';
import React, { useEffect, useState } from 'react';
import type { PanelView } from '../app/case-actions';
import type { PreviewView } from '../app/preview';

/** The issue panel: each provider's progress, the deadline, the record's hash, and the officer's actions. */

type Appearance = 'default' | 'inprogress' | 'moved' | 'new' | 'removed' | 'success';
const STATE_LOOK: Record<string, { text: string; appearance: Appearance }> = {
  pending: { text: 'waiting', appearance: 'default' },
  submitted: { text: 'submitted', appearance: 'inprogress' },
  in_progress: { text: 'in progress', appearance: 'inprogress' },
  completed: { text: 'erased', appearance: 'success' },
  not_found: { text: 'nothing found', appearance: 'success' },
  partially_completed: { text: 'partly erased', appearance: 'moved' },
  failed: { text: 'failed', appearance: 'removed' },
  blocked_legal_hold: { text: 'legal hold', appearance: 'new' },
  needs_attention: { text: 'needs a person', appearance: 'moved' },
};

type Result = { ok: boolean; message?: string; view?: PanelView };
const MONTH_OPTIONS = [
  { label: '1 month', value: '1' },
  { label: '2 months', value: '2' },
];

/** The outcome of the officer's last action. */
function Notice(props: { message: { ok: boolean; text: string } | null }) {
  if (!props.message) return null;
  return (
    <SectionMessage appearance={props.message.ok ? 'success' : 'warning'}>
      <Text>{props.message.text}</Text>
    </SectionMessage>
  );
}

/** Genesys export preview: read-only, for checking recycled phone numbers before approving. */
function GenesysPreview(props: { act: (name: string) => Promise<void> }) {
  const [preview, setPreview] = useState<PreviewView | undefined>(undefined);
  const refresh = async () => {
    const result = await call<{ ok: boolean; preview?: PreviewView }>('previewStatus');
    setPreview(result.ok ? (result.preview ?? null) : null);
  };
  return (
    <Stack space="space.050">
      <Heading size="small">Genesys Cloud export preview</Heading>
      {preview && (
        <Text>
          Request <Code>{preview.providerRef}</Code> ({preview.status.replace('_', ' ')}), asked{' '}
          {preview.requestedAt.slice(0, 16).replace('T', ' ')}.
        </Text>
      )}
      {preview?.resultUrls.map((url) => (
        <Link key={url} href={url} openNewTab>
          Open the export
        </Link>
      ))}
      <Inline space="space.100">
        <Button onClick={() => void props.act('requestPreview').then(refresh)}>Request export preview</Button>
        <Button appearance="subtle" onClick={() => void refresh()}>
          Show preview status
        </Button>
      </Inline>
    </Stack>
  );
}

function Panel() {
  const [view, setView] = useState<PanelView | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [months, setMonths] = useState('1');
  const [reason, setReason] = useState('');
  const [supportCase, setSupportCase] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [notes, setNotes] = useState<Record<string, string>>({});

  const load = async () => {
    const result = await call<Result>('getView');
    if (result.ok && result.view) setView(result.view);
    else setMessage({ ok: false, text: result.message ?? 'Could not load the case.' });
  };
  const act = async (name: string, payload: Record<string, unknown> = {}) => {
    const result = await call<Result>(name, payload);
    setMessage({ ok: result.ok, text: result.message ?? (result.ok ? 'Done.' : 'Not done.') });
    await load();
  };
  useEffect(() => {
    void load();
  }, []);

  if (!view)
    return message ? (
      <SectionMessage appearance="error">
        <Text>{message.text}</Text>
      </SectionMessage>
    ) : (
      <Spinner />
    );
  if (!view.started) {
    return (
      <Stack space="space.200">
        <Notice message={message} />
        <Text>No erasure yet. Moving this ticket to the approval status starts one.</Text>
        <GenesysPreview act={act} />
      </Stack>
    );
  }
  return (
    <Stack space="space.200">
      <Notice message={message} />
      <Heading size="small">Providers</Heading>
      {view.jobs.map((job) => (
        <Stack key={job.provider} space="space.050">
          <Inline space="space.100" alignBlock="center">
            <Strong>{job.label}</Strong>
            <Lozenge appearance={STATE_LOOK[job.state]?.appearance ?? 'default'}>
              {STATE_LOOK[job.state]?.text ?? job.state}
            </Lozenge>
            {job.providerRef && <Code>{job.providerRef}</Code>}
          </Inline>
          {job.detail && <Text>{job.detail}</Text>}
          {job.nextStep && <Text>Next step: {job.nextStep}</Text>}
        </Stack>
      ))}
      {view.deadline && (
        <Stack space="space.050">
          <Heading size="small">Deadline (GDPR Art. 12(3))</Heading>
          <Text>
            Due {view.deadline.dueOn} ({view.deadline.state.replace('_', ' ')}, {view.deadline.daysRemaining} day(s)
            left). Received {view.deadline.receivedOn}.
            {view.deadline.extendedMonths > 0 ? ` Extended by ${view.deadline.extendedMonths} month(s).` : ''}
          </Text>
          {view.actions.extendDeadline && (
            <Stack space="space.050">
              <Select
                inputId="months"
                options={MONTH_OPTIONS.slice(0, 2 - view.deadline.extendedMonths)}
                value={MONTH_OPTIONS.find((o) => o.value === months) ?? null}
                onChange={(option: { value: string } | null) => setMonths(option?.value ?? '1')}
              />
              <TextArea
                placeholder="Reason (told to the data subject)"
                value={reason}
                onChange={(e) => setReason(String(e.target.value ?? ''))}
              />
              <Button onClick={() => void act('extendDeadline', { months: Number(months), reason })}>
                Extend deadline
              </Button>
            </Stack>
          )}
        </Stack>
      )}
      {view.caseState === 'pending_downstream' && (
        <SectionMessage appearance="information" title="Waiting for downstream systems">
          <Text>
            Every provider has erased the data or held none. Still to confirm by hand:{' '}
            {view.downstream
              .filter((d) => !d.confirmedBy)
              .map((d) => d.system)
              .join(', ')}
            . The last confirmation re-issues the compliance record and moves the ticket to Done.
          </Text>
        </SectionMessage>
      )}
      {view.downstream.length > 0 && (
        <Stack space="space.100">
          <Heading size="small">Downstream systems (confirm by hand)</Heading>
          {view.downstream.map((d, index) => (
            <Stack key={d.system} space="space.050">
              <Inline space="space.100" alignBlock="center">
                <Strong>{d.system}</Strong>
                {d.confirmedBy ? (
                  <Lozenge appearance="success">confirmed</Lozenge>
                ) : (
                  <Lozenge appearance="moved">to confirm</Lozenge>
                )}
              </Inline>
              {d.confirmedBy ? (
                <Stack space="space.025">
                  <Inline space="space.050" alignBlock="center" shouldWrap>
                    <Text>Confirmed by</Text>
                    <User accountId={d.confirmedBy} />
                    <Text>on {(d.confirmedAt ?? '').slice(0, 16).replace('T', ' ')} UTC.</Text>
                  </Inline>
                  {d.note && <Text>Reference: {d.note}</Text>}
                </Stack>
              ) : (
                <Inline space="space.100" alignBlock="center">
                  <Textfield
                    id={`downstream-note-${index}`}
                    placeholder="Reference (optional): deletion ticket, job id"
                    value={notes[d.system] ?? ''}
                    onChange={(e) => setNotes({ ...notes, [d.system]: String(e.target.value ?? '') })}
                  />
                  <Button
                    onClick={() =>
                      void act('confirmDownstream', {
                        system: d.system,
                        ...(notes[d.system]?.trim() ? { note: notes[d.system] } : {}),
                      })
                    }
                  >
                    Confirm erased
                  </Button>
                </Inline>
              )}
            </Stack>
          ))}
        </Stack>
      )}
      {view.record.digest && (
        <Text>
          Compliance record attached. SHA-256: <Code>{view.record.digest}</Code>
        </Text>
      )}
      <GenesysPreview act={act} />
      {view.actions.retry && view.actions.retryNeedsSupportCase && (
        <Stack space="space.050">
          <Heading size="small">Genesys Cloud ended in ERROR</Heading>
          <Text>
            Part of the data may already be deleted. Resubmit only after Genesys support has reviewed the error.
          </Text>
          <Label labelFor="support-case">Genesys support case</Label>
          <Textfield
            id="support-case"
            value={supportCase}
            onChange={(e) => setSupportCase(String(e.target.value ?? ''))}
          />
          <Checkbox
            label="I confirm a new Genesys deletion request is wanted"
            isChecked={confirmed}
            onChange={(e) => setConfirmed(e.target.checked === true)}
          />
        </Stack>
      )}
      {view.actions.retry && (
        <Button
          appearance="primary"
          onClick={() =>
            void act(
              'retry',
              view.actions.retryNeedsSupportCase
                ? { genesysSupportCase: supportCase, genesysConfirmed: confirmed }
                : {},
            )
          }
        >
          Retry providers that did not complete
        </Button>
      )}
    </Stack>
  );
}

ForgeReconciler.render(
  <React.StrictMode>
    <Panel />
  </React.StrictMode>,
);
