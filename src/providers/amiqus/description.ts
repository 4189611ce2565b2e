import { z } from 'zod';
import type { ProviderDescription } from '../port';

/** Amiqus API v2 (PROVIDERS.md): erases one client record, by its id, synchronously. */
export const AMIQUS_DESCRIPTION = {
  id: 'amiqus',
  acceptsIdentifiers: ['amiqus_client_id'],
  recordIdentifiers: ['amiqus_client_id'],
  credentials: z.object({
    /** Personal access token (1 year, not refreshable) or an OAuth access token. */
    token: z.string().min(20, { message: 'looks too short for an Amiqus token' }),
    /** The `secret` Amiqus returned when the webhook was registered. */
    webhookSecret: z.string().min(8).optional(),
  }),
  // {"message": "..."} (or {"error": "..."}); 403 means the token may not do this, not that it is invalid.
  errors: { authStatuses: [401], messageAt: [['message'], ['error']] },
  idempotentSubmit: true,
  limits: {
    // Amiqus states its limit per token in X-RateLimit-Limit (e.g. 200); the window is unconfirmed.
    rate: [{ limit: 200, windowMs: 60_000 }],
    adoptStatedLimit: true,
    // Amiqus answers synchronously, so its jobs are polled only if an answer was lost or a deletion still
    // reads back (adapter.ts confirms each DELETE by a 404 on read).
    pollMinutes: [5, 5, 10, 15, 30, 60],
  },
} as const satisfies ProviderDescription;
