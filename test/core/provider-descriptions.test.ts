import { parseSubject, type Subject } from '../../src/core/subject';
import { failureOf } from '../../src/providers/contract';
import { appliesTo, namesRecordAt, PROVIDER_DESCRIPTIONS } from '../../src/providers/descriptions';
import { ProviderAuthError, ProviderHttpError } from '../../src/providers/errors';
import type { HttpResponse } from '../../src/providers/http';

const { amiqus, ada, genesys } = PROVIDER_DESCRIPTIONS;
const phone = { number: '+447700900123', heldFrom: '2020-01-01', heldTo: null };
const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';

function subject(input: Record<string, unknown>): Subject {
  const r = parseSubject(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.subject;
}

function response(status: number, body: string): HttpResponse {
  return { status, headers: { get: () => null }, text: async () => body };
}

describe('provider descriptions: which subjects a provider applies to', () => {
  it.each<[string, Record<string, unknown>, { amiqus: boolean; ada: boolean; genesys: boolean }]>([
    ['an email', { email: 'sam@example.org' }, { amiqus: false, ada: true, genesys: true }],
    ['a phone number', { phones: [phone] }, { amiqus: false, ada: false, genesys: true }],
    ['an Amiqus client id', { amiqusClientId: 73823 }, { amiqus: true, ada: false, genesys: false }],
    ['an Ada chatter id', { adaChatterId: '5f7e8d9c0b1a2f3e4d5c6b7a' }, { amiqus: false, ada: true, genesys: false }],
    ['a Genesys user id', { genesysUserId: UUID }, { amiqus: false, ada: false, genesys: true }],
    ['a Genesys external contact id', { genesysExternalContactId: UUID }, { amiqus: false, ada: false, genesys: true }],
    [
      'a name beside an Amiqus id',
      { fullName: 'Sam Example', amiqusClientId: 1 },
      { amiqus: true, ada: false, genesys: false },
    ],
  ])('a subject known by %s goes to exactly the providers that erase by it', (_label, input, expected) => {
    const s = subject(input);
    expect({ amiqus: appliesTo(amiqus, s), ada: appliesTo(ada, s), genesys: appliesTo(genesys, s) }).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, { amiqus: boolean; ada: boolean; genesys: boolean }]>([
    [
      'an email (shared by several providers)',
      { email: 'sam@example.org' },
      { amiqus: false, ada: false, genesys: false },
    ],
    ['a phone number (shared)', { phones: [phone] }, { amiqus: false, ada: false, genesys: false }],
    ['an Amiqus client id', { amiqusClientId: 73823 }, { amiqus: true, ada: false, genesys: false }],
    [
      'an Ada chatter id',
      { email: 'sam@example.org', adaChatterId: '5f7e8d9c0b1a2f3e4d5c6b7a' },
      { amiqus: false, ada: true, genesys: false },
    ],
    ['a Genesys user id', { genesysUserId: UUID }, { amiqus: false, ada: false, genesys: true }],
    ['a Genesys external contact id', { genesysExternalContactId: UUID }, { amiqus: false, ada: false, genesys: true }],
  ])('a ticket naming a record by %s expects only that record’s provider to run', (_label, input, expected) => {
    const s = subject(input);
    expect({
      amiqus: namesRecordAt(amiqus, s),
      ada: namesRecordAt(ada, s),
      genesys: namesRecordAt(genesys, s),
    }).toEqual(expected);
  });

  it('names only identifiers it also erases by', () => {
    for (const d of Object.values(PROVIDER_DESCRIPTIONS)) {
      for (const kind of d.recordIdentifiers) expect(d.acceptsIdentifiers).toContain(kind);
    }
  });
});

describe('provider descriptions: one mapper for every provider’s error bodies', () => {
  it.each([
    ['amiqus', 401],
    ['ada', 401],
    ['ada', 403],
    ['genesys', 401],
    ['genesys', 403],
  ] as const)('%s: HTTP %i is refused credentials, for a person to fix', async (id, status) => {
    const description = PROVIDER_DESCRIPTIONS[id];
    const error = await failureOf(description, 'GET /x', response(status, '{"message":"no"}'));
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error.message).toContain(`check the ${description.id} credentials`);
  });

  it('reads Amiqus’s message (or its error field), and treats its 403 as a refusal, not a credentials problem', async () => {
    const forbidden = await failureOf(
      amiqus,
      'DELETE /clients/{id}',
      response(403, '{"message":"client has requests"}'),
    );
    expect(forbidden).toBeInstanceOf(ProviderHttpError);
    expect(forbidden).toMatchObject({ status: 403, providerMessage: 'client has requests', supportRef: null });
    expect(await failureOf(amiqus, 'GET /clients', response(422, '{"error":"bad page"}'))).toMatchObject({
      providerMessage: 'bad page',
    });
  });

  it('reads Ada’s first error message', async () => {
    const body = JSON.stringify({
      errors: [{ type: 'validation', message: 'a request accepts at most 1000 identifiers' }, { message: 'second' }],
    });
    expect(await failureOf(ada, 'POST /api/v2/end-users/delete', response(400, body))).toMatchObject({
      provider: 'ada',
      status: 400,
      providerMessage: 'a request accepts at most 1000 identifiers',
    });
  });

  it('reads Genesys’s stable error code before its message, and keeps the contextId for support', async () => {
    const body = JSON.stringify({
      message: 'Unrecognized property: foo',
      code: 'invalid.property',
      status: 400,
      contextId: 'ctx-123',
    });
    expect(await failureOf(genesys, 'POST /api/v2/gdpr/requests', response(400, body))).toMatchObject({
      providerMessage: 'invalid.property',
      supportRef: 'ctx-123',
    });
    expect(await failureOf(genesys, 'GET /api/v2/gdpr/requests', response(404, '{"message":"gone"}'))).toMatchObject({
      providerMessage: 'gone',
      supportRef: null,
    });
  });

  it('still reports the status when the error body is not JSON or not the documented shape', async () => {
    for (const description of [amiqus, ada, genesys]) {
      const error = await failureOf(description, 'GET /x', response(500, '<html>Bad gateway</html>'));
      expect(error).toMatchObject({ status: 500, providerMessage: '' });
      expect(await failureOf(description, 'GET /x', response(409, '{"errors":"text","message":7}'))).toMatchObject({
        status: 409,
        providerMessage: '',
      });
    }
  });
});

describe('provider descriptions: credentials', () => {
  it('parse each provider’s secret with a message a person can act on', () => {
    expect(amiqus.credentials.safeParse({ token: 'short' }).error?.issues[0]?.message).toBe(
      'looks too short for an Amiqus token',
    );
    expect(ada.credentials.safeParse({ apiKey: 'short' }).error?.issues[0]?.message).toBe(
      'looks too short for an Ada API key',
    );
    expect(genesys.credentials.safeParse({ clientId: 'client-id-1', clientSecret: 'secret-value-1' }).success).toBe(
      true,
    );
  });
});
