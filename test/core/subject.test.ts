import { identifierKinds, overlappingHoldings, parseSubject } from '../../src/core/subject';

describe('the data subject', () => {
  it('normalises the email to lower case and trims ids', () => {
    const r = parseSubject({ email: '  Alex.Example@Example.ORG ', adaChatterId: ' 5f7e8d9c0b1a2f3e4d5c6b7a ' });
    expect(r.ok && r.subject.email).toBe('alex.example@example.org');
    expect(r.ok && r.subject.adaChatterId).toBe('5f7e8d9c0b1a2f3e4d5c6b7a');
  });

  it('rejects a malformed email with a field-level message', () => {
    const r = parseSubject({ email: 'alex@@example' });
    expect(r).toEqual({
      ok: false,
      problems: [{ field: 'email', message: 'is not a valid email address (expected name@example.com)' }],
    });
  });

  it('accepts E.164 numbers written with spaces and rejects national formats', () => {
    const good = parseSubject({ phones: [{ number: '+44 7700 900123', heldFrom: '2019-01-01', heldTo: null }] });
    expect(good.ok && good.subject.phones[0]?.number).toBe('+447700900123');
    const bad = parseSubject({ phones: [{ number: '07700 900123', heldFrom: '2019-01-01', heldTo: null }] });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems[0]).toEqual({
      field: 'phones.0.number',
      message: 'must be in E.164 form, e.g. +447700900123',
    });
  });

  it('rejects a period that ends before it starts, and impossible dates', () => {
    const r = parseSubject({
      phones: [
        { number: '+447700900123', heldFrom: '2023-06-30', heldTo: '2019-01-01' },
        { number: '+447700900124', heldFrom: '2023-02-30', heldTo: null },
      ],
    });
    expect(!r.ok && r.problems.map((p) => p.field)).toEqual(['phones.0.heldTo', 'phones.1.heldFrom']);
  });

  it('rejects the same number listed twice with overlapping periods (a recycled-number contradiction)', () => {
    const phones = [
      { number: '+447700900123', heldFrom: '2019-01-01', heldTo: '2021-12-31', confirmed: false },
      { number: '+447700900123', heldFrom: '2021-06-01', heldTo: null, confirmed: false },
    ];
    expect(overlappingHoldings(phones)).toEqual([[0, 1]]);
    const r = parseSubject({ phones });
    expect(!r.ok && r.problems[0]?.message).toContain('listed twice with overlapping periods (entries 1 and 2)');
  });

  it('allows one number held in two separate periods', () => {
    const r = parseSubject({
      phones: [
        { number: '+447700900123', heldFrom: '2015-01-01', heldTo: '2016-01-01' },
        { number: '+447700900123', heldFrom: '2020-01-01', heldTo: null },
      ],
    });
    expect(r.ok).toBe(true);
  });

  it('requires at least one identifier', () => {
    const r = parseSubject({ fullName: 'Only A Name' });
    expect(!r.ok && r.problems).toEqual([
      { field: '', message: 'no identifier: give at least an email, a phone number or a provider id' },
    ]);
  });

  it('reports every problem at once so a person can fix them together', () => {
    const r = parseSubject({ email: 'nope', amiqusClientId: 'abc', genesysUserId: 'not-a-uuid' });
    expect(!r.ok && r.problems.map((p) => p.field).sort()).toEqual(['amiqusClientId', 'email', 'genesysUserId']);
  });

  it('lists identifier kinds without their values', () => {
    const r = parseSubject({
      email: 'a@example.org',
      amiqusClientId: '73823',
      phones: [{ number: '+447700900123', heldFrom: '2019-01-01', heldTo: null }],
    });
    expect(r.ok && identifierKinds(r.subject)).toEqual(['email', 'phone', 'amiqus_client_id']);
  });
});
