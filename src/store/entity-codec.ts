import { z } from 'zod';

/**
 * How records become custom-entity values and back. Forge enforces each attribute's declared type and no
 * attribute may hold null (https://developer.atlassian.com/platform/forge/runtime-reference/custom-entities/),
 * so a null is stored as an absent attribute and read back as null wherever the record's schema allows it.
 */

export function toEntityValue(record: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null && v !== undefined));
}

/** Restores the nulls toEntityValue dropped, for the attributes whose schema accepts null. */
export function fromEntityValue(schema: z.ZodObject, raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const value: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const [name, field] of Object.entries(schema.shape)) {
    if (value[name] === undefined && (field as z.ZodType).safeParse(null).success) value[name] = null;
  }
  return value;
}

/**
 * Entity integers are 32-bit signed, so an epoch in milliseconds cannot be one. A time is stored as an ISO 8601
 * UTC string instead: fixed width, so the index orders it chronologically, and readable in a storage export.
 */
export const storedTime = (epochMs: number): string => new Date(epochMs).toISOString();
export const readStoredTime = (iso: string): number => Date.parse(iso);
