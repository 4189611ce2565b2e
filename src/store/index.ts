import { adaSubmissionLog } from './ada-submission-log';
import { approvalInbox } from './approval-inbox';
import { auditStore } from './audit-store';
import { holdStore } from './hold-store';
import { jobDurations } from './job-durations';
import { caseStore, claims, jobStore, settingsStore } from './kvs-store';
import { genesysTokenCache, providerSecrets } from './secrets';
import { amiqusTickets, genesysPreviews } from './ticket-links';

/**
 * The storage ports on Forge KVS and secret storage. Typed against src/app/ports.ts `AppStore` where it is
 * wired (src/deps.ts), so store/ never imports from app/.
 */
export const forgeStore = {
  cases: caseStore,
  jobs: jobStore,
  claims,
  audit: auditStore,
  holds: holdStore,
  settings: settingsStore,
  secrets: providerSecrets,
  amiqusTickets,
  previews: genesysPreviews,
  approvals: approvalInbox,
  adaSubmissions: adaSubmissionLog,
  genesysTokens: genesysTokenCache,
  jobDurations,
};
