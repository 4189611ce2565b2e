import { z } from 'zod';

/** Genesys Cloud GDPR API payloads (../shared/specs/genesys-gdpr-openapi.yml). */

export const GENESYS_STATUSES = ['INITIATED', 'SEARCHING', 'UPDATING', 'DELETING', 'FINALIZING', 'COMPLETED', 'ERROR'] as const;

export const gdprSubjectSchema = z
  .object({
    name: z.string().optional(),
    userId: z.string().optional(),
    externalContactId: z.string().optional(),
    externalId: z.string().optional(),
    phoneNumbers: z.array(z.string()).optional(),
    emailAddresses: z.array(z.string()).optional(),
  })
  .loose();
export type GdprSubject = z.infer<typeof gdprSubjectSchema>;

export const gdprRequestSchema = z
  .object({
    id: z.string(),
    requestType: z.enum(['GDPR_EXPORT', 'GDPR_UPDATE', 'GDPR_DELETE']),
    createdDate: z.string(),
    status: z.enum(GENESYS_STATUSES),
    subject: gdprSubjectSchema,
    resultsUrl: z.string().optional(),
    resultsUrls: z.array(z.string()).optional(),
  })
  .loose();
export type GdprRequest = z.infer<typeof gdprRequestSchema>;

export const gdprRequestListSchema = z.object({
  entities: z.array(gdprRequestSchema),
  pageSize: z.number().int().optional(),
  pageNumber: z.number().int().optional(),
  total: z.number().int().optional(),
  pageCount: z.number().int().optional(),
  nextUri: z.string().optional(),
});

export const gdprSubjectListSchema = z.object({ entities: z.array(gdprSubjectSchema).default([]) }).loose();

export const tokenSchema = z.object({ access_token: z.string().min(1), token_type: z.string(), expires_in: z.number().positive() });
