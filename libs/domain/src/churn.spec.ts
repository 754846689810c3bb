import fc from 'fast-check';
import { FEATURE_NAMES, featureKey, seedChurnRule, toFeatureVector } from './churn';
import { KNOWN_INDUSTRIES } from './company';

describe('toFeatureVector', () => {
  const base = { revenu: 100, employees: 50, job30: 3, job90: 12, monthlyFee: 200, totalFee: 400 };

  it('puts numeric features first, then the one-hot industry in alphabetical order', () => {
    // Act
    const vector = toFeatureVector({ ...base, industry: 'gov' });

    // Assess
    expect(vector).toEqual([100, 50, 3, 12, 200, 400, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(vector).toHaveLength(FEATURE_NAMES.length);
  });

  it('encodes an unknown industry as all zeros', () => {
    expect(toFeatureVector({ ...base, industry: 'mining' }).slice(6)).toEqual(Array(9).fill(0));
  });

  it('gives identical companies the same key and different ones different keys', () => {
    expect(featureKey({ ...base, industry: 'IT' })).toBe(featureKey({ ...base, industry: 'IT' }));
    expect(featureKey({ ...base, industry: 'IT' })).not.toBe(featureKey({ ...base, industry: 'gov' }));
  });

  it('gives two companies the same key exactly when their feature vectors are equal', () => {
    const industry = fc.constantFrom(...KNOWN_INDUSTRIES, 'mining', 'fishing');
    const amount = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 1e9, noNaN: true }));
    const shape = { industry, revenu: amount, employees: amount, job30: amount, job90: amount, monthlyFee: amount, totalFee: amount };
    // The second company is the first with some features changed (often to an equal value).
    const pair = fc.tuple(fc.record(shape), fc.record(shape, { requiredKeys: [] })).map(([a, changes]) => [a, { ...a, ...changes }] as const);
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(featureKey(a) === featureKey(b)).toBe(toFeatureVector(a).join(',') === toFeatureVector(b).join(','));
      }),
    );
  });
});

describe('seedChurnRule', () => {
  const healthy = { industry: 'gov', revenu: 100, employees: 50, job30: 7, job90: 50, monthlyFee: 200, totalFee: 400 };

  it('keeps a busy company in a stable industry', () => {
    expect(seedChurnRule(healthy)).toBe(false);
  });

  it.each([
    ['retail industry', { industry: 'retail' }],
    ['consulting industry', { industry: 'consulting' }],
    ['IT industry', { industry: 'IT' }],
    ['job30 below 5', { job30: 4 }],
    ['job90 below 20', { job90: 19 }],
  ])('flags churn for %s', (_label, change) => {
    expect(seedChurnRule({ ...healthy, ...change })).toBe(true);
  });
});
