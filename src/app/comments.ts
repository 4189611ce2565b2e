import { PROVIDER_LABELS, type ProviderId } from '../core/erasure';
import type { FieldProblem } from '../core/subject';
import type { DueClient, IdentifierDisposition } from '../providers/port';
import type { LegalHold } from '../core/legal-hold';
import { type ClosingOutcome, unconfirmedSystems } from '../core/downstream';
import type { CaseRecord, JobRecord } from '../core/records';
import { adfDoc, bullets, type Inline, para, rule, strong, text, code } from './adf-nodes';
import type { AdfDocument } from './ports';

/**
 * The comments a privacy officer reads on the ticket: short, plain words, what happened and what to do next.
 * No raw JSON, no secrets, and no personal data beyond what the ticket already shows (identifier kinds, not
 * values; provider references, which are opaque ids).
 */

const label = (p: ProviderId) => PROVIDER_LABELS[p];

const STATE_WORDS: Record<JobRecord['state'], string> = {
  pending: 'waiting to be sent',
  submitted: 'submitted',
  in_progress: 'in progress',
  completed: 'erased',
  partially_completed: 'partly erased',
  failed: 'failed',
  blocked_legal_hold: 'withheld under legal hold',
  not_found: 'nothing found to erase',
  needs_attention: 'needs a person',
};

export function validationFailedComment(problems: FieldProblem[]): AdfDocument {
  return adfDoc(
    para(
      strong('Erasure not started.'),
      text(
        ' Nothing was sent to any provider. Please fix the following and move the ticket to the approval status again:',
      ),
    ),
    bullets(problems.map((p) => [strong(fieldLabel(p.field)), text(`: ${p.message}`)])),
  );
}

/** The start comment's opening words: an approval finished after a crash looks for them on the ticket. */
export const APPROVAL_STARTED = 'Erasure started';

export function approvalStartedComment(
  providers: ProviderId[],
  held: ProviderId[],
  dueOn: string,
  downstream: string[],
): AdfDocument {
  const running = providers.filter((p) => !held.includes(p));
  return adfDoc(
    para(
      strong(APPROVAL_STARTED),
      text(running.length ? ` at ${running.map(label).join(', ')}.` : '.'),
      text(` Statutory deadline: ${dueOn}.`),
    ),
    ...(held.length > 0
      ? [
          para(
            text(
              `Withheld under legal hold (GDPR Art. 17(3)(e)): ${held.map(label).join(', ')}. This is recorded in the compliance record.`,
            ),
          ),
        ]
      : []),
    ...(downstream.length > 0
      ? [para(text(`To confirm by hand (no provider API reaches them): ${downstream.join(', ')}.`))]
      : []),
  );
}

/** A job that has just settled, for the comment that tells its outcome. */
export interface SettledReport {
  job: JobRecord;
  dispositions: IdentifierDisposition[];
  at: Date;
}

export function jobSettledComment(job: JobRecord, dispositions: IdentifierDisposition[], at: Date): AdfDocument {
  return adfDoc(...jobSettledBlocks({ job, dispositions, at }));
}

function jobSettledBlocks({ job, dispositions, at }: SettledReport): unknown[] {
  const lines: Inline[][] = [
    [strong('Result: '), text(`${STATE_WORDS[job.state]}${job.detail ? ` — ${job.detail}` : ''}`)],
  ];
  if (job.providerRef) lines.push([strong('Provider reference: '), code(job.providerRef)]);
  lines.push([strong('Attempt: '), text(String(job.attempt))]);
  lines.push([strong('Time: '), text(at.toISOString())]);
  if (job.nextStep) lines.push([strong('Next step: '), text(job.nextStep)]);
  return [
    para(strong(`${label(job.provider)}: ${STATE_WORDS[job.state]}`)),
    bullets(lines),
    ...(dispositions.length > 0
      ? [
          para(text('Per identifier:')),
          bullets(
            dispositions.map((d) => [
              text(`${d.kind}: ${d.disposition}`),
              ...(d.matched !== null ? [text(` (${d.matched} matched)`)] : []),
              ...(d.reason ? [text(` — ${d.reason}`)] : []),
            ]),
          ),
        ]
      : []),
  ];
}

