import { seededRandom } from './seeded-random';

describe(seededRandom.name, () => {
  it('repeats its sequence for a seed, differs for another, and stays in [0, 1)', () => {
    const take = (seed: number): number[] => {
      const next = seededRandom(seed);
      return Array.from({ length: 1_000 }, () => next());
    };
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
    expect(take(7).every((value) => value >= 0 && value < 1)).toBe(true);
  });
});
