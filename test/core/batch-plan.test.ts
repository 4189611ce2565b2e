import { planBatches, type BatchMember } from '../../src/core/batch-plan';

const member = (id: string, digests: string[], bytes = 100): BatchMember<string> => ({ item: id, digests, bytes });
const ADA = { maxIdentifiers: 1_000, maxBodyBytes: 512 * 1024 };

describe('packing subjects into shared provider jobs', () => {
  it('puts 2,000 two-identifier subjects into four jobs of 1,000 identifiers, each subject whole', () => {
    const members = Array.from({ length: 2_000 }, (_, i) => member(`T-${i}`, [`e${i}`, `c${i}`]));
    const { batches, later } = planBatches(members, ADA);
    expect(batches.map((b) => b.reduce((n, m) => n + m.digests.length, 0))).toEqual([1_000, 1_000, 1_000, 1_000]);
    expect(batches.flat().map((m) => m.item)).toEqual(members.map((m) => m.item));
    expect(later).toEqual([]);
  });

  it('starts a new job before the body would pass 512 KB', () => {
    const members = Array.from({ length: 10 }, (_, i) => member(`T-${i}`, [`d${i}`], 110 * 1024));
    const { batches } = planBatches(members, ADA);
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
  });

  it('keeps a subject that repeats an identifier already in the batch for a later one', () => {
    const { batches, later } = planBatches([member('A', ['x', 'y']), member('B', ['y']), member('C', ['z'])], ADA);
    expect(batches.flat().map((m) => m.item)).toEqual(['A', 'C']);
    expect(later.map((m) => m.item)).toEqual(['B']);
  });
});
