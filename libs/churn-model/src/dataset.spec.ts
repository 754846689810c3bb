import fc from 'fast-check';
import { generateCompany, seedChurnRule, toFeatureVector } from '@tenant-analytics/domain';
import { buildDataset, exampleAt, growCompany, MAX_EXTRA_JOBS_30_DAYS } from './dataset';

const JOB30 = 2;
const JOB90 = 3;

describe('growCompany', () => {
  it('keeps job90 ≥ job30 and only changes the job counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000 }), fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 4, maxLength: 4 }), (index, draws) => {
        // Prepare
        const company = generateCompany(1, index);
        let next = 0;
        const random = () => draws[next++ % draws.length] ?? 0;

        // Act
        const grown = growCompany(company, random);

        // Assess
        expect(grown.job90).toBeGreaterThanOrEqual(grown.job30);
        expect(grown.job30).toBeLessThanOrEqual(company.job30 + MAX_EXTRA_JOBS_30_DAYS);
        expect({ ...grown, job30: 0, job90: 0 }).toEqual({ ...company, job30: 0, job90: 0 });
      }),
    );
  });
});

describe('exampleAt', () => {
  const config = { seed: 11, size: 4_000, grownFraction: 0.5, testFraction: 0.2 };

  it('labels each example with the seed rule and is deterministic', () => {
    // Act
    const examples = Array.from({ length: 200 }, (_, index) => exampleAt(config, index));

    // Assess
    expect(Array.from({ length: 200 }, (_, index) => exampleAt(config, index))).toEqual(examples);
    examples.forEach((example, index) => {
      const company = generateCompany(config.seed, index);
      const features = toFeatureVector(company);
      expect(example.features.slice(0, 2)).toEqual(features.slice(0, 2));
      expect(example.label).toBe(seedChurnRule({ ...company, job30: example.features[JOB30] ?? 0, job90: example.features[JOB90] ?? 0 }) ? 1 : 0);
    });
  });

  it('leaves the other examples as generated', () => {
    // Act
    const examples = Array.from({ length: 200 }, (_, index) => exampleAt({ ...config, grownFraction: 0 }, index));

    // Assess
    examples.forEach((example, index) => expect(example.features).toEqual(toFeatureVector(generateCompany(config.seed, index))));
  });

  it('grows about grownFraction of the examples, beyond the generator ranges', () => {
    // Act
    const examples = Array.from({ length: config.size }, (_, index) => exampleAt(config, index));
    const grown = examples.filter((example) => example.grown);

    // Assess
    expect(grown.length / examples.length).toBeGreaterThan(0.45);
    expect(grown.length / examples.length).toBeLessThan(0.55);
    expect(Math.max(...grown.map((example) => example.features[JOB30] ?? 0))).toBeGreaterThan(300);
    expect(Math.min(...grown.map((example) => example.features[JOB30] ?? 0))).toBeLessThan(3);
    expect(Math.max(...grown.map((example) => example.features[JOB90] ?? 0))).toBeGreaterThan(1_000);
  });
});

describe('buildDataset', () => {
  const config = { seed: 3, size: 1_001, grownFraction: 0.5, testFraction: 0.2 };

  it('holds out exactly round(size × testFraction) examples, disjoint from training', () => {
    // Act
    const { train, test } = buildDataset(config);

    // Assess
    expect(test).toHaveLength(200);
    expect(train).toHaveLength(801);
    const all = Array.from({ length: config.size }, (_, index) => JSON.stringify(exampleAt(config, index)));
    expect([...train, ...test].map((example) => JSON.stringify(example)).sort()).toEqual(all.sort());
  });

  it('gives the same split for the same config and another for another seed', () => {
    expect(buildDataset(config)).toEqual(buildDataset(config));
    expect(buildDataset({ ...config, seed: 4 }).test).not.toEqual(buildDataset(config).test);
  });
});
