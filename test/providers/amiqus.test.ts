import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSubject, type Subject } from '../../src/core/subject';
import { createAmiqusApi, createAmiqusProvider } from '../../src/providers/amiqus';
import { parseAmiqusWebhook, verifyAmiqusSignature } from '../../src/providers/amiqus/webhook';
import { ProviderAuthError, ProviderContractError, RateLimited } from '../../src/providers/errors';
import { type AmiqusSimulator, startAmiqusSimulator } from '../../sandbox/simulators/amiqus';
import { nodeFetch, virtualClock } from './scripted-server';

const subject = (amiqusClientId: number): Subject => {
  const r = parseSubject({ amiqusClientId });
  if (!r.ok) throw new Error('bad');
  return r.subject;
};
const ref = { ticketKey: 'DSAR-1', attempt: 1, plannedAt: '2026-11-25T09:00:00Z' };

describe('Amiqus client and adapter against the simulator', () => {
  let sim: AmiqusSimulator;
  let clock: ReturnType<typeof virtualClock>;
  beforeEach(async () => {
    clock = virtualClock();
    sim = await startAmiqusSimulator({ now: clock.now });
  });
  const extra: AmiqusSimulator[] = [];
  afterEach(async () => {
    await Promise.all([sim, ...extra.splice(0)].map((s) => s.close()));
  });
  const startLimited = async (rateLimit: number, windowMs: number) => {
    const s = await startAmiqusSimulator({ now: clock.now, rateLimit, windowMs });
    extra.push(s);
    return s;
  };
  const config = (token = sim.token) => ({ fetch: nodeFetch, token, baseUrl: sim.url, clock });
  /** Clients at an Amiqus allowing `limit` calls a window, and an adapter that may wait `maxTotalMs` for more. */
  const limitedAmiqus = async (limit: number, windowMs: number, maxTotalMs: number, clientIds: number[]) => {
    const limited = await startLimited(limit, windowMs);
    for (const id of clientIds) limited.seedClient({ id, firstName: 'A', lastName: 'B', email: `${id}@example.org` });
    const provider = createAmiqusProvider({
      fetch: nodeFetch,
      token: limited.token,
      baseUrl: limited.url,
      clock,
      retry: { maxTotalMs },
    });
    return { limited, provider };
  };

  it('deletes a deletable client once and records it as completed', async () => {
    sim.seedClient({ id: 73823, firstName: 'Alex', lastName: 'Example', email: 'alex@example.org' });
    const result = await createAmiqusProvider(config()).submitErasure(subject(73823), ref);
    expect(result.outcome).toMatchObject({ kind: 'completed', providerRef: '73823' });
    expect(sim.ledger.count('delete_client', '73823')).toBe(1);
  });

  it('books from the rate budget every call a deletion makes: lookup, DELETE and read-back', async () => {
    sim.seedClient({ id: 73830, firstName: 'Bo', lastName: 'Booked', email: 'bo@example.org' });
    const provider = createAmiqusProvider(config());
    const before = sim.server.exchanges.length;
    await provider.submitErasure(subject(73830), ref);
    expect(sim.server.exchanges.length - before).toBe(provider.callsToSubmit());
  });

  it('confirms a deletion by reading the client back as 404, and keeps polling while Amiqus still shows it', async () => {
    sim.seedClient({ id: 7001, firstName: 'Cy', lastName: 'Gone', email: 'cy@example.org' });
    const provider = createAmiqusProvider(config());
    const done = await provider.submitErasure(subject(7001), ref);
    expect(done.outcome).toMatchObject({
      kind: 'completed',
      confirmation: { evidence: 'read_404', providerRef: '7001' },
    });
    expect(done.requests.map((r) => r.endpoint)).toEqual([
      'GET /clients/{id}',
      'DELETE /clients/{id}',
      'GET /clients/{id}',
    ]);

    sim.seedClient({ id: 7002, firstName: 'Di', lastName: 'Slow', email: 'di@example.org' });
    const stillThere = {
      object: 'client',
      id: 7002,
      name: { first_name: 'Di', last_name: 'Slow' },
      is_deletable: true,
      deletion_date: null,
    };
    sim.faults.inject('GET /clients/{id}', { kind: 'status', status: 200, body: stillThere }, 2);
    const pending = await provider.submitErasure(subject(7002), ref);
    expect(pending.outcome).toMatchObject({ kind: 'submitted', providerRef: '7002' });
    expect((await provider.pollStatus(['7002'])).get('7002')).toMatchObject({
      kind: 'completed',
      confirmation: { evidence: 'read_404' },
    });
  });

  it('records a client that is already gone as not found, without deleting anything', async () => {
    const result = await createAmiqusProvider(config()).submitErasure(subject(99999), ref);
    expect(result.outcome.kind).toBe('not_found');
    expect(sim.ledger.entries).toEqual([]);
  });

  it('hands a non-deletable client (is_deletable: false) to a person and does not call DELETE', async () => {
    sim.seedClient({ id: 5, firstName: 'A', lastName: 'B', email: 'a@example.org', deletable: false });
    const result = await createAmiqusProvider(config()).submitErasure(subject(5), ref);
    expect(result.outcome).toMatchObject({ kind: 'needs_attention' });
    expect(sim.server.exchanges.filter((e) => e.method === 'DELETE')).toHaveLength(0);
  });

  describe('checks that the client is the ticket’s subject before an irreversible DELETE', () => {
    const ticket = (fields: Record<string, unknown>): Subject => {
      const r = parseSubject({ amiqusClientId: 41, ...fields });
      if (!r.ok) throw new Error('bad');
      return r.subject;
    };
    beforeEach(() =>
      sim.seedClient({ id: 41, firstName: 'Zoë', lastName: "O'Brien-Smith", email: 'Zoe.OBrien@Example.org' }),
    );
    const deletes = () => sim.server.exchanges.filter((e) => e.method === 'DELETE').length;

    it('deletes when the emails match, whatever their case, and records that they were compared', async () => {
      const result = await createAmiqusProvider(config()).submitErasure(
        ticket({ email: 'zoe.obrien@example.org', fullName: 'Someone Else' }),
        ref,
      );
      expect(result.outcome.kind).toBe('completed');
      expect(result.requests[0]?.note).toBe('client matches the ticket by email');
      expect(sim.ledger.count('delete_client', '41')).toBe(1);
    });

    it('hands a client whose email is not the ticket’s to a person, deletes nothing, and repeats neither email', async () => {
      const result = await createAmiqusProvider(config()).submitErasure(
        ticket({ email: 'zoe.obrien@example.com', fullName: 'Zoë O’Brien-Smith' }),
        ref,
      );
      expect(result.outcome).toMatchObject({
        kind: 'needs_attention',
        reason: expect.stringContaining("is not this ticket's subject"),
        nextStep: expect.stringContaining("Check the ticket's Amiqus client id and email"),
      });
      expect(deletes()).toBe(0);
      expect(sim.ledger.count('delete_client', '41')).toBe(0);
      expect(JSON.stringify(result)).not.toMatch(/obrien@/i);
      expect(result.requests.map((r) => r.endpoint)).toEqual(['GET /clients/{id}']);
    });

    it('compares names, set aside accents, case, punctuation and order, when the ticket has no email', async () => {
      const result = await createAmiqusProvider(config()).submitErasure(ticket({ fullName: 'OBRIEN SMITH, Zoe' }), ref);
      expect(result.outcome.kind).toBe('completed');
      expect(result.requests[0]?.note).toBe('client matches the ticket by name');
    });

    it('hands a client whose name is not the ticket’s to a person when there is no email to compare', async () => {
      const result = await createAmiqusProvider(config()).submitErasure(ticket({ fullName: 'Zoe Smith' }), ref);
      expect(result.outcome).toMatchObject({
        kind: 'needs_attention',
        reason: expect.stringContaining('name differs'),
      });
      expect(deletes()).toBe(0);
    });

    it('deletes by the approved id alone when the ticket holds nothing to compare, and says so in the record', async () => {
      const result = await createAmiqusProvider(config()).submitErasure(subject(41), ref);
      expect(result.outcome.kind).toBe('completed');
      expect(result.requests[0]?.note).toMatch(/not compared/);
    });
  });

  it('hands a 403 on delete to a person with Amiqus’s message', async () => {
    sim.seedClient({ id: 6, firstName: 'A', lastName: 'B', email: 'a@example.org' });
    sim.faults.inject('DELETE /clients/{id}', {
      kind: 'status',
      status: 403,
      body: { message: 'This action is unauthorized.' },
    });
    const result = await createAmiqusProvider(config()).submitErasure(subject(6), ref);
    expect(result.outcome).toMatchObject({
      kind: 'needs_attention',
      reason: expect.stringContaining('This action is unauthorized.'),
    });
  });

  it('retries a 500 on the idempotent DELETE and still deletes once', async () => {
    sim.seedClient({ id: 7, firstName: 'A', lastName: 'B', email: 'a@example.org' });
    sim.faults.inject('DELETE /clients/{id}', { kind: 'status', status: 500, body: { message: 'Server Error' } });
    const result = await createAmiqusProvider(config()).submitErasure(subject(7), ref);
    expect(result.outcome.kind).toBe('completed');
    expect(sim.ledger.count('delete_client', '7')).toBe(1);
  });

  it('lists every due client across pages by following links.next', async () => {
    for (let id = 1; id <= 230; id += 1)
      sim.seedClient({
        id,
        firstName: 'C',
        lastName: String(id),
        email: `c${id}@example.org`,
        deletionInDays: id % 2 === 0 ? 0 : -3,
      });
    const api = createAmiqusApi(config());
    expect((await api.listDueClients('today')).length).toBe(115);
    expect((await api.listDueClients('overdue')).length).toBe(115);
    expect(sim.server.exchanges.filter((e) => e.label === 'GET /clients')).toHaveLength(4);
  });

  it('paces itself to the limit Amiqus states in X-RateLimit-Limit/Remaining instead of hitting 429', async () => {
    const { limited, provider } = await limitedAmiqus(3, 15_000, 90_000, [11, 12]);
    const outcomes = [await provider.submitErasure(subject(11), ref), await provider.submitErasure(subject(12), ref)];
    expect(outcomes.map((o) => o.outcome.kind)).toEqual(['completed', 'completed']);
    // Six calls (lookup, delete, confirming read) against three a window: the fourth waited for a token
    // rather than being refused.
    expect(limited.server.exchanges.map((e) => e.status)).toEqual([200, 204, 404, 200, 204, 404]);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(15_000);
    expect(limited.ledger.count('delete_client', '12')).toBe(1);
  });

  it('defers with a retryable RateLimited, not a failure, when the wait would overrun the invocation', async () => {
    const { limited, provider } = await limitedAmiqus(1, 60_000, 5_000, [13]);
    const error = await provider.submitErasure(subject(13), ref).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).retryAfterMs).toBeGreaterThan(5_000);
    expect(limited.ledger.count('delete_client', '13')).toBe(0);
  });

  it('keeps a DELETE it made when the read-back must wait: submitted, for the status poll to confirm', async () => {
    const { limited, provider } = await limitedAmiqus(2, 60_000, 5_000, [14]);
    const result = await provider.submitErasure(subject(14), ref);
    expect(result.outcome).toMatchObject({ kind: 'submitted', providerRef: '14' });
    expect(result.requests.map((r) => r.endpoint)).toEqual(['GET /clients/{id}', 'DELETE /clients/{id}']);
    expect(limited.ledger.count('delete_client', '14')).toBe(1);
  });

  it('raises a typed auth error for a refused token', async () => {
    await expect(createAmiqusApi(config('wrong-token-0123456789')).getClient(1)).rejects.toBeInstanceOf(
      ProviderAuthError,
    );
  });

  it('raises ProviderContractError naming the field when a client does not match the contract', async () => {
    sim.seedClient({ id: 9, firstName: 'A', lastName: 'B', email: 'a@example.org' });
    sim.faults.inject('GET /clients/{id}', { kind: 'malformed' });
    await expect(createAmiqusApi(config()).getClient(9)).rejects.toBeInstanceOf(ProviderContractError);
  });
});

