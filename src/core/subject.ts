import { z } from 'zod';

/**
 * The data subject of a DSAR, as the privacy officer recorded them on the ticket.
 * Every identifier is optional on its own, but at least one must be present: an erasure needs something to
 * match on. Parsing normalises (lower-case email, trimmed ids) so that two tickets for the same person
 * compare equal and so that the compliance record's fingerprint is stable.
 */

const E164 = /^\+[1-9]\d{6,14}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const isoDate = (label: string) =>
  z
    .string()
    .trim()
    .regex(ISO_DATE, { message: `${label} must be a date written YYYY-MM-DD` })
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && isRealCalendarDate(value), {
      message: `${label} is not a real calendar date`,
    });

function isRealCalendarDate(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'is not a valid email address (expected name@example.com)' }));

/**
 * A phone number and the period the subject held it. Numbers are recycled by carriers: erasing by number
 * alone can erase a later holder's records (PROVIDERS.md, Genesys), so the period travels with the number.
 * `heldTo` null means "still held".
 */
export const phoneHoldingSchema = z
  .object({
    number: z
      .string()
      .trim()
      .transform((v) => v.replace(/[\s()-]/g, ''))
      .pipe(z.string().regex(E164, { message: 'must be in E.164 form, e.g. +447700900123' })),
    heldFrom: isoDate('heldFrom'),
    heldTo: isoDate('heldTo').nullable(),
    /**
     * A person compared the provider's export with the held period and confirmed the records are this
     * subject's. Only confirmed numbers are used where a provider matches by number alone (Genesys).
     */
    confirmed: z.boolean().default(false),
  })
  .refine((p) => p.heldTo === null || p.heldFrom <= p.heldTo, {
    message: 'heldFrom must be on or before heldTo',
    path: ['heldTo'],
  });
export type PhoneHolding = z.infer<typeof phoneHoldingSchema>;

const token = (label: string, pattern: RegExp, example: string) =>
  z
    .string()
    .trim()
    .regex(pattern, { message: `${label} is not valid (expected something like ${example})` });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const subjectSchema = z
  .object({
    email: emailSchema.optional(),
    phones: z.array(phoneHoldingSchema).default([]),
    fullName: z.string().trim().min(1, { message: 'must not be empty' }).max(200).optional(),
    amiqusClientId: z.coerce
      .number({ message: 'must be a number (the Amiqus client id, e.g. 73823)' })
      .int({ message: 'must be a whole number' })
      .positive({ message: 'must be positive' })
      .optional(),
    adaChatterId: token('Ada chatter id', /^[A-Za-z0-9_-]{6,64}$/, '5f7e8d9c0b1a2f3e4d5c6b7a').optional(),
    genesysUserId: token('Genesys user id', UUID, 'a UUID').optional(),
    genesysExternalContactId: token('Genesys external contact id', UUID, 'a UUID').optional(),
  })
  .superRefine((subject, ctx) => {
    const hasIdentifier =
      subject.email !== undefined ||
      subject.phones.length > 0 ||
      subject.amiqusClientId !== undefined ||
      subject.adaChatterId !== undefined ||
      subject.genesysUserId !== undefined ||
      subject.genesysExternalContactId !== undefined;
    if (!hasIdentifier) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'no identifier: give at least an email, a phone number or a provider id',
      });
    }
    for (const [i, j] of overlappingHoldings(subject.phones)) {
      ctx.addIssue({
        code: 'custom',
        path: ['phones', j],
        message: `the same number is listed twice with overlapping periods (entries ${i + 1} and ${j + 1})`,
      });
    }
  });
export type Subject = z.infer<typeof subjectSchema>;

/** Pairs of indexes where one number is recorded twice with periods that overlap: a contradiction to fix. */
export function overlappingHoldings(phones: readonly PhoneHolding[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  phones.forEach((a, i) => {
    phones.slice(i + 1).forEach((b, k) => {
      if (a.number === b.number && periodsOverlap(a, b)) pairs.push([i, i + 1 + k]);
    });
  });
  return pairs;
}

function periodsOverlap(a: PhoneHolding, b: PhoneHolding): boolean {
  const aEnd = a.heldTo ?? '9999-12-31';
  const bEnd = b.heldTo ?? '9999-12-31';
  return a.heldFrom <= bEnd && b.heldFrom <= aEnd;
}

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `phones.1.number`; empty for the subject as a whole. */
  field: string;
  message: string;
}

export type SubjectParseResult = { ok: true; subject: Subject } | { ok: false; problems: FieldProblem[] };

/** Parses untrusted input into a Subject, returning every problem at once so a person can fix them together. */
export function parseSubject(input: unknown): SubjectParseResult {
  const result = subjectSchema.safeParse(input);
  if (result.success) return { ok: true, subject: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })),
  };
}

/** The kinds of identifier present, for records that must say what was used without repeating the values. */
export function identifierKinds(subject: Subject): string[] {
  const kinds: string[] = [];
  if (subject.email) kinds.push('email');
  if (subject.phones.length > 0) kinds.push('phone');
  if (subject.fullName) kinds.push('name');
  if (subject.amiqusClientId !== undefined) kinds.push('amiqus_client_id');
  if (subject.adaChatterId) kinds.push('ada_chatter_id');
  if (subject.genesysUserId) kinds.push('genesys_user_id');
  if (subject.genesysExternalContactId) kinds.push('genesys_external_contact_id');
  return kinds;
}
