import { createLogisticRegressionModel } from './logistic-regression';
import { evaluateModel } from './metrics';
import { solveLinearSystem, trainLogisticRegression } from './train-logistic-regression';
import { gridExamples } from './test-fixtures';

describe('solveLinearSystem', () => {
  it('solves a system that needs pivoting', () => {
    // 0·x + 2y = 4, 3x + y = 5 → x = 1, y = 2
    expect(solveLinearSystem([[0, 2], [3, 1]], [4, 5])).toEqual([1, 2]);
  });

  it('rejects a singular system', () => {
    expect(() => solveLinearSystem([[1, 2], [2, 4]], [1, 2])).toThrow(RangeError);
  });
});

describe('trainLogisticRegression', () => {
  const config = { l2: 1, iterations: 20 };

  it('learns a linearly separable rule', () => {
    // Prepare
    const examples = gridExamples((x, y) => x + 2 * y < 25);

    // Act
    const parameters = trainLogisticRegression(examples, config);

    // Assess
    expect(evaluateModel(createLogisticRegressionModel(parameters, ['x', 'y']), examples).accuracy).toBeGreaterThan(0.97);
    expect(parameters.weights[1] ?? 0).toBeLessThan(parameters.weights[0] ?? 0);
    expect(parameters.weights[0] ?? 0).toBeLessThan(0);
  });

  it('standardises with the training means and standard deviations, scale 1 for a constant feature', () => {
    // Prepare
    const examples = [0, 2, 4].map((x, index) => ({ features: [x, 5], label: (index % 2) as 0 | 1, grown: false }));

    // Act
    const { means, scales } = trainLogisticRegression(examples, config);

    // Assess
    expect(means).toEqual([2, 5]);
    expect(scales[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(scales[1]).toBe(1);
  });

  it('is deterministic: same inputs, same model', () => {
    const examples = gridExamples((x, y) => x * y < 40);
    expect(trainLogisticRegression(examples, config)).toEqual(trainLogisticRegression(examples, config));
  });
});
