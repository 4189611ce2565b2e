import { kvs } from '@forge/kvs';
import { z } from 'zod';
import { type PreviewRequest, previewRequestSchema } from '../core/records';
import { accountRegistry } from './account-registry';
import { kvsKeys } from './keys';

/** Which DSAR ticket was opened for an Amiqus client, so a later reminder lands on the same ticket. */
const mappingSchema = z.object({ ticketKey: z.string() });

export const amiqusTickets = {
  async get(clientId: number): Promise<string | null> {
    const parsed = mappingSchema.safeParse(await kvs.get<unknown>(kvsKeys.amiqusClientTicket(clientId)));
    return parsed.success ? parsed.data.ticketKey : null;
  },
  set: (clientId: number, ticketKey: string): Promise<void> =>
    kvs.set(kvsKeys.amiqusClientTicket(clientId), { ticketKey }),
};

/** The Genesys export preview last requested on each ticket. */
export const genesysPreviews = {
  async get(ticketKey: string): Promise<PreviewRequest | null> {
    const parsed = previewRequestSchema.safeParse(await kvs.get<unknown>(kvsKeys.genesysPreview(ticketKey)));
    return parsed.success ? parsed.data : null;
  },
  async set(ticketKey: string, request: PreviewRequest): Promise<void> {
    await accountRegistry.note(request.requestedBy, request.requestedAt, { kind: 'preview', ticketKey });
    await kvs.set(kvsKeys.genesysPreview(ticketKey), request);
  },
};
