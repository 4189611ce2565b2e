import ForgeReconciler, { Button, Heading, Inline, Lozenge, SectionMessage, Spinner, Stack, Text, TextArea, Textfield } from '@forge/react';
import { call } from './call';
import React, { useEffect, useState } from 'react';
import type { Settings } from '../core/settings';

/**
 * The admin page: settings as JSON (validated field by field on save), write-only provider credentials,
 * and the legal-hold register.
 */

type Reply = { ok: boolean; message?: string; errors?: Array<{ field: string; message: string }>; settings?: Settings; status?: Record<string, boolean>; holds?: Array<{ id: string; reason: string; expiresOn: string | null }>; url?: string };

const SECRET_FIELDS: Record<string, string[]> = { amiqus: ['token', 'webhookSecret'], ada: ['apiKey'], genesys: ['clientId', 'clientSecret'] };

function Admin() {
  const [settingsText, setSettingsText] = useState('');
  const [status, setStatus] = useState<Record<string, boolean>>({});
  const [holds, setHolds] = useState<NonNullable<Reply['holds']>>([]);
  const [secretDrafts, setSecretDrafts] = useState<Record<string, Record<string, string>>>({});
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [webhookUrl, setWebhookUrl] = useState<string | null>(null);

  const load = async () => {
    const [s, st, h, w] = await Promise.all([call<Reply>('getSettings'), call<Reply>('getSecretStatus'), call<Reply>('listHolds'), call<Reply>('getWebhookUrl')]);
    setWebhookUrl(w.url ?? null);
    setSettingsText(JSON.stringify(s.settings, null, 2));
    setStatus(st.status ?? {});
    setHolds(h.holds ?? []);
    setLoaded(true);
  };
  useEffect(() => {
    void load();
  }, []);

  const save = async () => {
    let settings: unknown;
    try {
      settings = JSON.parse(settingsText);
    } catch {
      return setNotice({ ok: false, text: 'The settings are not valid JSON.' });
    }
    const reply = await call<Reply>('saveSettings', { settings });
    setNotice({ ok: reply.ok, text: reply.ok ? 'Settings saved.' : (reply.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ') });
  };
  const storeSecret = async (provider: string) => {
    const reply = await call<Reply>('setSecret', { provider, value: secretDrafts[provider] ?? {} });
    setNotice({ ok: reply.ok, text: reply.message ?? '' });
    setSecretDrafts({ ...secretDrafts, [provider]: {} });
    await load();
  };

  if (!loaded) return <Spinner />;
  return (
    <Stack space="space.300">
      {notice && (
        <SectionMessage appearance={notice.ok ? 'success' : 'error'}>
          <Text>{notice.text}</Text>
        </SectionMessage>
      )}
      <Heading size="medium">Settings</Heading>
      <Text>Statuses, field mapping, approvers, four-eyes rule, deadline policy, downstream systems and provider options.</Text>
      <TextArea value={settingsText} onChange={(e) => setSettingsText(String(e.target.value ?? ''))} />
      <Button appearance="primary" onClick={() => void save()}>Save settings</Button>
      <Heading size="medium">Amiqus webhook</Heading>
      <Text>Register this URL in Amiqus for client.deletion_reminder_due, then store the signing secret Amiqus returns below.</Text>
      <Text>{webhookUrl ?? 'Not available.'}</Text>
      <Heading size="medium">Provider credentials</Heading>
      {Object.entries(SECRET_FIELDS).map(([provider, fields]) => (
        <Stack key={provider} space="space.050">
          <Inline space="space.100" alignBlock="center">
            <Text>{provider}</Text>
            <Lozenge appearance={status[provider] ? 'success' : 'removed'}>{status[provider] ? 'configured' : 'not configured'}</Lozenge>
          </Inline>
          {fields.map((field) => (
            <Textfield
              key={field}
              type="password"
              placeholder={field}
              value={secretDrafts[provider]?.[field] ?? ''}
              onChange={(e) => setSecretDrafts({ ...secretDrafts, [provider]: { ...secretDrafts[provider], [field]: String(e.target.value ?? '') } })}
            />
          ))}
          <Button onClick={() => void storeSecret(provider)}>Store {provider} credentials</Button>
        </Stack>
      ))}
      <Heading size="medium">Legal holds (GDPR Art. 17(3)(e))</Heading>
      {holds.length === 0 ? <Text>No holds.</Text> : holds.map((h) => (
        <Inline key={h.id} space="space.100" alignBlock="center">
          <Text>{h.id}: {h.reason} (until {h.expiresOn ?? 'further notice'})</Text>
          <Button onClick={() => void call('removeHold', { id: h.id }).then(load)}>Remove</Button>
        </Inline>
      ))}
    </Stack>
  );
}

ForgeReconciler.render(
  <React.StrictMode>
    <Admin />
  </React.StrictMode>,
);