describe('Amiqus webhooks', () => {
  it('verifies the base64 HMAC-SHA256 of the raw body and rejects anything else', () => {
    const body = '{"a":1}';
    const sig = createHmac('sha256', 'secret-1').update(body).digest('base64');
    expect(verifyAmiqusSignature(body, sig, 'secret-1')).toBe(true);
    expect(verifyAmiqusSignature(body, sig, 'secret-2')).toBe(false);
    expect(verifyAmiqusSignature(`${body} `, sig, 'secret-1')).toBe(false);
    expect(verifyAmiqusSignature(body, undefined, 'secret-1')).toBe(false);
    expect(verifyAmiqusSignature(body, 'not base64 !!', 'secret-1')).toBe(false);
  });

  it('parses both documented shapes: client events and the ping example', () => {
    expect(
      parseAmiqusWebhook(
        JSON.stringify({
          webhook: { uuid: 'u' },
          trigger: { alias: 'client.deletion_reminder_due' },
          data: { client: { id: 472346 } },
        }),
      ),
    ).toEqual({
      kind: 'client_event',
      alias: 'client.deletion_reminder_due',
      clientId: 472346,
      webhookUuid: 'u',
      triggeredAt: null,
    });
    expect(parseAmiqusWebhook(JSON.stringify({ uuid: 'u', event: 'ping', sent_at: 'x', data: ['ping'] }))).toEqual({
      kind: 'ping',
    });
    expect(() => parseAmiqusWebhook('{"something":"else"}')).toThrow(/not one of the documented shapes/);
  });

  it('delivers signed events from the simulator, retrying on Amiqus’s schedule until accepted', async () => {
    const clock = virtualClock();
    const sim = await startAmiqusSimulator({ now: clock.now });
    const received: Array<{ attempt: string; valid: boolean }> = [];
    let secret = '';
    let answer = 500;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({
          attempt: String(req.headers['x-aqid-delivery-attempt']),
          valid: verifyAmiqusSignature(body, String(req.headers['x-aqid-signature']), secret),
        });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    secret = sim.registerWebhook(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, [
      'client.deletion_reminder_due',
    ]).secret;
    await sim.deliverEvent('client.deletion_reminder_due', 42);
    clock.advance(59_000);
    await sim.runDueDeliveries();
    expect(received).toHaveLength(1);
    answer = 204;
    clock.advance(1_000);
    await sim.runDueDeliveries();
    expect(received).toEqual([
      { attempt: '1', valid: true },
      { attempt: '2', valid: true },
    ]);
    await sim.close();
    await new Promise((r) => receiver.close(r));
  });

  async function receiver(answer: () => number) {
    const bodies: Array<{ attempt: string; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push({ attempt: String(req.headers['x-aqid-delivery-attempt']), body });
        res.writeHead(answer()).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      bodies,
      close: () => new Promise((r) => server.close(r)),
    };
  }

  it('simulator: tries each payload five times, and turns the webhook off after ten failed payloads, not ten failed attempts', async () => {
    const clock = virtualClock();
    const sim = await startAmiqusSimulator({ now: clock.now });
    const hook = await receiver(() => 500);
    try {
      sim.registerWebhook(hook.url, ['client.*']);
      const failPayload = async (clientId: number) => {
        await sim.deliverEvent('client.deletion_reminder_due', clientId);
        for (const wait of [60, 120, 600, 900]) {
          clock.advance(wait * 1000);
          await sim.runDueDeliveries();
        }
      };
      for (let id = 1; id <= 9; id += 1) await failPayload(id);
      expect(hook.bodies).toHaveLength(45);
      expect(hook.bodies.slice(0, 5).map((b) => b.attempt)).toEqual(['1', '2', '3', '4', '5']);
      expect(sim.webhooks()[0]?.enabled).toBe(true);
      await failPayload(10);
      expect(sim.webhooks()[0]?.enabled).toBe(false);
      await sim.deliverEvent('client.deletion_reminder_due', 11);
      expect(hook.bodies).toHaveLength(50);
    } finally {
      await sim.close();
      await hook.close();
    }
  });

  it('simulator: sends client.deleted with only the client id, and refuses unknown webhook events and filter values', async () => {
    const clock = virtualClock();
    const sim = await startAmiqusSimulator({ now: clock.now });
    const hook = await receiver(() => 204);
    try {
      sim.registerWebhook(hook.url, ['client.deleted']);
      sim.seedClient({ id: 4242, firstName: 'A', lastName: 'B', email: 'a@example.org' });
      expect(
        (
          await fetch(`${sim.url}/clients/4242`, {
            method: 'DELETE',
            headers: { Authorization: `Bearer ${sim.token}` },
          })
        ).status,
      ).toBe(204);
      const event = JSON.parse(hook.bodies[0]?.body ?? '{}') as { trigger: { alias: string }; data: unknown };
      expect(event.trigger.alias).toBe('client.deleted');
      expect(event.data).toEqual({ client: { id: 4242 } });

      const post = (body: unknown) =>
        fetch(`${sim.url}/webhooks`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${sim.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      const bad = await post({
        url: 'https://example.org/hook',
        events: ['client.*', 'client.exploded', 'clients.*'],
        is_enabled: 'yes',
      });
      expect(bad.status).toBe(422);
      expect(await bad.json()).toEqual({
        'events.1': ['The selected event is invalid.'],
        'events.2': ['The selected event is invalid.'],
        is_enabled: ['The is enabled field must be true or false.'],
      });
      expect((await post({ url: 'https://example.org/hook', events: ['*'] })).status).toBe(201);
      expect(() => sim.registerWebhook('https://example.org/x', ['client.exploded'])).toThrow(/no webhook event/);
      await expect(sim.deliverEvent('client.exploded', 1)).rejects.toThrow(/no event/);
    } finally {
      await sim.close();
      await hook.close();
    }
  });
});
