import { areaUnderRoc, classificationMetrics, evaluateModel, logLoss } from './metrics';

describe('areaUnderRoc', () => {
  it('counts the share of positive-negative pairs ranked correctly', () => {
    // 4 pairs: (0.35 vs 0.1 ✓), (0.35 vs 0.4 ✗), (0.8 vs 0.1 ✓), (0.8 vs 0.4 ✓) → 3/4
    expect(areaUnderRoc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
  });

  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(areaUnderRoc([0, 1, 0, 1], [0.2, 0.9, 0.1, 0.7])).toBe(1);
    expect(areaUnderRoc([0, 1, 0, 1], [0.9, 0.2, 0.7, 0.1])).toBe(0);
  });

  it('counts tied scores as one half', () => {
    expect(areaUnderRoc([0, 1], [0.5, 0.5])).toBe(0.5);
    // pairs: (0.5 vs 0.5 tie → ½), (0.5 vs 0.2 ✓) → 1.5 / 2
    expect(areaUnderRoc([0, 1, 0], [0.5, 0.5, 0.2])).toBe(0.75);
  });
});

describe('logLoss', () => {
  it('averages the negative log-likelihood of the true labels', () => {
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
  });

  it('clips certain but wrong predictions instead of returning infinity', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 10);
  });
});

describe('classificationMetrics', () => {
  it('counts the confusion matrix at the 0.5 threshold and derives the rates', () => {
    // Act: TP = 0.9, 0.5; FN = 0.2; FP = 0.7; TN = 0.1
    const metrics = classificationMetrics([1, 1, 1, 0, 0], [0.9, 0.5, 0.2, 0.7, 0.1]);

    // Assess
    expect(metrics).toMatchObject({ count: 5, truePositives: 2, falseNegatives: 1, falsePositives: 1, trueNegatives: 1 });
    expect(metrics.accuracy).toBe(3 / 5);
    expect(metrics.precision).toBe(2 / 3);
    expect(metrics.recall).toBe(2 / 3);
  });

  it('reports precision 0 when nothing is predicted positive', () => {
    expect(classificationMetrics([1, 0], [0.1, 0.2]).precision).toBe(0);
  });
});

describe('evaluateModel', () => {
  it('scores each example with the model', () => {
    // Prepare
    const model = { kind: 'identity', featureNames: ['p'], predictProbability: (features: readonly number[]) => features[0] ?? 0 };
    const examples = [
      { features: [0.9], label: 1 as const, grown: false },
      { features: [0.6], label: 0 as const, grown: true },
    ];

    // Act
    const metrics = evaluateModel(model, examples);

    // Assess
    expect(metrics).toMatchObject({ count: 2, truePositives: 1, falsePositives: 1, auc: 1 });
  });
});