const CLOSING_WORDS: Record<ClosingOutcome, { title: string; text: string }> = {
  done: { title: 'Erasure complete.', text: ' Every provider erased the data or held none.' },
  blocked: {
    title: 'Erasure needs a person.',
    text: ' At least one provider did not complete; see the next steps below.',
  },
  pending_downstream: {
    title: 'Providers done; downstream systems still to confirm.',
    text: ' Every provider erased the data or held none. The request is answered once each downstream system is confirmed erased on the Erasure Desk panel; the last confirmation closes it with a new compliance record.',
  },
};

/**
 * The round's closing comment. `settledNow` are the jobs whose outcome closed it, told here first, in the
 * words of their own comment and above a rule, so the ticket reads as before with one comment less.
 */
export function caseClosedComment(
  outcome: ClosingOutcome,
  jobs: JobRecord[],
  digest: string,
  record: CaseRecord,
  settledNow: SettledReport[] = [],
): AdfDocument {
  const open = unconfirmedSystems(record.downstream);
  const confirmed = record.downstream.filter((d) => d.confirmedBy !== null).map((d) => d.system);
  return adfDoc(
    ...settledNow.flatMap((report) => [...jobSettledBlocks(report), rule()]),
    para(strong(CLOSING_WORDS[outcome].title), text(CLOSING_WORDS[outcome].text)),
    bullets(
      jobs.map((j) => [
        strong(`${label(j.provider)}: `),
        text(STATE_WORDS[j.state]),
        ...(j.nextStep ? [text(` — next step: ${j.nextStep}`)] : []),
      ]),
    ),
    ...(outcome === 'done' && confirmed.length > 0
      ? [para(text(`Confirmed erased by hand: ${confirmed.join(', ')}.`))]
      : []),
    para(
      text(`Compliance record attached (round ${record.round}). File SHA-256: `),
      code(digest),
      ...(record.finalization.chainHead ? [text('; hash-chain head: '), code(record.finalization.chainHead)] : []),
      text('. Check it without the app: npm run verify -- FILE --sha256 <file hash> --head <chain head>.'),
    ),
    ...(open.length > 0 ? [para(text(`Still to confirm by hand: ${open.join(', ')}.`))] : []),
  );
}

/** A confirmation comment's opening words: a confirmation finished after a crash looks for them on the ticket. */
export const downstreamConfirmedHeadline = (system: string): string => `${system}: confirmed erased by hand`;

/** One downstream system confirmed on the panel: what, the officer's reference, and what is left. */
export function downstreamConfirmedComment(system: string, note: string | null, remaining: string[]): AdfDocument {
  return adfDoc(
    para(
      strong(downstreamConfirmedHeadline(system)),
      text(note ? ` (reference: ${note}).` : '.'),
      text(
        remaining.length > 0
          ? ` Still to confirm: ${remaining.join(', ')}.`
          : ' Every downstream system is now confirmed.',
      ),
    ),
  );
}

/**
 * The workflow has no way to the status the app wanted: say what to add, and that nothing waits on it (the
 * case goes on from the panel; the ticket stays where it is meanwhile).
 */
export function statusUnavailableComment(status: string, available: string[], meanwhile: string): AdfDocument {
  return adfDoc(
    para(
      strong(`Could not move the ticket to "${status}".`),
      text(
        ` This project's workflow has no transition to it from the ticket's current status (it offers: ${available.join(', ') || 'none'}). Add a "${status}" status with transitions to it and from it to the done status, or choose another status on the Erasure Desk admin page. ${meanwhile}`,
      ),
    ),
  );
}

export function retryStartedComment(providers: ProviderId[], genesysSupportCase: string | null = null): AdfDocument {
  return adfDoc(
    para(
      strong('Retry started'),
      text(` for ${providers.map(label).join(', ')}. Completed providers are not contacted again.`),
      ...(genesysSupportCase
        ? [
            text(
              ` Genesys Cloud resubmitted after its ERROR, confirmed by the officer with support case ${genesysSupportCase}.`,
            ),
          ]
        : []),
    ),
  );
}

