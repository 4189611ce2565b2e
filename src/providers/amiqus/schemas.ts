import { z } from 'zod';

/** Amiqus API v2 payloads (../shared/specs/amiqus-openapi.json), as far as the app reads them. */

export const amiqusClientSchema = z
  .object({
    object: z.literal('client'),
    id: z.number().int(),
    name: z.object({ first_name: z.string(), last_name: z.string(), full_name: z.string().optional() }).loose(),
    email: z.string().nullable().optional(),
    is_deletable: z.boolean(),
    deletion_date: z.string().nullable(),
  })
  .loose();
export type AmiqusClient = z.infer<typeof amiqusClientSchema>;

export const amiqusClientListSchema = z.object({
  object: z.literal('paginated_list'),
  data: z.array(amiqusClientSchema),
  total: z.number().int(),
  current_page: z.number().int(),
  total_pages: z.number().int(),
  /** null on a single page; otherwise next/previous URLs that keep the query. */
  links: z.object({ next: z.string().nullable(), previous: z.string().nullable() }).nullable(),
});

/** Webhook bodies: client events, and the spec's `ping` example, which has another shape (PROVIDERS.md). */
export const amiqusWebhookSchema = z.union([
  z.object({
    webhook: z
      .object({ uuid: z.string(), created_at: z.string().optional(), events: z.array(z.string()).optional() })
      .loose(),
    trigger: z.object({ triggered_at: z.string().optional(), alias: z.string() }).loose(),
    data: z.object({ client: z.object({ id: z.number().int(), show: z.string().optional() }).loose() }).loose(),
  }),
  z.object({ uuid: z.string(), event: z.literal('ping'), sent_at: z.string().optional(), data: z.array(z.string()) }),
]);

/**
 * Any other event: `form.deleted` carries no `data.client`, organisation events carry `data.organisation`,
 * and a wildcard subscription (`*`, `client.*`) receives events added after the app was written
 * (specs/amiqus-openapi.json, WebhookSubscribeEvents). Only the alias is read.
 */
export const amiqusOtherEventSchema = z.object({ trigger: z.object({ alias: z.string().min(1) }).loose() }).loose();
