import { webTrigger } from '@forge/api';
import Resolver from '@forge/resolver';
import {
  addLegalHold,
  getJiraCatalog,
  getSecretStatus,
  getSettings,
  isJiraAdministrator,
  listHolds,
  NOT_ADMIN,
  releaseLegalHold,
  saveSettings,
  setProviderSecret,
  testConnection,
  type AdminDeps,
} from '../app/admin';
import { buildAdminDeps } from '../deps';

/**
 * The admin page's backend. Forge shows the page to Jira administrators only; each call checks it again with
 * Jira (src/app/admin.ts), because these calls change where and how personal data is erased.
 */
const resolver = new Resolver();
const AMIQUS_WEBTRIGGER = 'amiqus-webhook-endpoint';

/** Defines a call that runs only for a Jira administrator (Jira's Administer global permission). */
function defineForAdmins(
  name: string,
  handler: (deps: AdminDeps, payload: unknown, accountId: string) => Promise<unknown>,
): void {
  resolver.define(name, async ({ payload, context }) => {
    const accountId = typeof context.accountId === 'string' ? context.accountId : null;
    const deps = buildAdminDeps();
    if (!accountId || !(await isJiraAdministrator(deps, accountId))) return NOT_ADMIN;
    return handler(deps, payload, accountId);
  });
}

defineForAdmins('getSettings', (deps) => getSettings(deps));
defineForAdmins('saveSettings', (deps, payload) => saveSettings(deps, payload));
// The URL Amiqus delivers to (`client.deletion_reminder_due`): Forge mints it per installation
// (webTrigger.getUrl), so only the app can show it.
defineForAdmins('getWebhookUrl', async () => {
  try {
    return { ok: true, url: await webTrigger.getUrl(AMIQUS_WEBTRIGGER) };
  } catch (error) {
    return {
      ok: false,
      message: `Forge did not give the web trigger URL: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
});
defineForAdmins('getSecretStatus', (deps) => getSecretStatus(deps));
defineForAdmins('setSecret', (deps, payload) => setProviderSecret(deps, payload));
defineForAdmins('listHolds', (deps) => listHolds(deps));
defineForAdmins('addHold', (deps, payload, accountId) => addLegalHold(deps, payload, accountId));
defineForAdmins('releaseHold', (deps, payload, accountId) => releaseLegalHold(deps, payload, accountId));
// The earlier name for releasing, kept for callers of the previous page: it now needs a reason as well.
defineForAdmins('removeHold', (deps, payload, accountId) => releaseLegalHold(deps, payload, accountId));
defineForAdmins('getJiraCatalog', (deps) => getJiraCatalog(deps));
defineForAdmins('testConnection', (deps, payload) => testConnection(deps, payload));

export const adminResolver = resolver.getDefinitions();
