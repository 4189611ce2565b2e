import ForgeReconciler, {
  Button,
  Checkbox,
  Code,
  DatePicker,
  ErrorMessage,
  Heading,
  HelperMessage,
  Inline,
  Label,
  Lozenge,
  SectionMessage,
  Select,
  Spinner,
  Stack,
  Text,
  TextArea,
  Textfield,
} from '@forge/react';
import React, { useEffect, useState } from 'react';
import type { Settings } from '../core/settings';
import { call } from './call';

/**
 * The admin page: field and status pickers from Jira's own lists, the approval rule, the deadline policy,
 * downstream systems and provider options, each validated on save with the error next to its field;
 * write-only credentials (shown as set / not set, never echoed) with a connection test per provider; the web
 * trigger URL to register at Amiqus; and the legal-hold register (add with identifiers, scope, reason and
 * expiry; release with a reason).
 */

type Notice = { ok: boolean; text: string } | null;
type FieldError = { field: string; message: string };
type Hold = { id: string; reason: string; expiresOn: string | null; providers: 'all' | string[]; createdAt: string };
type Option = { label: string; value: string };

const PROVIDERS = ['amiqus', 'ada', 'genesys'] as const;
type Provider = (typeof PROVIDERS)[number];
const PROVIDER_LABELS: Record<Provider, string> = { amiqus: 'Amiqus', ada: 'Ada', genesys: 'Genesys Cloud' };
const SECRET_FIELDS: Record<Provider, Array<{ key: string; label: string }>> = {
  amiqus: [
    { key: 'token', label: 'Personal access token' },
    { key: 'webhookSecret', label: 'Webhook signing secret' },
  ],
  ada: [{ key: 'apiKey', label: 'API key' }],
  genesys: [
    { key: 'clientId', label: 'OAuth client id' },
    { key: 'clientSecret', label: 'OAuth client secret' },
  ],
};
const FIELD_LABELS: Record<keyof Settings['fields'], string> = {
  email: 'Subject’s email',
  phones: 'Phone numbers (one per line, with the period held)',
  fullName: 'Full name',
  amiqusClientId: 'Amiqus client id',
  adaChatterId: 'Ada chatter id',
  genesysUserId: 'Genesys user id',
  genesysExternalContactId: 'Genesys external contact id',
  receivedOn: 'Verified-receipt date (the deadline runs from it)',
};
const STATUS_LABELS: Record<keyof Settings['statuses'], string> = {
  approved: 'Approved: moving a ticket here starts the erasure',
  inProgress: 'While erasing (leave empty to stay in Approved)',
  needsAttention: 'Needs attention',
  blocked: 'Erasure blocked',
  pendingDownstream: 'Pending downstream: providers done, downstream systems still to confirm',
  done: 'Done',
};
const IDENTIFIER_OPTIONS: Option[] = [
  { label: 'Email', value: 'email' },
  { label: 'Phone (E.164)', value: 'phone' },
  { label: 'Amiqus client id', value: 'amiqus_client_id' },
  { label: 'Ada chatter id', value: 'ada_chatter_id' },
  { label: 'Genesys user id', value: 'genesys_user_id' },
  { label: 'Genesys external contact id', value: 'genesys_external_contact_id' },
];
const ADA_REGIONS: Option[] = [
  { label: 'US (handle.ada.support)', value: 'us' },
  { label: 'EU (handle.eu.ada.support)', value: 'eu' },
  { label: 'Maple (handle.maple.ada.support)', value: 'maple' },
];
const DEADLINE_RULES: Option[] = [
  { label: 'One calendar month (GDPR Art. 12(3))', value: 'calendar_month' },
  { label: '30 days', value: 'thirty_days' },
];

const valueOf = (e: { target?: { value?: unknown } }) => String(e?.target?.value ?? '');
const checkedOf = (e: { target?: { checked?: boolean } }) => e?.target?.checked === true;
const pick = (options: Option[], value: string | null | undefined) => options.find((o) => o.value === value);

/** The message for one settings path (and anything under it), shown next to the field. */
function Problem(props: { errors: FieldError[]; field: string }) {
  const found = props.errors.filter((e) => e.field === props.field || e.field.startsWith(`${props.field}.`));
  if (found.length === 0) return null;
  return <ErrorMessage>{found.map((e) => e.message).join('; ')}</ErrorMessage>;
}

