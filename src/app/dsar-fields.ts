import type { Settings } from '../core/settings';
import { type FieldProblem, parseSubject, type Subject } from '../core/subject';

/**
 * Reads the data subject from a DSAR ticket's fields, using the configured field mapping.
 * Phone numbers are written one per line as `+447700900123 2019-01-01..2023-06-30` (an open end, `2021-03-01..`,
 * means still held), optionally followed by `confirmed` once a person checked the provider's export.
 */

type Fields = Record<string, unknown>;

const PHONE_LINE = /^(\+?[\d\s()-]+?)\s+(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})?(\s+confirmed)?$/i;

export interface TicketSubject {
  subject: Subject | null;
  /** The identifiers alone, when they are valid even if the rest of the ticket is not (for a read-only preview). */
  identifiers: Subject | null;
  receivedOn: string | null;
  problems: FieldProblem[];
}

/** Multi-line text fields arrive as ADF in REST v3; single-line ones as strings. */
export function fieldText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') {
    const text = collectText(value).trim();
    return text === '' ? null : text;
  }
  return null;
}

function collectText(node: unknown): string {
  if (node === null || typeof node !== 'object') return '';
  const n = node as { type?: unknown; text?: unknown; content?: unknown };
  if (n.type === 'text' && typeof n.text === 'string') return n.text;
  if (n.type === 'hardBreak') return '\n';
  const inner = Array.isArray(n.content) ? n.content.map(collectText).join('') : '';
  return n.type === 'paragraph' ? `${inner}\n` : inner;
}

export function parsePhoneLines(text: string | null): { phones: unknown[]; problems: FieldProblem[] } {
  if (!text) return { phones: [], problems: [] };
  const phones: unknown[] = [];
  const problems: FieldProblem[] = [];
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .forEach((line, i) => {
      const m = PHONE_LINE.exec(line);
      if (!m) {
        problems.push({
          field: `phones.${i}`,
          message: `line ${i + 1} should read like "+447700900123 2019-01-01..2023-06-30" (number, then the period it was held)`,
        });
        return;
      }
      phones.push({ number: m[1], heldFrom: m[2], heldTo: m[3] ?? null, confirmed: Boolean(m[4]) });
    });
  return { phones, problems };
}

/** Builds the subject from the ticket; every problem is reported, none is thrown. */
export function subjectFromFields(fields: Fields, mapping: Settings['fields'], today: string): TicketSubject {
  const read = (id: string | undefined) => (id ? fieldText(fields[id]) : null);
  const phones = parsePhoneLines(read(mapping.phones));
  const input: Record<string, unknown> = { phones: phones.phones };
  const optional: Array<[keyof Subject, string | undefined]> = [
    ['email', mapping.email],
    ['fullName', mapping.fullName],
    ['amiqusClientId', mapping.amiqusClientId],
    ['adaChatterId', mapping.adaChatterId],
    ['genesysUserId', mapping.genesysUserId],
    ['genesysExternalContactId', mapping.genesysExternalContactId],
  ];
  for (const [name, id] of optional) {
    const value = read(id);
    if (value !== null) input[name] = value;
  }
  const problems: FieldProblem[] = [...phones.problems];
  const parsed = parseSubject(input);
  if (!parsed.ok) problems.push(...parsed.problems);
  if (parsed.ok) {
    parsed.subject.phones.forEach((p, i) => {
      if (p.heldFrom > today) problems.push({ field: `phones.${i}`, message: 'the period starts in the future' });
      if (p.heldTo !== null && p.heldTo > today)
        problems.push({
          field: `phones.${i}`,
          message: 'the period ends in the future; leave the end open if the number is still held',
        });
    });
  }
  const receivedOn = read(mapping.receivedOn);
  if (!mapping.receivedOn) {
    problems.push({
      field: 'receivedOn',
      message: 'no field is configured for the verified-receipt date (admin page)',
    });
  } else if (!receivedOn || !/^\d{4}-\d{2}-\d{2}$/.test(receivedOn)) {
    problems.push({
      field: 'receivedOn',
      message: 'the date the request was received with identity verified is missing',
    });
  } else if (receivedOn > today) {
    problems.push({ field: 'receivedOn', message: 'the verified-receipt date is in the future' });
  }
  return {
    subject: parsed.ok && problems.length === 0 ? parsed.subject : null,
    identifiers: parsed.ok && problems.every((p) => p.field === 'receivedOn') ? parsed.subject : null,
    receivedOn: receivedOn && /^\d{4}-\d{2}-\d{2}$/.test(receivedOn) ? receivedOn : null,
    problems,
  };
}
