import { minimumCallsPerErasure, settleFloor } from '../../bench/api-floor';

const PUBLISHED = { amiqus: 200, ada: 100, genesys: 300 };

describe("the bench's floor: the shortest time the APIs allow any client", () => {
  it('counts the fewest calls each API needs per erasure, shared Ada jobs and Genesys listing pages included', () => {
    const min = minimumCallsPerErasure(2_000);
    expect(min.amiqus).toBe(3);
    // 4,000 identifiers in 4 jobs of 1,000: a submit and a read each.
    expect(min.ada * 2_000).toBe(8);
    // A search and a request per subject, 20 listing pages, one token.
    expect(min.genesys * 2_000).toBe(4_021);
  });

  it("is set by Amiqus's 200/min over 3 calls a subject for 2,000 subjects whose Ada jobs take 20 minutes", () => {
    const floor = settleFloor({ subjects: 2_000, minuteLimit: PUBLISHED, providerMinutes: { ada: 20, genesys: 8 } });
    expect(floor.minutes).toBe(30);
    expect(floor.boundBy).toBe('amiqus: 6000 calls at 200/min');
    expect(floor.bounds.map((b) => b.minutes)).toEqual([30, 20, 13.4, 8, 0.1]);
  });

  it("is set by Ada's own job time when its jobs take longer than the calls need", () => {
    const floor = settleFloor({ subjects: 2_000, minuteLimit: PUBLISHED, providerMinutes: { ada: 1_440, genesys: 8 } });
    expect(floor).toMatchObject({ minutes: 1_440, boundBy: 'ada: its jobs take 1440 min' });
  });

  it('grows with the backlog where calls bind, and not where provider time binds', () => {
    const at = (subjects: number) =>
      settleFloor({ subjects, minuteLimit: PUBLISHED, providerMinutes: { ada: 20, genesys: 8 } }).minutes;
    expect(at(5_000)).toBe(75);
    expect(at(100)).toBe(20);
  });
});
