import { createHash } from 'node:crypto';
import { verifyComplianceRecord } from '../../src/core/compliance-record';
import { APPROVAL_STARTED } from '../../src/app/comments';
import type { Scenario } from '../demo/scenarios';
import { TERMINAL_STATUSES, type World } from '../world';
import type { StoredJob } from './harness';

/**
 * What must hold after any fault sequence, checked against what the outside world recorded (the providers'
 * ledgers, the Jira ticket, the app's storage and logs), not against what the app believes:
 * - no subject is erased twice at any provider;
 * - no job is lost or stuck: every job has settled, and one waiting for a person says what to do next;
 * - no ticket is Done (or Pending downstream) unless every job succeeded, and Done only when the provider's own
 *   ledger shows the erasure;
 * - every compliance record attached to the ticket verifies;
 * - no identifier or secret appears in logs, comments, storage, the compliance record or resolver answers
 *   (comments and records may name the Amiqus client id: it is the provider's reference, on the ticket).
 */

export interface Observation {
  world: World;
  scenario: Scenario;
  ticket: string;
  /** When the run began (virtual time): storage written since then is the run's. */
  since: number;
  jobs: StoredJob[];
  logs: string[];
  resolverResponses: unknown[];
}

const SETTLED_NEEDING_A_PERSON = new Set(['needs_attention', 'failed', 'partially_completed', 'blocked_legal_hold']);
const SUCCESS = new Set(['completed', 'not_found']);
const ACTIVE = new Set(['pending', 'submitted', 'in_progress']);

export function checkInvariants(o: Observation): string[] {
  return [
    ...erasedAtMostOnce(o),
    ...nothingStuck(o),
    ...doneOnlyWithEvidence(o),
    ...recordsVerify(o),
    ...eachFactRecordedOnce(o),
    ...noPersonalDataOrSecrets(o),
  ];
}

/**
 * A step redone after a crash must not record its fact twice: no two audit entries with the same time, kind
 * and data (an actor compared by who their commitment opens to), and one compliance record per round.
 */
function eachFactRecordedOnce({ world, ticket, since }: Observation): string[] {
  const contents = world.platform.kvs.contents(since);
  const openings = contents.plain as Record<string, { accountId?: string } | undefined>;
  const events = Object.entries(contents.entities['audit-event'] ?? {})
    .filter(([key]) => key.startsWith(`${ticket}:`))
    .map(([, value]) => value as { at: string; kind: string; data: Record<string, unknown> });
  const seen = new Map<string, number>();
  for (const e of events) {
    const by = typeof e.data.by === 'string' ? (openings[`actor-opening:${e.data.by}`]?.accountId ?? e.data.by) : null;
    const fact = JSON.stringify([e.at, e.kind, { ...e.data, ...(by === null ? {} : { by }) }]);
    seen.set(fact, (seen.get(fact) ?? 0) + 1);
  }
  const out = [...seen]
    .filter(([, n]) => n > 1)
    .map(([fact, n]) => `audit entry recorded ${n} times: ${fact.slice(0, 120)}`);
  const issue = world.jira.state.issues.get(ticket);
  const files = issue?.attachments.map((a) => a.filename) ?? [];
  for (const name of new Set(files))
    if (files.filter((f) => f === name).length > 1) out.push(`${name} attached more than once`);
  // The start comment once per case (a plan's later approvals resume it), each record's summary once.
  const comments = issue?.comments.map((c) => c.text) ?? [];
  const starts = comments.filter((c) => c.startsWith(APPROVAL_STARTED)).length;
  if (starts > 1) out.push(`start comment posted ${starts} times`);
  for (const a of issue?.attachments.filter((x) => x.filename.endsWith('.json')) ?? []) {
    const digest = createHash('sha256').update(a.bytes).digest('hex');
    const quoting = comments.filter((c) => c.includes(digest)).length;
    if (quoting > 1) out.push(`${a.filename}: its summary comment posted ${quoting} times`);
  }
  return out;
}

