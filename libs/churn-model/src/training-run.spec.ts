import { DEFAULT_MODEL_PATH, readChurnModelArtifact } from './load-churn-model';
import { SMALL_TRAINING_CONFIG } from './test-fixtures';
import {
  DEFAULT_TRAINING_CONFIG,
  differingPaths,
  evaluateArtifact,
  metricsReportSchema,
  readMetricsReport,
  serialise,
  trainChurnModel,
} from './training-run';

describe('trainChurnModel', () => {
  const first = trainChurnModel(SMALL_TRAINING_CONFIG);

  it('is reproducible: the same config gives byte-identical artifact and metrics', () => {
    // Act
    const second = trainChurnModel(SMALL_TRAINING_CONFIG);

    // Assess
    expect(serialise(second.artifact)).toBe(serialise(first.artifact));
    expect(serialise(second.metrics)).toBe(serialise(first.metrics));
  });

  it('records both candidates and keeps the one with the best held-out accuracy', () => {
    // Assess
    const accuracies = first.metrics.candidates.map((candidate) => candidate.heldOut.accuracy);
    expect(first.metrics.candidates.map((candidate) => candidate.model)).toEqual(['gradient-boosted-trees', 'logistic-regression']);
    expect(first.metrics.heldOut.accuracy).toBe(Math.max(...accuracies));
    expect(first.artifact.kind).toBe(first.metrics.model);
    expect(first.artifact.training).toEqual(SMALL_TRAINING_CONFIG);
    expect(metricsReportSchema.safeParse(first.metrics).success).toBe(true);
  });

  it('reports held-out metrics that an offline evaluation of the artifact reproduces', () => {
    // Act
    const evaluation = evaluateArtifact(first.artifact);

    // Assess
    expect(first.metrics).toMatchObject(evaluation);
    expect(evaluation.dataset).toMatchObject({ trainCount: 1_200, testCount: 300 });
    expect(evaluation.heldOutBySegment.asGenerated.count + evaluation.heldOutBySegment.grown.count).toBe(300);
  });
});

describe('the committed model', () => {
  const artifact = readChurnModelArtifact(DEFAULT_MODEL_PATH);
  const recorded = readMetricsReport();
  const evaluation = evaluateArtifact(artifact);

  it('was trained with the default config', () => {
    expect(artifact.training).toEqual(DEFAULT_TRAINING_CONFIG);
  });

  it('reaches the held-out metrics recorded in metrics.json', () => {
    // Assess
    for (const key of ['accuracy', 'precision', 'recall', 'auc', 'logLoss'] as const) {
      expect(Math.abs(evaluation.heldOut[key] - recorded.heldOut[key])).toBeLessThanOrEqual(1e-9);
    }
    expect(evaluation.heldOut.count).toBe(recorded.heldOut.count);
    const { candidates: _candidates, selection: _selection, ...recordedEvaluation } = recorded;
    expect(differingPaths(recordedEvaluation, evaluation)).toEqual([]);
  });

  it('meets the acceptance bar: held-out accuracy ≥ 0.97', () => {
    expect(evaluation.heldOut.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(evaluation.heldOutBySegment.grown.accuracy).toBeGreaterThanOrEqual(0.97);
  });
});

describe('differingPaths', () => {
  it('finds nested numbers that differ by more than the tolerance', () => {
    expect(differingPaths({ a: { b: 1, c: 2 }, d: 'x' }, { a: { b: 1 + 1e-12, c: 2.1 }, d: 'x' })).toEqual(['a.c']);
  });

  it('finds missing keys and changed strings', () => {
    expect(differingPaths({ a: 1, b: 'x' }, { b: 'y', c: 2 })).toEqual(['a', 'b', 'c']);
  });
});
