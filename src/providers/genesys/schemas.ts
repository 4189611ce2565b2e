import { z } from 'zod';

/** Genesys Cloud GDPR API payloads (../shared/specs/genesys-gdpr-openapi.yml). */

export const GENESYS_STATUSES = [
  'INITIATED',
  'SEARCHING',
  'UPDATING',
  'DELETING',
  'FINALIZING',
  'COMPLETED',
  'ERROR',
] as const;

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
    // Any string: the SDKs map a status they do not know to a fallback instead of failing, and so do we
    // (genesysOutcome treats an unknown status as still running). GENESYS_STATUSES are the documented ones.
    status: z.string().min(1),
    subject: gdprSubjectSchema,
    resultsUrl: z.string().optional(),
    resultsUrls: z.array(z.string()).optional(),
  })
  .loose();
export type GdprRequest = z.infer<typeof gdprRequestSchema>;

/**
 * The listing holds the whole org's requests, other tools' included: each entity is read on its own
 * (genesys/client.ts), so one odd entity cannot fail the page.
 */
export const gdprRequestListSchema = z.object({
  entities: z.array(z.unknown()),
  pageSize: z.number().int().optional(),
  pageNumber: z.number().int().optional(),
  total: z.number().int().optional(),
  pageCount: z.number().int().optional(),
  nextUri: z.string().optional(),
});

export const gdprSubjectListSchema = z.object({ entities: z.array(gdprSubjectSchema).default([]) }).loose();

export const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
});