function erasedAtMostOnce({ world, scenario, ticket }: Observation): string[] {
  const out: string[] = [];
  const { subject } = scenario;
  if (subject.amiqusClientId !== undefined) {
    const n = world.amiqus.ledger.count('delete_client', String(subject.amiqusClientId));
    if (n > 1) out.push(`amiqus: client deleted ${n} times`);
  }
  const adaJobs = world.ada.ledger.entries.filter((e) => e.action === 'job_created' && e.subject === ticket).length;
  if (adaJobs > 1) out.push(`ada: ${adaJobs} deletion jobs created for one ticket`);
  for (const value of [subject.email, subject.adaChatterId].filter((v): v is string => !!v)) {
    const n = world.ada.ledger.entries.filter(
      (e) => e.action === 'end_user_erased' && e.subject.endsWith(`|${value.toLowerCase()}`),
    ).length;
    if (n > 1) out.push(`ada: identifier erased ${n} times`);
  }
  const genesysKeys = genesysSubjectKeys(scenario);
  const requests = genesysKeys.reduce((sum, key) => sum + world.genesys.ledger.count('delete_request', key), 0);
  if (requests > 1) out.push(`genesys: ${requests} GDPR_DELETE requests for one subject`);
  return out;
}

/** Ada's poll interval grows to 12 hours (its jobs may take 30 days): a next poll further off than this is lost. */
const LONGEST_POLL_INTERVAL_MS = 12 * 3_600_000;

function nothingStuck({ world, ticket, jobs }: Observation): string[] {
  const out: string[] = [];
  const now = world.clock.now();
  const status = world.jira.state.issues.get(ticket)?.status ?? 'missing';
  // Still working is not stuck while a job has a next step of its own: a poll due soon.
  const waiting = (job: StoredJob) => job.pollQueue === 'waiting' && job.nextPollAt <= now + LONGEST_POLL_INTERVAL_MS;
  const stillWorking = jobs.some((j) => ACTIVE.has(j.state) && waiting(j));
  if (!TERMINAL_STATUSES.includes(status) && !stillWorking) out.push(`ticket stuck in "${status}"`);
  if (jobs.length === 0 && status !== 'Needs attention') out.push('no job was ever planned for an approved ticket');
  for (const job of jobs) {
    if (ACTIVE.has(job.state) && !waiting(job)) out.push(`${job.provider}: job stuck in ${job.state} with no poll due`);
    if (SETTLED_NEEDING_A_PERSON.has(job.state) && !job.nextStep)
      out.push(`${job.provider}: ${job.state} without a next step`);
  }
  const dead = world.platform.deadLetters.filter(
    (e) => (e.body as { ticketKey?: string } | null)?.ticketKey === ticket,
  );
  for (const e of dead) {
    const provider = (e.body as { provider?: string }).provider;
    const job = jobs.find((j) => j.provider === provider);
    if (!job || (ACTIVE.has(job.state) && !waiting(job)))
      out.push(`${provider}: queue event given up by Forge and the job never recovered`);
  }
  return out;
}

function doneOnlyWithEvidence({ world, scenario, ticket, jobs }: Observation): string[] {
  const out: string[] = [];
  const issue = world.jira.state.issues.get(ticket);
  const { subject, holds } = scenario;
  for (const job of jobs) {
    if (job.state !== 'completed' && job.state !== 'not_found') continue;
    const held =
      job.provider === 'amiqus'
        ? holds.amiqus !== undefined
        : job.provider === 'genesys'
          ? holds.genesys !== undefined
          : holds.ada !== undefined;
    const erased =
      job.provider === 'amiqus'
        ? world.amiqus.ledger.count('delete_client', String(subject.amiqusClientId)) === 1
        : job.provider === 'genesys'
          ? genesysSubjectKeys(scenario).some((key) => world.genesys.ledger.count('subject_deleted', key) >= 1)
          : world.ada.ledger.entries.some(
              (e) =>
                e.action === 'end_user_erased' &&
                [subject.email, subject.adaChatterId].some((v) => v && e.subject.endsWith(`|${v.toLowerCase()}`)),
            );
    if (job.state === 'completed' && !erased)
      out.push(`${job.provider}: job completed but the provider's ledger shows no erasure`);
    if (
      job.state === 'not_found' &&
      held &&
      !erased &&
      !(job.provider === 'amiqus' && holds.amiqus?.clientId !== subject.amiqusClientId)
    ) {
      out.push(`${job.provider}: job not_found but the provider still holds the subject`);
    }
  }
  // Pending downstream, like Done, says every provider succeeded: only the hand-confirmed systems remain.
  if (issue?.status === 'Pending downstream')
    for (const job of jobs)
      if (!SUCCESS.has(job.state)) out.push(`ticket Pending downstream while ${job.provider} is ${job.state}`);
  if (issue?.status !== 'Done') return out;
  for (const job of jobs) if (!SUCCESS.has(job.state)) out.push(`ticket Done while ${job.provider} is ${job.state}`);
  const record = latestRecord(world, ticket);
  if (!record) return [...out, 'ticket Done without a compliance record'];
  const events = (record.events ?? []) as Array<{ kind: string; data: { provider?: string; to?: string } }>;
  for (const job of jobs) {
    if (
      !events.some((e) => e.kind === 'job_transition' && e.data.provider === job.provider && e.data.to === job.state)
    ) {
      out.push(`ticket Done but the record does not evidence ${job.provider} reaching ${job.state}`);
    }
  }
  return out;
}

