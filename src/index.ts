// Every handler named in manifest.yml, and nothing else: each is a thin entry point (src/triggers,
// src/resolvers) that parses the platform payload and calls one use case in src/app.
export { onIssueUpdated } from './triggers/issue-updated';
export { erasureJobWorker } from './triggers/erasure-job-worker';
export { providerStatusPoll } from './triggers/provider-status-poll';
export { deadlineWatch } from './triggers/deadline-watch';
export { amiqusDuePoll } from './triggers/amiqus-due-poll';
export { amiqusWebhook } from './triggers/amiqus-webhook';
export { panelResolver } from './resolvers/panel';
export { adminResolver } from './resolvers/admin';
export { personalDataReport } from './triggers/personal-data-report';
