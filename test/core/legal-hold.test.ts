import { identifierKey, type LegalHold, legalHoldsFor, withheldProviders } from '../../src/core/legal-hold';
import { parseSubject, type Subject } from '../../src/core/subject';

const subject = (input: unknown): Subject => {
  const r = parseSubject(input);
  if (!r.ok) throw new Error('bad subject');
  return r.subject;
};
const hold = (over: Partial<LegalHold>): LegalHold => ({
  id: 'hold-1',
  reason: 'Litigation hold: claim 2026-CV-118',
  createdBy: 'officer',
  createdAt: '2026-10-01T00:00:00Z',
  expiresOn: '2027-06-30',
  identifierKeys: [identifierKey('email', 'dana@example.org')],
  providers: ['genesys'],
  ...over,
});

describe('legal holds (GDPR Art. 17(3)(e))', () => {
  it('matches a subject by a hashed identifier, whatever the case of the email', () => {
    const s = subject({ email: 'Dana@Example.org' });
    expect(legalHoldsFor(s, [hold({})], '2026-11-25').active.map((h) => h.id)).toEqual(['hold-1']);
  });

  it('stores no identifier in the clear', () => {
    expect(identifierKey('email', 'dana@example.org')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('withholds only the providers in the hold’s scope', () => {
    const withheld = withheldProviders([hold({})], ['amiqus', 'genesys']);
    expect([...withheld.keys()]).toEqual(['genesys']);
    expect([...withheldProviders([hold({ providers: 'all' })], ['amiqus', 'ada']).keys()]).toEqual(['amiqus', 'ada']);
  });

  it('stops withholding after the hold expires, and reports the expired hold', () => {
    const s = subject({ email: 'dana@example.org' });
    const r = legalHoldsFor(s, [hold({ expiresOn: '2026-11-24' })], '2026-11-25');
    expect(r.active).toEqual([]);
    expect(r.expired.map((h) => h.id)).toEqual(['hold-1']);
  });

  it('ignores holds on other people', () => {
    expect(legalHoldsFor(subject({ email: 'someone@example.org' }), [hold({})], '2026-11-25').active).toEqual([]);
  });
});