function recordsVerify({ world, ticket }: Observation): string[] {
  const attachments =
    world.jira.state.issues.get(ticket)?.attachments.filter((a) => a.filename.endsWith('.json')) ?? [];
  return attachments.flatMap((a) => {
    const verdict = verifyComplianceRecord(JSON.parse(a.bytes.toString('utf8')));
    return verdict.ok ? [] : [`compliance record ${a.filename} does not verify: ${verdict.problems.join('; ')}`];
  });
}

function noPersonalDataOrSecrets(o: Observation): string[] {
  const { world, scenario, ticket } = o;
  const { subject, holds } = scenario;
  const personal = [
    subject.email,
    subject.fullName,
    subject.phones?.split(' ')[0],
    subject.adaChatterId,
    holds.genesys?.externalContactId,
    subject.genesysExternalContactId,
  ].filter((v): v is string => !!v);
  const secrets = secretValues(world);
  const clientId = subject.amiqusClientId !== undefined ? new RegExp(`\\b${subject.amiqusClientId}\\b`) : null;
  const contents = world.platform.kvs.contents(o.since);
  const issue = world.jira.state.issues.get(ticket);
  const places: Array<{ where: string; text: string; clientIdAllowed: boolean }> = [
    { where: 'logs', text: o.logs.join('\n'), clientIdAllowed: false },
    { where: 'comments', text: (issue?.comments ?? []).map((c) => c.text).join('\n'), clientIdAllowed: true },
    {
      where: 'storage',
      text: JSON.stringify({ plain: contents.plain, entities: contents.entities }),
      clientIdAllowed: true,
    },
    {
      where: 'compliance record',
      text: (issue?.attachments ?? []).map((a) => a.bytes.toString('utf8')).join('\n'),
      clientIdAllowed: true,
    },
    { where: 'resolver responses', text: JSON.stringify(o.resolverResponses), clientIdAllowed: true },
  ];
  const out: string[] = [];
  for (const place of places) {
    const lower = place.text.toLowerCase();
    for (const value of personal)
      if (lower.includes(value.toLowerCase()))
        out.push(`${place.where} contain an identifier of the subject (${kindOf(scenario, value)})`);
    for (const value of secrets) if (place.text.includes(value)) out.push(`${place.where} contain a secret`);
    if (clientId && !place.clientIdAllowed && clientId.test(place.text))
      out.push(`${place.where} contain the Amiqus client id`);
  }
  return out;
}

/** How the Genesys simulator keys a subject: the external contact id the request named, or its email. */
function genesysSubjectKeys({ subject, holds }: Scenario): string[] {
  return [
    ...new Set(
      [holds.genesys?.externalContactId, subject.genesysExternalContactId, subject.email]
        .filter((v): v is string => !!v)
        .map((v) => v.toLowerCase()),
    ),
  ];
}

function kindOf(scenario: Scenario, value: string): string {
  const entry = Object.entries(scenario.subject).find(([, v]) => typeof v === 'string' && v.includes(value));
  return entry?.[0] ?? 'genesysExternalContactId';
}

/** Every credential the sandbox issued, and whatever the app keeps in secret storage (e.g. access tokens). */
function secretValues(world: World): string[] {
  const out = new Set<string>([
    world.amiqus.token,
    world.ada.apiKey,
    world.genesys.clientSecret,
    ...world.amiqus.webhooks().map((w) => w.secret),
  ]);
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string' && /token|secret|key|password/i.test(key)) out.add(v);
    else if (v && typeof v === 'object') for (const [k, child] of Object.entries(v)) walk(child, k);
  };
  walk(world.platform.kvs.contents().secret, '');
  return [...out].filter((s) => s.length >= 12);
}

function latestRecord(world: World, ticket: string): { events?: unknown[] } | null {
  const attachment = world.jira.state.issues
    .get(ticket)
    ?.attachments.filter((a) => a.filename.endsWith('.json'))
    .at(-1);
  return attachment ? (JSON.parse(attachment.bytes.toString('utf8')) as { events?: unknown[] }) : null;
}