function Admin() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [fields, setFields] = useState<Option[]>([]);
  const [statuses, setStatuses] = useState<Option[]>([]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [secretStatus, setSecretStatus] = useState<Record<string, boolean>>({});
  const [secretDrafts, setSecretDrafts] = useState<Record<string, Record<string, string>>>({});
  const [connection, setConnection] = useState<Record<string, { ok: boolean; message: string }>>({});
  const [webtriggerUrl, setWebtriggerUrl] = useState<string | null>(null);
  const [holds, setHolds] = useState<Hold[]>([]);
  const [newHold, setNewHold] = useState({
    kind: 'email',
    value: '',
    reason: '',
    expiresOn: '',
    providers: [] as string[],
    all: true,
  });
  const [holdErrors, setHoldErrors] = useState<FieldError[]>([]);
  const [releaseReasons, setReleaseReasons] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const loadHolds = async () => setHolds((await call<{ ok: boolean; holds?: Hold[] }>('listHolds')).holds ?? []);
  const loadSecrets = async () =>
    setSecretStatus((await call<{ ok: boolean; status?: Record<string, boolean> }>('getSecretStatus')).status ?? {});
  const load = async () => {
    const [s, catalog, url] = await Promise.all([
      call<{ ok: boolean; message?: string; settings?: Settings }>('getSettings'),
      call<{ ok: boolean; fields?: Array<{ id: string; name: string; custom: boolean }>; statuses?: string[] }>(
        'getJiraCatalog',
      ),
      call<{ ok: boolean; url?: string }>('getWebhookUrl'),
    ]);
    if (!s.ok || !s.settings) return setLoadError(s.message ?? 'Could not load the settings.');
    setSettings(s.settings);
    setFields((catalog.fields ?? []).map((f) => ({ label: `${f.name} (${f.id})`, value: f.id })));
    setStatuses((catalog.statuses ?? []).map((name) => ({ label: name, value: name })));
    setWebtriggerUrl(url.url ?? null);
    await Promise.all([loadHolds(), loadSecrets()]);
  };
  useEffect(() => {
    void load().catch((error: unknown) =>
      setLoadError(`Could not load the admin page: ${error instanceof Error ? error.message : String(error)}`),
    );
  }, []);

  if (loadError) {
    return (
      <SectionMessage appearance="error">
        <Text>{loadError}</Text>
      </SectionMessage>
    );
  }
  if (!settings) return <Spinner />;

  const edit = (change: (s: Settings) => Settings) => setSettings(change(settings));
  const save = async () => {
    const reply = await call<{ ok: boolean; message?: string; errors?: FieldError[]; settings?: Settings }>(
      'saveSettings',
      { settings },
    );
    setErrors(reply.errors ?? []);
    if (reply.ok && reply.settings) setSettings(reply.settings);
    setNotice({
      ok: reply.ok,
      text: reply.ok ? 'Settings saved.' : `${reply.message ?? 'Not saved.'} See the messages next to the fields.`,
    });
  };
  const storeSecret = async (provider: Provider) => {
    const reply = await call<{ ok: boolean; message?: string }>('setSecret', {
      provider,
      value: secretDrafts[provider] ?? {},
    });
    setNotice({ ok: reply.ok, text: reply.message ?? '' });
    // The drafts are cleared either way: a secret is never kept on the page after it is sent.
    setSecretDrafts({ ...secretDrafts, [provider]: {} });
    await loadSecrets();
  };
  const testConnection = async (provider: Provider) => {
    const reply = await call<{ ok: boolean; message: string }>('testConnection', { provider });
    setConnection({ ...connection, [provider]: reply });
  };
  const addHold = async () => {
    const reply = await call<{ ok: boolean; message?: string; errors?: FieldError[] }>('addHold', {
      reason: newHold.reason,
      expiresOn: newHold.expiresOn || null,
      identifiers: newHold.value ? [{ kind: newHold.kind, value: newHold.value }] : [],
      providers: newHold.all ? 'all' : newHold.providers,
    });
    setHoldErrors(reply.errors ?? []);
    setNotice({ ok: reply.ok, text: reply.message ?? (reply.ok ? 'Hold placed.' : 'Hold not placed.') });
    if (reply.ok) setNewHold({ kind: 'email', value: '', reason: '', expiresOn: '', providers: [], all: true });
    await loadHolds();
  };
  const releaseHold = async (id: string) => {
    const reply = await call<{ ok: boolean; message?: string }>('releaseHold', {
      id,
      reason: releaseReasons[id] ?? '',
    });
    setNotice({ ok: reply.ok, text: reply.message ?? '' });
    if (reply.ok) setReleaseReasons({ ...releaseReasons, [id]: '' });
    await loadHolds();
  };
  const fieldOptions = fields;
  const statusOptions = statuses;

  return (
    <Stack space="space.300">
      {notice && (
        <SectionMessage appearance={notice.ok ? 'success' : 'error'}>
          <Text>{notice.text}</Text>
        </SectionMessage>
      )}

      <Heading size="medium">Ticket fields</Heading>
      <Text>
        Which Jira field holds each identifier on a DSAR ticket. Leave a field unmapped if your tickets do not carry it.
      </Text>
      {(Object.keys(FIELD_LABELS) as Array<keyof Settings['fields']>).map((key) => (
        <Stack key={key} space="space.050">
          <Label labelFor={`field-${key}`}>{FIELD_LABELS[key]}</Label>
          <Select
            inputId={`field-${key}`}
            placeholder="— not mapped —"
            options={fieldOptions}
            value={pick(fieldOptions, settings.fields[key]) ?? null}
            onChange={(o: Option | null) =>
              edit((s) => ({ ...s, fields: { ...s.fields, [key]: o?.value || undefined } }))
            }
          />
          <Problem errors={errors} field={`fields.${key}`} />
        </Stack>
      ))}

      <Heading size="medium">Statuses</Heading>
      {(Object.keys(STATUS_LABELS) as Array<keyof Settings['statuses']>).map((key) => (
        <Stack key={key} space="space.050">
          <Label labelFor={`status-${key}`}>{STATUS_LABELS[key]}</Label>
          <Select
            inputId={`status-${key}`}
            placeholder={key === 'inProgress' ? '— stay in Approved —' : 'Choose a status'}
            options={statusOptions}
            value={pick(statusOptions, settings.statuses[key]) ?? null}
            onChange={(o: Option | null) => edit((s) => ({ ...s, statuses: { ...s.statuses, [key]: o?.value ?? '' } }))}
          />
          <Problem errors={errors} field={`statuses.${key}`} />
        </Stack>
      ))}

      <Heading size="medium">Who approves</Heading>
      <Label labelFor="approval-role">Project role of privacy officers</Label>
      <Textfield
        id="approval-role"
        value={settings.approval.projectRole ?? ''}
        onChange={(e) => edit((s) => ({ ...s, approval: { ...s.approval, projectRole: valueOf(e) || null } }))}
      />
      <Problem errors={errors} field="approval.projectRole" />
      <Label labelFor="approval-groups">Or groups (comma-separated)</Label>
      <Textfield
        id="approval-groups"
        value={settings.approval.groups.join(', ')}
        onChange={(e) =>
          edit((s) => ({
            ...s,
            approval: {
              ...s.approval,
              groups: valueOf(e)
                .split(',')
                .map((g) => g.trim())
                .filter(Boolean),
            },
          }))
        }
      />
      <Problem errors={errors} field="approval.groups" />
      <Checkbox
        label="Four-eyes: the ticket’s reporter may not approve their own request"
        isChecked={settings.approval.forbidReporter}
        onChange={(e) => edit((s) => ({ ...s, approval: { ...s.approval, forbidReporter: checkedOf(e) } }))}
      />

      <Heading size="medium">Deadline</Heading>
      <Label labelFor="deadline-rule">Rule</Label>
      <Select
        inputId="deadline-rule"
        options={DEADLINE_RULES}
        value={pick(DEADLINE_RULES, settings.deadline.rule) ?? null}
        onChange={(o: Option | null) =>
          edit((s) => ({
            ...s,
            deadline: { ...s.deadline, rule: (o?.value ?? 'calendar_month') as Settings['deadline']['rule'] },
          }))
        }
      />
      <Label labelFor="deadline-at-risk">Warn this many days before the deadline</Label>
      <Textfield
        id="deadline-at-risk"
        type="number"
        value={String(settings.deadline.atRiskDays)}
        onChange={(e) =>
          edit((s) => ({
            ...s,
            deadline: { ...s.deadline, atRiskDays: valueOf(e) === '' ? Number.NaN : Number(valueOf(e)) },
          }))
        }
      />
      <Problem errors={errors} field="deadline.atRiskDays" />

      <Heading size="medium">Downstream systems</Heading>
      <Label labelFor="downstream">
        Systems confirmed erased by hand, one per line (listed in the compliance record)
      </Label>
      <TextArea
        id="downstream"
        value={settings.downstreamSystems.join('\n')}
        onChange={(e) => edit((s) => ({ ...s, downstreamSystems: valueOf(e).split('\n') }))}
      />
      <Problem errors={errors} field="downstreamSystems" />

      <Heading size="medium">Providers</Heading>
      <Checkbox
        label="Amiqus"
        isChecked={settings.providers.amiqus.enabled}
        onChange={(e) =>
          edit((s) => ({
            ...s,
            providers: { ...s.providers, amiqus: { ...s.providers.amiqus, enabled: checkedOf(e) } },
          }))
        }
      />
      <Checkbox
        label="Ada"
        isChecked={settings.providers.ada.enabled}
        onChange={(e) =>
          edit((s) => ({ ...s, providers: { ...s.providers, ada: { ...s.providers.ada, enabled: checkedOf(e) } } }))
        }
      />
      <Label labelFor="ada-handle">Ada handle</Label>
      <Textfield
        id="ada-handle"
        value={settings.providers.ada.handle}
        onChange={(e) =>
          edit((s) => ({ ...s, providers: { ...s.providers, ada: { ...s.providers.ada, handle: valueOf(e) } } }))
        }
      />
      <Problem errors={errors} field="providers.ada.handle" />
      <Label labelFor="ada-region">Ada region</Label>
      <Select
        inputId="ada-region"
        options={ADA_REGIONS}
        value={pick(ADA_REGIONS, settings.providers.ada.region) ?? null}
        onChange={(o: Option | null) =>
          edit((s) => ({
            ...s,
            providers: {
              ...s.providers,
              ada: { ...s.providers.ada, region: (o?.value ?? 'us') as 'us' | 'eu' | 'maple' },
            },
          }))
        }
      />
      <Checkbox
        label="Genesys Cloud"
        isChecked={settings.providers.genesys.enabled}
        onChange={(e) =>
          edit((s) => ({
            ...s,
            providers: { ...s.providers, genesys: { ...s.providers.genesys, enabled: checkedOf(e) } },
          }))
        }
      />
      <Label labelFor="genesys-region">Genesys Cloud region (for example eu_west_1)</Label>
      <Textfield
        id="genesys-region"
        value={settings.providers.genesys.region}
        onChange={(e) =>
          edit((s) => ({
            ...s,
            providers: { ...s.providers, genesys: { ...s.providers.genesys, region: valueOf(e) } },
          }))
        }
      />
      <Problem errors={errors} field="providers.genesys.region" />
      <Button appearance="primary" onClick={() => void save()}>
        Save settings
      </Button>

      <Heading size="medium">Provider credentials</Heading>
      <Text>Stored in Forge secret storage. They cannot be read back: the page only knows whether each is set.</Text>
      {PROVIDERS.map((provider) => (
        <Stack key={provider} space="space.075">
          <Inline space="space.100" alignBlock="center">
            <Heading size="small">{PROVIDER_LABELS[provider]}</Heading>
            <Lozenge appearance={secretStatus[provider] ? 'success' : 'removed'}>
              {secretStatus[provider] ? 'set' : 'not set'}
            </Lozenge>
          </Inline>
          {SECRET_FIELDS[provider].map((f) => (
            <Stack key={f.key} space="space.025">
              <Label labelFor={`secret-${provider}-${f.key}`}>{f.label}</Label>
              <Textfield
                id={`secret-${provider}-${f.key}`}
                type="password"
                value={secretDrafts[provider]?.[f.key] ?? ''}
                onChange={(e) =>
                  setSecretDrafts({ ...secretDrafts, [provider]: { ...secretDrafts[provider], [f.key]: valueOf(e) } })
                }
              />
            </Stack>
          ))}
          <Inline space="space.100">
            <Button onClick={() => void storeSecret(provider)}>Store {PROVIDER_LABELS[provider]} credentials</Button>
            <Button appearance="subtle" onClick={() => void testConnection(provider)}>
              Test {PROVIDER_LABELS[provider]} connection
            </Button>
          </Inline>
          {connection[provider] && (
            <SectionMessage appearance={connection[provider].ok ? 'success' : 'error'}>
              <Text>{connection[provider].message}</Text>
            </SectionMessage>
          )}
        </Stack>
      ))}

      <Heading size="medium">Amiqus webhook</Heading>
      <Text>
        Register this URL at Amiqus for the client.deletion_reminder_due event, then store the signing secret Amiqus
        returns above.
      </Text>
      {webtriggerUrl ? <Code>{webtriggerUrl}</Code> : <Text>Forge has not issued the web trigger URL yet.</Text>}

      <Heading size="medium">Legal holds (GDPR Art. 17(3)(e))</Heading>
      {holds.length === 0 ? (
        <Text>No holds.</Text>
      ) : (
        holds.map((h) => (
          <Stack key={h.id} space="space.050">
            <Inline space="space.100" alignBlock="center">
              <Code>{h.id}</Code>
              <Lozenge appearance="new">{h.providers === 'all' ? 'all providers' : h.providers.join(', ')}</Lozenge>
              <Text>
                {h.reason} (until {h.expiresOn ?? 'further notice'})
              </Text>
            </Inline>
            <Inline space="space.100" alignBlock="center">
              <Textfield
                id={`release-${h.id}`}
                placeholder="Why the hold is released"
                value={releaseReasons[h.id] ?? ''}
                onChange={(e) => setReleaseReasons({ ...releaseReasons, [h.id]: valueOf(e) })}
              />
              <Button appearance="warning" onClick={() => void releaseHold(h.id)}>
                Release hold
              </Button>
            </Inline>
          </Stack>
        ))
      )}
      <Heading size="small">Place a hold</Heading>
      <Inline space="space.100" alignBlock="center">
        <Select
          inputId="hold-kind"
          options={IDENTIFIER_OPTIONS}
          value={pick(IDENTIFIER_OPTIONS, newHold.kind) ?? null}
          onChange={(o: Option | null) => setNewHold({ ...newHold, kind: o?.value ?? 'email' })}
        />
        <Textfield
          id="hold-value"
          placeholder="Identifier (stored only as a hash)"
          value={newHold.value}
          onChange={(e) => setNewHold({ ...newHold, value: valueOf(e) })}
        />
      </Inline>
      <Problem errors={holdErrors} field="identifiers" />
      <Checkbox
        label="All providers"
        isChecked={newHold.all}
        onChange={(e) => setNewHold({ ...newHold, all: checkedOf(e) })}
      />
      {!newHold.all &&
        PROVIDERS.map((p) => (
          <Checkbox
            key={p}
            label={PROVIDER_LABELS[p]}
            isChecked={newHold.providers.includes(p)}
            onChange={(e) =>
              setNewHold({
                ...newHold,
                providers: checkedOf(e) ? [...newHold.providers, p] : newHold.providers.filter((x) => x !== p),
              })
            }
          />
        ))}
      <Problem errors={holdErrors} field="providers" />
      <Label labelFor="hold-reason">Reason (goes into each affected compliance record)</Label>
      <TextArea
        id="hold-reason"
        value={newHold.reason}
        onChange={(e) => setNewHold({ ...newHold, reason: valueOf(e) })}
      />
      <Problem errors={holdErrors} field="reason" />
      <Label labelFor="hold-expiry">Expires on (empty: until released)</Label>
      <DatePicker
        id="hold-expiry"
        value={newHold.expiresOn}
        onChange={(value: string) => setNewHold({ ...newHold, expiresOn: value ?? '' })}
      />
      <HelperMessage>
        Open tickets for this person get a comment; the identifier itself is never written anywhere.
      </HelperMessage>
      <Button appearance="primary" onClick={() => void addHold()}>
        Place hold
      </Button>
    </Stack>
  );
}

ForgeReconciler.render(
  <React.StrictMode>
    <Admin />
  </React.StrictMode>,
);
