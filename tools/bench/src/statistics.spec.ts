import { linearSlope, microsPerEvent, percentile, ratePerSecond, ratio, summarize } from './statistics';

describe('percentile', () => {
  it('interpolates between the closest ranks', () => {
    // Prepare
    const values = [40, 10, 30, 20];

    // Act
    const results = [0, 50, 100, 25].map((p) => percentile(values, p));

    // Assess
    expect(results).toEqual([10, 25, 40, 17.5]);
  });

  it('returns the only value of a single measurement', () => {
    expect(percentile([7], 99)).toBe(7);
  });

  it('rejects an empty list', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
  });

  it('rejects a percentile outside 0-100', () => {
    expect(() => percentile([1, 2], 101)).toThrow('within 0-100');
  });
});

describe('summarize', () => {
  it('gives min, median, mean and max', () => {
    // Act
    const summary = summarize([3, 1, 2, 10]);

    // Assess
    expect(summary).toEqual({ count: 4, min: 1, median: 2.5, mean: 4, max: 10 });
  });

  it('rejects an empty list', () => {
    expect(() => summarize([])).toThrow('no values');
  });
});

describe('rates', () => {
  it('computes events per second and microseconds per event', () => {
    expect(ratePerSecond(50_000, 500)).toBe(100_000);
    expect(microsPerEvent(500, 50_000)).toBe(10);
  });

  it('answers 0 instead of dividing by zero', () => {
    expect(ratePerSecond(10, 0)).toBe(0);
    expect(microsPerEvent(10, 0)).toBe(0);
  });
});

describe('ratio', () => {
  it('divides ours by theirs', () => {
    expect(ratio(30, 3)).toBe(10);
  });

  it('is undefined when the baseline is not positive', () => {
    expect(ratio(30, 0)).toBeUndefined();
  });
});

describe('linearSlope', () => {
  it('finds the slope of a noisy line', () => {
    // Prepare: y = 2x + 1 with symmetric noise
    const points = [0, 1, 2, 3, 4, 5].map((x, i) => ({ x, y: 2 * x + 1 + (i % 2 === 0 ? 0.1 : -0.1) }));

    // Act
    const slope = linearSlope(points);

    // Assess
    expect(slope).toBeCloseTo(2, 1);
  });

  it('is 0 for a flat series, a single point or a vertical one', () => {
    expect(linearSlope([{ x: 0, y: 5 }, { x: 1, y: 5 }])).toBe(0);
    expect(linearSlope([{ x: 0, y: 5 }])).toBe(0);
    expect(linearSlope([{ x: 1, y: 5 }, { x: 1, y: 9 }])).toBe(0);
  });
});
