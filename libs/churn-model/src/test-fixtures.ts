import { FEATURE_NAMES } from '@tenant-analytics/domain';
import { CHURN_MODEL_ARTIFACT_VERSION, type ChurnModelArtifact, type TrainingConfig } from './artifact';
import type { LabelledExample } from './dataset';

/** A small, fast training config for tests. */
export const SMALL_TRAINING_CONFIG: TrainingConfig = {
  dataset: { seed: 7, size: 1_500, grownFraction: 0.5, testFraction: 0.2 },
  boostedTrees: { trees: 15, maxDepth: 3, learningRate: 0.3, minSamplesLeaf: 5, l2: 1, maxBins: 64 },
  logisticRegression: { l2: 1, iterations: 10 },
};

/** A valid boosted-trees artifact: one stump on job30 (feature 2) at 4.5. */
export function boostedTreesArtifactFactory(overrides: Partial<Omit<ChurnModelArtifact, 'kind' | 'parameters'>> = {}): ChurnModelArtifact {
  return {
    kind: 'gradient-boosted-trees',
    version: CHURN_MODEL_ARTIFACT_VERSION,
    featureNames: [...FEATURE_NAMES],
    training: SMALL_TRAINING_CONFIG,
    parameters: { baseScore: 0, trees: [{ feature: 2, threshold: 4.5, left: { value: 3 }, right: { value: -3 } }] },
    ...overrides,
  };
}

/** Examples over two features labelled by `rule`, on a grid (no randomness). */
export function gridExamples(rule: (x: number, y: number) => boolean, size = 20): LabelledExample[] {
  return Array.from({ length: size * size }, (_, index) => {
    const x = index % size;
    const y = Math.floor(index / size);
    return { features: [x, y], label: rule(x, y) ? 1 : 0, grown: false };
  });
}
