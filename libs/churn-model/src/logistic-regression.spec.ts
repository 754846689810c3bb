import { ChurnModelInputError } from './errors';
import { createLogisticRegressionModel, logisticRegressionScore } from './logistic-regression';

describe('createLogisticRegressionModel', () => {
  const parameters = { intercept: 0.5, weights: [2, -1], means: [10, 0], scales: [5, 2] };

  it('standardises each feature before weighting it', () => {
    // Act: (20 − 10) / 5 · 2 + (4 − 0) / 2 · −1 + 0.5 = 4 − 2 + 0.5
    const score = logisticRegressionScore(parameters, [20, 4]);

    // Assess
    expect(score).toBe(2.5);
    expect(createLogisticRegressionModel(parameters, ['a', 'b']).predictProbability([20, 4])).toBeCloseTo(1 / (1 + Math.exp(-2.5)), 15);
  });

  it('rejects a non-finite feature', () => {
    expect(() => createLogisticRegressionModel(parameters, ['a', 'b']).predictProbability([Infinity, 0])).toThrow(ChurnModelInputError);
  });
});
