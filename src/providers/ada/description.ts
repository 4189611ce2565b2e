import { z } from 'zod';
import type { ProviderDescription } from '../port';

/** Ada's Bulk End-User Deletion API (PROVIDERS.md): erases end users by email or chatter id, asynchronously. */
export const ADA_DESCRIPTION = {
  id: 'ada',
  acceptsIdentifiers: ['email', 'ada_chatter_id'],
  recordIdentifiers: ['ada_chatter_id'],
  credentials: z.object({ apiKey: z.string().min(16, { message: 'looks too short for an Ada API key' }) }),
  // {"errors": [{"type", "message", "details"}]}
  errors: { authStatuses: [401, 403], messageAt: [['errors', 0, 'message']] },
  idempotentSubmit: true,
  limits: {
    // Per instance: 10 requests/s, 100/min and 10,000/day (PROVIDERS.md; docs.ada.cx Bulk End-User Deletion API).
    rate: [
      { limit: 10, windowMs: 1_000 },
      { limit: 100, windowMs: 60_000 },
      { limit: 10_000, windowMs: 86_400_000 },
    ],
    adoptStatedLimit: false,
    // Ada can take up to 30 days: poll soon at first, then less often.
    pollMinutes: [5, 15, 60, 60, 180, 360, 720],
  },
} as const satisfies ProviderDescription;
