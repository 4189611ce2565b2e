import { join } from 'node:path';
import { ForgePlatform } from '../../sandbox/forge/runtime';
import { startWebtriggerServer, type WebtriggerServer } from '../../sandbox/forge/webtrigger-server';
import { createVirtualClock } from '../../sandbox/virtual-date';
import { headerValue } from '../../src/triggers/amiqus-webhook';

/**
 * The loopback web trigger URL, held to Forge's web trigger contract
 * (https://developer.atlassian.com/platform/forge/manifest-reference/modules/web-trigger/): the function sees
 * header names in the caller's casing, and an answer that is not a valid dynamic response becomes HTTP 500.
 */

const REPO_ROOT = join(__dirname, '..', '..');
let answer: () => unknown;
let seen: { headers: Record<string, string[]> } | null;
let server: WebtriggerServer;

beforeEach(async () => {
  seen = null;
  const platform = new ForgePlatform({
    repoRoot: REPO_ROOT,
    jiraBaseUrl: 'http://127.0.0.1:9',
    clock: createVirtualClock(Date.parse('2026-11-25T09:00:00Z')),
    loadModule: () => ({
      amiqusWebhook: async (request: { headers: Record<string, string[]> }) => {
        seen = request;
        return answer();
      },
    }),
  });
  server = await startWebtriggerServer(platform);
});

afterEach(async () => {
  await server.close();
});

const post = (headers: Record<string, string> = {}) =>
  fetch(server.urlFor('amiqus-webhook-endpoint'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: '{}',
  });

describe('the web trigger server', () => {
  it('hands the function header names in the caller’s casing, as Forge does', async () => {
    answer = () => ({ statusCode: 204, headers: {}, body: '' });
    expect((await post({ 'X-AQID-Signature': 'sig', 'x-aqid-delivery-id': 'd-1' })).status).toBe(204);
    expect(seen?.headers['X-AQID-Signature']).toEqual(['sig']);
    expect(seen?.headers['x-aqid-delivery-id']).toEqual(['d-1']);
    expect(seen?.headers['Content-Type']).toEqual(['application/json']);
    expect(seen?.headers['x-aqid-signature']).toBeUndefined();
  });

  it.each([
    ['no answer at all', () => undefined],
    ['a statusCode that is not a number', () => ({ statusCode: '200', body: '' })],
    ['a body that is not a string', () => ({ statusCode: 200, body: { ok: true } })],
    [
      'header values that are not string arrays',
      () => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: '' }),
    ],
    ['a status outside HTTP’s range', () => ({ statusCode: 42, body: '' })],
    [
      'a thrown error',
      () => {
        throw new Error('boom');
      },
    ],
  ])('answers 500 for a malformed response: %s', async (_label, malformed) => {
    answer = malformed;
    expect((await post()).status).toBe(500);
  });

  it('passes a well-formed response through', async () => {
    answer = () => ({ statusCode: 202, headers: { 'Content-Type': ['text/plain'] }, body: 'queued' });
    const response = await post();
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('queued');
    expect(response.headers.get('content-type')).toBe('text/plain');
  });
});

describe('the Amiqus web trigger’s header look-up', () => {
  it('finds a header whatever casing the caller used', () => {
    for (const name of ['X-AQID-Signature', 'x-aqid-signature', 'X-Aqid-Signature']) {
      expect(headerValue({ [name]: ['sig'] }, 'x-aqid-signature')).toBe('sig');
    }
    expect(headerValue({ 'Content-Type': ['application/json'] }, 'x-aqid-signature')).toBeUndefined();
  });
});
