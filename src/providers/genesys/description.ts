import { z } from 'zod';
import type { ProviderDescription } from '../port';

/** The Genesys Cloud GDPR API (PROVIDERS.md): erases a subject found by id, email or phone, asynchronously. */
export const GENESYS_DESCRIPTION = {
  id: 'genesys',
  acceptsIdentifiers: ['email', 'phone', 'genesys_user_id', 'genesys_external_contact_id'],
  recordIdentifiers: ['genesys_user_id', 'genesys_external_contact_id'],
  credentials: z.object({
    clientId: z.string().min(8),
    clientSecret: z.string().min(8),
  }),
  // {"message", "code", "status", "contextId"}: the code is the stable part; contextId is what support asks for.
  errors: { authStatuses: [401, 403], messageAt: [['code'], ['message']], supportRefAt: ['contextId'] },
  idempotentSubmit: false,
  limits: {
    // 300 requests per minute per token is the documented org-wide figure (PROVIDERS.md).
    rate: [{ limit: 300, windowMs: 60_000 }],
    adoptStatedLimit: false,
    pollMinutes: [5, 5, 10, 15, 30, 60],
  },
} as const satisfies ProviderDescription;
