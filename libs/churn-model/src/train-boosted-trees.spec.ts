import { createBoostedTreesModel, treeValue } from './boosted-trees';
import { evaluateModel } from './metrics';
import { candidateThresholds, trainBoostedTrees } from './train-boosted-trees';
import { gridExamples } from './test-fixtures';

const config = { trees: 20, maxDepth: 2, learningRate: 0.3, minSamplesLeaf: 1, l2: 1, maxBins: 256 };

describe('candidateThresholds', () => {
  it('cuts midway between consecutive distinct values', () => {
    expect(candidateThresholds([3, 1, 2, 2, 5], 256)).toEqual([1.5, 2.5, 4]);
  });

  it('has no threshold for a constant feature', () => {
    expect(candidateThresholds([7, 7, 7], 256)).toEqual([]);
  });

  it('thins many distinct values to at most maxBins − 1 sample quantiles', () => {
    // Prepare: 0..999 once each, then 1000 rows of value 5 (dense)
    const values = [...Array.from({ length: 1_000 }, (_, index) => index), ...Array<number>(1_000).fill(5)];

    // Act
    const thresholds = candidateThresholds(values, 16);

    // Assess: a cut every 2000 / 16 = 125 rows; the dense value 5 takes the first 8 quantiles at once
    expect(thresholds).toEqual([5.5, 124.5, 249.5, 374.5, 499.5, 624.5, 749.5, 874.5]);
  });
});

describe('trainBoostedTrees', () => {
  it('learns a single threshold rule exactly, with the right cut', () => {
    // Prepare: churn when x < 7
    const examples = gridExamples((x) => x < 7);

    // Act
    const parameters = trainBoostedTrees(examples, config);

    // Assess
    expect(evaluateModel(createBoostedTreesModel(parameters, ['x', 'y']), examples).accuracy).toBe(1);
    expect(parameters.trees[0]).toMatchObject({ feature: 0, threshold: 6.5 });
  });

  it('learns an OR of thresholds on two features (the shape of the seed rule)', () => {
    // Prepare
    const examples = gridExamples((x, y) => x < 5 || y < 12);

    // Act
    const model = createBoostedTreesModel(trainBoostedTrees(examples, config), ['x', 'y']);

    // Assess
    expect(evaluateModel(model, examples).accuracy).toBe(1);
    expect(model.predictProbability([100, 100])).toBeLessThan(0.1);
  });

  it('learns the base rate when no split helps', () => {
    // Prepare: labels independent of the only feature value
    const examples = [0, 1, 1, 1].map((label) => ({ features: [1], label: label as 0 | 1, grown: false }));

    // Act
    const parameters = trainBoostedTrees(examples, { ...config, trees: 1 });

    // Assess
    expect(parameters.baseScore).toBeCloseTo(Math.log(4 / 2), 12);
    expect(parameters.trees[0]).toHaveProperty('value');
  });

  it('respects minSamplesLeaf and maxDepth', () => {
    // Prepare
    const examples = gridExamples((x, y) => x < 5 || y < 12);

    // Act
    const parameters = trainBoostedTrees(examples, { ...config, trees: 5, minSamplesLeaf: 150, maxDepth: 1 });

    // Assess: a stump whose smaller side has at least 150 of 400 rows
    for (const tree of parameters.trees) {
      expect('value' in tree || ('value' in tree.left && 'value' in tree.right)).toBe(true);
    }
    const leftRows = examples.filter((example) => treeValue(parameters.trees[0] ?? { value: 0 }, example.features) === treeValue(parameters.trees[0] ?? { value: 0 }, [0, 0])).length;
    expect(Math.min(leftRows, 400 - leftRows)).toBeGreaterThanOrEqual(150);
  });

  it('is deterministic: same inputs, same model', () => {
    const examples = gridExamples((x, y) => x + y < 15);
    expect(trainBoostedTrees(examples, config)).toEqual(trainBoostedTrees(examples, config));
  });
});
