import { z } from 'zod';

/** Ada Bulk End-User Deletion API payloads (../shared/specs/ada-bulk-deletion-*.yml). */

export const ADA_IDENTIFIER_TYPES = ['email', 'chatter_id', 'external_id', 'end_user_id', 'variable_match'] as const;

export const adaIdentifierSchema = z.object({
  type: z.enum(ADA_IDENTIFIER_TYPES),
  value: z.string().min(1),
  variable: z.string().nullable(),
});
export type AdaIdentifier = z.infer<typeof adaIdentifierSchema>;

export const adaAcceptedSchema = z.object({
  job_id: z.string().min(1),
  status: z.enum(['queued', 'in_progress', 'completed', 'partial', 'failed']),
  submitted_count: z.number().int().optional(),
  created_at: z.string().optional(),
});

export const adaJobSchema = z.object({
  job_id: z.string(),
  client_reference: z.string().nullable().optional(),
  status: z.enum(['queued', 'in_progress', 'completed', 'partial', 'failed']),
  identifiers: z
    .array(
      z.object({
        type: z.enum(ADA_IDENTIFIER_TYPES),
        value: z.string(),
        variable: z.string().nullable().optional(),
        disposition: z.enum(['accepted', 'not_found', 'invalid', 'exceeds_limit', 'duplicate']),
        matched_chatters: z.number().int().optional(),
        reason: z.string().nullable().optional(),
      }),
    )
    .default([]),
  created_at: z.string().optional(),
  completed_at: z.string().nullable().optional(),
  failure_reason: z.string().nullable().optional(),
});
export type AdaJob = z.infer<typeof adaJobSchema>;