/** A settled ticket moved to the approval status again, with nothing the approval may redo. */
export function reapprovalNothingToDoComment(
  status: string,
  genesysWaiting: boolean,
  downstreamLeft: string[] = [],
): AdfDocument {
  return adfDoc(
    para(
      strong('Approved again, but there is nothing to redo.'),
      text(
        ' Every provider has completed, held nothing, or is under legal hold; erasures already done are never repeated.',
      ),
      ...(genesysWaiting
        ? [
            text(
              ' Genesys Cloud ended in ERROR: resubmitting it needs a support-case reference and a confirmation, from Retry on the Erasure Desk panel, not a new approval.',
            ),
          ]
        : []),
      ...(downstreamLeft.length > 0
        ? [text(` Still to confirm on the Erasure Desk panel: ${downstreamLeft.join(', ')}.`)]
        : []),
      text(` The ticket goes back to ${status}.`),
    ),
  );
}

export function deadlineWarningComment(
  state: 'at_risk' | 'overdue',
  dueOn: string,
  daysRemaining: number,
): AdfDocument {
  return adfDoc(
    para(
      strong(state === 'overdue' ? 'Statutory deadline missed.' : 'Statutory deadline approaching.'),
      text(
        state === 'overdue'
          ? ` The response was due on ${dueOn} (GDPR Art. 12(3)). Record the reason and inform the data subject.`
          : ` Due on ${dueOn}: ${daysRemaining} day(s) left. If more time is needed, extend it (up to two further months, with a reason) and tell the data subject within the first month.`,
      ),
    ),
  );
}

export function deadlineExtendedComment(months: number, due: string, reason: string): AdfDocument {
  return adfDoc(
    para(
      strong('Deadline extended'),
      text(` by ${months} month(s) to ${due}. Reason: ${reason}. Remember to tell the data subject, with the reason.`),
    ),
  );
}

const dueOn = (client: DueClient) => (client.deletionDate ? ` on ${client.deletionDate}` : '');

export function amiqusReminderComment(client: DueClient, source: 'poll' | 'webhook'): AdfDocument {
  return adfDoc(
    para(strong('Amiqus reminder:'), text(` this client is due for deletion${dueOn(client)} (via ${source}).`)),
  );
}

export function amiqusTicketOpenedComment(client: DueClient, source: 'poll' | 'webhook'): AdfDocument {
  return adfDoc(
    para(
      strong('Opened from Amiqus'),
      text(` (${source}): client ${client.id} is due for deletion${dueOn(client)}. `),
      text(
        'Verify the identity and the identifiers, set the verified-receipt date, then move the ticket to the approval status.',
      ),
    ),
  );
}

export function previewRequestedComment(providerRef: string): AdfDocument {
  return adfDoc(
    para(
      strong('Genesys Cloud export preview requested'),
      text(
        ` (request ${providerRef}). Nothing is deleted by a preview; the export appears in the Erasure Desk panel when ready.`,
      ),
    ),
  );
}

function fieldLabel(field: string): string {
  const [head, index] = field.split('.');
  const names: Record<string, string> = {
    email: 'Email',
    phones: 'Phone numbers',
    fullName: 'Name',
    amiqusClientId: 'Amiqus client id',
    adaChatterId: 'Ada chatter id',
    genesysUserId: 'Genesys user id',
    genesysExternalContactId: 'Genesys external contact id',
    receivedOn: 'Verified receipt date',
    approver: 'Approver',
    subject: 'Data subject',
  };
  const name =
    names[head ?? ''] ?? (head && head in PROVIDER_LABELS ? PROVIDER_LABELS[head as ProviderId] : head || 'Ticket');
  return index !== undefined && /^\d+$/.test(index) ? `${name} (line ${Number(index) + 1})` : name;
}

const holdScope = (hold: LegalHold) =>
  hold.providers === 'all' ? 'all providers' : hold.providers.map(label).join(', ');

/** Names the hold and its reason, never the identifiers it matched. */
export function legalHoldPlacedComment(hold: LegalHold): AdfDocument {
  return adfDoc(
    para(
      strong('Legal hold placed'),
      text(
        ` (${hold.id}) on ${holdScope(hold)} until ${hold.expiresOn ?? 'further notice'}: ${hold.reason}. Erasure there is withheld while it stands (GDPR Art. 17(3)(e)).`,
      ),
    ),
  );
}

export function legalHoldReleasedComment(hold: LegalHold, reason: string): AdfDocument {
  return adfDoc(
    para(
      strong('Legal hold released'),
      text(
        ` (${hold.id}, on ${holdScope(hold)}): ${reason}. Providers it withheld can now be retried from the Erasure Desk panel.`,
      ),
    ),
  );
}
