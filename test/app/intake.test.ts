import { handleAmiqusWebhook } from '../../src/app/amiqus-webhook';
import { INTAKE_PROPERTY, pollAmiqusDue } from '../../src/app/intake';
import type { AmiqusDirectory, DueClient } from '../../src/providers/port';
import { createHmac } from 'node:crypto';
import { createWorld, FIELDS } from './support/world';

/** Amiqus's "due for deletion" lists, as a directory that keeps its clients. */
function directoryOf(clients: DueClient[], overdue: DueClient[] = []): AmiqusDirectory {
  return {
    listDue: async (which) => (which === 'today' ? clients : overdue),
    getClient: async (id) => [...clients, ...overdue].find((c) => c.id === id) ?? null,
  };
}

const client: DueClient = { id: 4412, email: 'ana@example.com', fullName: 'Ana Example', deletionDate: '2026-03-10' };

describe('intake of Amiqus clients due for deletion (use case against in-memory ports)', () => {
  it('opens one ticket per client with the identifiers Amiqus holds, naming only the client id in the summary', async () => {
    const world = createWorld();

    const report = await pollAmiqusDue(world.deps, world.jira, directoryOf([client], [client]));

    expect(report).toEqual({ seen: 1, created: 1, updated: 0, stoppedForTime: false });
    const [ticket] = [...world.jira.tickets.values()];
    expect(ticket?.fields).toMatchObject({
      summary: 'Erasure due at Amiqus: client 4412',
      [FIELDS.amiqusClientId]: 4412,
      [FIELDS.email]: 'ana@example.com',
    });
    expect(ticket?.properties.get(INTAKE_PROPERTY)).toEqual({ amiqusClientId: 4412 });
    expect(world.jira.comments(ticket?.key as string)[0]).toContain(
      'Opened from Amiqus (poll): client 4412 is due for deletion on 2026-03-10.',
    );
  });

  it('notes a later reminder on the same ticket once a day, however often it arrives', async () => {
    const world = createWorld();
    const directory = directoryOf([client]);
    await pollAmiqusDue(world.deps, world.jira, directory);

    const again = await pollAmiqusDue(world.deps, world.jira, directory);
    const thrice = await pollAmiqusDue(world.deps, world.jira, directory);
    world.advance(86_400_000);
    const nextDay = await pollAmiqusDue(world.deps, world.jira, directory);

    expect([again, thrice, nextDay].map((r) => r.updated)).toEqual([1, 0, 1]);
    expect(world.jira.tickets.size).toBe(1);
    const [ticket] = [...world.jira.tickets.keys()];
    expect(world.jira.comments(ticket as string).filter((c) => c.startsWith('Amiqus reminder:'))).toHaveLength(2);
  });

  it('stops taking clients when its time budget is spent, so the poll ends inside its Forge time limit', async () => {
    const world = createWorld();
    const report = await pollAmiqusDue(world.deps, world.jira, directoryOf([client], [client]), -1);
    expect(report).toEqual({ seen: 0, created: 0, updated: 0, stoppedForTime: true });
    expect(world.jira.tickets.size).toBe(0);
  });

  it('finds the ticket through its issue property when the stored mapping is gone', async () => {
    const world = createWorld();
    await pollAmiqusDue(world.deps, world.jira, directoryOf([client]));
    world.rows.amiqusTickets.clear();

    const report = await pollAmiqusDue(world.deps, world.jira, directoryOf([client]));

    expect(report).toEqual({ seen: 1, created: 0, updated: 1, stoppedForTime: false });
    expect(world.jira.tickets.size).toBe(1);
  });

  it('accepts a signed webhook once per delivery id and rejects an unsigned one without reading it', async () => {
    const world = createWorld();
    const webhookSecret = 'whsec-0123456789';
    await world.store.secrets.set('amiqus', { token: 'a'.repeat(40), webhookSecret });
    const rawBody = JSON.stringify({
      webhook: { uuid: 'wh-1' },
      trigger: { alias: 'client.deletion_reminder_due' },
      data: { client: { id: 4412 } },
    });
    const signature = createHmac('sha256', webhookSecret).update(rawBody).digest('base64');
    const headers: Record<string, string> = { 'x-aqid-signature': signature, 'x-aqid-delivery-id': 'dlv-1' };
    const request = { rawBody, header: (name: string) => headers[name] };

    const unsigned = await handleAmiqusWebhook(world.deps, world.jira, directoryOf([client]), {
      rawBody,
      header: () => undefined,
    });
    expect(unsigned.status).toBe(404);

    const first = await handleAmiqusWebhook(world.deps, world.jira, directoryOf([client]), request);
    const repeat = await handleAmiqusWebhook(world.deps, world.jira, directoryOf([client]), request);
    expect([first.status, repeat.status]).toEqual([204, 200]);
    expect(world.jira.tickets.size).toBe(1);
  });
});
