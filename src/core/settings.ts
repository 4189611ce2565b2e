import { z } from 'zod';

/**
 * The app's configuration, edited on the admin page and stored in KVS. Provider secrets are NOT here: they
 * live in Forge secret storage (see src/store/secrets.ts; the secret port is in src/app/ports.ts).
 */

const fieldId = z
  .string()
  .regex(/^(customfield_\d+|[a-z]+)$/, { message: 'must be a Jira field id such as customfield_10050' });

export const settingsSchema = z.object({
  projectKeys: z
    .array(z.string().regex(/^[A-Z][A-Z0-9_]+$/))
    .min(1)
    .default(['DSAR']),
  issueTypes: z.array(z.string().min(1)).min(1).default(['DSAR request']),
  statuses: z
    .object({
      approved: z.string().min(1).default('Approved'),
      /** Set while erasures run; empty to leave the ticket in the approved status. */
      inProgress: z.string().default('Erasure in progress'),
      needsAttention: z.string().min(1).default('Needs attention'),
      blocked: z.string().min(1).default('Erasure blocked'),
      /**
       * Every provider succeeded but downstream systems are still to be confirmed on the panel. A workflow
       * without this status keeps the ticket where it is and is told, in a comment, what to add.
       */
      pendingDownstream: z.string().min(1).default('Pending downstream'),
      done: z.string().min(1).default('Done'),
    })
    .prefault({}),
  fields: z
    .object({
      email: fieldId.optional(),
      phones: fieldId.optional(),
      fullName: fieldId.optional(),
      amiqusClientId: fieldId.optional(),
      adaChatterId: fieldId.optional(),
      genesysUserId: fieldId.optional(),
      genesysExternalContactId: fieldId.optional(),
      /** The date the request was received with the subject's identity verified: the deadline runs from it. */
      receivedOn: fieldId.optional(),
    })
    .prefault({}),
  approval: z
    .object({
      projectRole: z.string().min(1).nullable().default('Privacy Officer'),
      groups: z.array(z.string().min(1)).default(['privacy-officers']),
      /** Four-eyes: the ticket's reporter may not approve their own request. */
      forbidReporter: z.boolean().default(true),
    })
    .prefault({}),
  deadline: z
    .object({
      rule: z.enum(['calendar_month', 'thirty_days']).default('calendar_month'),
      atRiskDays: z.number().int().min(0).max(60).default(7),
      rollForwardNonWorkingDays: z.boolean().default(true),
      holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
    })
    .prefault({}),
  /** Systems outside the providers' reach, confirmed by a person and listed in the compliance record. */
  downstreamSystems: z.array(z.string().min(1).max(80)).default([]),
  providers: z
    .object({
      amiqus: z
        .object({ enabled: z.boolean().default(true), baseUrl: z.url().default('https://id.amiqus.co/api/v2') })
        .prefault({}),
      ada: z
        .object({
          enabled: z.boolean().default(true),
          handle: z
            .string()
            .regex(/^[a-z0-9-]+$/)
            .default('example'),
          region: z.enum(['us', 'eu', 'maple']).default('us'),
          api: z.enum(['v2', 'v1']).default('v2'),
          /** Custom variables holding an email, erased through `variable_match`. */
          emailVariables: z.array(z.string().min(1)).default([]),
          baseUrl: z.url().optional(),
        })
        .prefault({}),
      genesys: z
        .object({
          enabled: z.boolean().default(true),
          region: z.string().default('eu_west_1'),
          loginBaseUrl: z.url().optional(),
          apiBaseUrl: z.url().optional(),
        })
        .prefault({}),
    })
    .prefault({}),
  intake: z
    .object({
      /** Where tickets for Amiqus clients due for deletion are opened. */
      projectKey: z.string().default('DSAR'),
      issueType: z.string().default('DSAR request'),
    })
    .prefault({}),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});
