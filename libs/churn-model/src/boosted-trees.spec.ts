import type { TreeNode } from './artifact';
import { boostedTreesScore, createBoostedTreesModel, treeValue } from './boosted-trees';
import { ChurnModelInputError } from './errors';

describe('treeValue', () => {
  // x0 < 5 ? (x1 < 2 ? 1 : 2) : 3
  const tree: TreeNode = {
    feature: 0,
    threshold: 5,
    left: { feature: 1, threshold: 2, left: { value: 1 }, right: { value: 2 } },
    right: { value: 3 },
  };

  it.each([
    [[4, 1], 1],
    [[4, 2], 2],
    [[5, 0], 3],
    [[100, 100], 3],
  ])('sends %j to leaf %s (left when value < threshold)', (features, expected) => {
    expect(treeValue(tree, features)).toBe(expected);
  });

  it('returns the value of a single-leaf tree', () => {
    expect(treeValue({ value: -0.25 }, [1, 2])).toBe(-0.25);
  });
});

describe('createBoostedTreesModel', () => {
  const parameters = {
    baseScore: -1,
    trees: [{ feature: 0, threshold: 0.5, left: { value: -1 }, right: { value: 2 } }, { value: 0.5 }],
  };

  it('adds the base score and every tree, then applies the logistic function', () => {
    // Act
    const model = createBoostedTreesModel(parameters, ['x']);

    // Assess
    expect(boostedTreesScore(parameters, [1])).toBe(1.5);
    expect(model.predictProbability([1])).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 15);
    expect(model.predictProbability([0])).toBeCloseTo(1 / (1 + Math.exp(1.5)), 15);
    expect(model.kind).toBe('gradient-boosted-trees');
  });

  it('rejects a vector of the wrong length', () => {
    expect(() => createBoostedTreesModel(parameters, ['x']).predictProbability([1, 2])).toThrow(ChurnModelInputError);
  });
});
