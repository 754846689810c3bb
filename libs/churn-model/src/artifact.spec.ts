import { FEATURE_NAMES } from '@tenant-analytics/domain';
import { churnModelArtifactSchema } from './artifact';
import { boostedTreesArtifactFactory } from './test-fixtures';

describe('churnModelArtifactSchema', () => {
  it('accepts a boosted-trees artifact', () => {
    // Prepare
    const artifact = boostedTreesArtifactFactory();

    // Act
    const result = churnModelArtifactSchema.safeParse(artifact);

    // Assess
    expect(result.success).toBe(true);
  });

  it('accepts a logistic-regression artifact with one weight per feature', () => {
    // Prepare
    const width = FEATURE_NAMES.length;
    const { training, featureNames, version } = boostedTreesArtifactFactory();
    const ones = Array<number>(width).fill(1);

    // Act
    const result = churnModelArtifactSchema.safeParse({
      kind: 'logistic-regression',
      version,
      featureNames,
      training,
      parameters: { intercept: 0, weights: ones, means: ones, scales: ones },
    });

    // Assess
    expect(result.success).toBe(true);
  });

  it('rejects a tree that splits on a feature the artifact does not have', () => {
    // Prepare
    const artifact = { ...boostedTreesArtifactFactory(), parameters: { baseScore: 0, trees: [{ feature: 99, threshold: 1, left: { value: 0 }, right: { value: 1 } }] } };

    // Act
    const result = churnModelArtifactSchema.safeParse(artifact);

    // Assess
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['parameters', 'trees', 0], message: `splits on a feature index ≥ ${FEATURE_NAMES.length}` })]);
  });

  it('rejects a logistic regression whose weights do not match the features', () => {
    // Prepare
    const { training, featureNames, version } = boostedTreesArtifactFactory();
    const ones = Array<number>(featureNames.length).fill(1);

    // Act
    const result = churnModelArtifactSchema.safeParse({
      kind: 'logistic-regression',
      version,
      featureNames,
      training,
      parameters: { intercept: 0, weights: [1, 2], means: ones, scales: ones },
    });

    // Assess
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['parameters', 'weights']]);
  });

  it.each([
    ['an unknown kind', { kind: 'neural-network' }],
    ['another version', { version: 2 }],
    ['a leaf with a non-numeric value', { parameters: { baseScore: 0, trees: [{ value: 'high' }] } }],
    ['a node with extra fields', { parameters: { baseScore: 0, trees: [{ value: 1, feature: 0 }] } }],
    ['no trees', { parameters: { baseScore: 0, trees: [] } }],
  ])('rejects %s', (_label, change) => {
    expect(churnModelArtifactSchema.safeParse({ ...boostedTreesArtifactFactory(), ...change }).success).toBe(false);
  });
});
