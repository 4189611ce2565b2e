import type { ClosingOutcome } from './audit';
import type { CaseState, JobState } from './erasure';
import type { CaseRecord, DownstreamItem } from './records';

/**
 * Downstream systems: places the controller listed as holding the subject's data that no provider API reaches
 * (a CRM, a data warehouse). A person erases there and confirms it on the panel. The request is not answered
 * until each is confirmed, so a case whose providers all succeeded waits in `pending_downstream` rather than
 * closing as done. Once the last is confirmed, a settled case is closed again: a new round of the compliance
 * record, which for a waiting case moves the ticket to done.
 */

/** A reference or note an officer may add to a confirmation (a CRM deletion ticket, a job id). */
export const DOWNSTREAM_NOTE_MAX = 200;

export const unconfirmedSystems = (items: readonly DownstreamItem[]): string[] =>
  items.filter((d) => d.confirmedBy === null).map((d) => d.system);

export type { ClosingOutcome };

/** How a round whose jobs have all settled closes: blocked and done as the jobs say, unless systems remain. */
export function closingOutcome(
  state: Extract<CaseState, 'done' | 'blocked'>,
  items: readonly DownstreamItem[],
): ClosingOutcome {
  if (state === 'blocked') return 'blocked';
  return unconfirmedSystems(items).length > 0 ? 'pending_downstream' : 'done';
}

export type ConfirmationCheck =
  | { kind: 'unknown_system' }
  | { kind: 'already_confirmed'; item: DownstreamItem }
  | { kind: 'note_too_long' }
  | { kind: 'confirmable'; note: string | null };

/** Whether `system` can be confirmed on this checklist, and the note as it will be stored. */
export function checkConfirmation(
  items: readonly DownstreamItem[],
  system: string,
  note: string | undefined,
): ConfirmationCheck {
  const item = items.find((d) => d.system === system);
  if (!item) return { kind: 'unknown_system' };
  if (item.confirmedBy !== null) return { kind: 'already_confirmed', item };
  const trimmed = note?.trim() ?? '';
  if (trimmed.length > DOWNSTREAM_NOTE_MAX) return { kind: 'note_too_long' };
  return { kind: 'confirmable', note: trimmed === '' ? null : trimmed };
}

export function withConfirmation(
  items: readonly DownstreamItem[],
  confirmation: { system: string; by: string; at: string; note: string | null },
): DownstreamItem[] {
  return items.map((d) =>
    d.system === confirmation.system && d.confirmedBy === null
      ? { ...d, confirmedBy: confirmation.by, confirmedAt: confirmation.at, note: confirmation.note }
      : d,
  );
}

/**
 * Whether a confirmation that turns the checklist from `before` to `after` re-opens a settled case for a new
 * round, so that its record is re-issued with every confirmation in it: it confirms the last system, and the
 * case is not running (a running case closes on its own, confirmations included). A case whose providers all
 * succeeded then closes as done; a blocked one (a legal hold, a failure) closes blocked again, its record now
 * saying the systems are erased. Only the confirming write can make this true, so a round is opened once.
 */
export function reopensForNewRound(
  phase: CaseRecord['phase'],
  state: CaseState,
  before: readonly DownstreamItem[],
  after: readonly DownstreamItem[],
): boolean {
  const settled = state === 'done' || state === 'blocked';
  return phase !== 'open' && settled && unconfirmedSystems(before).length > 0 && unconfirmedSystems(after).length === 0;
}

/** A case waiting on downstream systems none of which is left: owed the round that closes it. */
export const waitsOnNothing = (record: Pick<CaseRecord, 'phase' | 'downstream'>): boolean =>
  record.phase === 'pending_downstream' && unconfirmedSystems(record.downstream).length === 0;

/**
 * The day the request was answered, as the panel judges the deadline by: once the case is closed, every job
 * ended in a state that answers it (`answers`), and every downstream system is confirmed, the later of the
 * last job's settling and the last confirmation. Null while anything is outstanding (the clock runs on).
 */
export function answeredOn(
  record: Pick<CaseRecord, 'phase' | 'downstream'>,
  jobs: ReadonlyArray<{ state: JobState; updatedAt: string }>,
  answers: ReadonlySet<JobState>,
): string | null {
  if (record.phase !== 'closed' || jobs.length === 0) return null;
  if (!jobs.every((j) => answers.has(j.state)) || unconfirmedSystems(record.downstream).length > 0) return null;
  const moments = [...jobs.map((j) => j.updatedAt), ...record.downstream.map((d) => d.confirmedAt as string)];
  return moments.sort().at(-1)?.slice(0, 10) ?? null;
}
