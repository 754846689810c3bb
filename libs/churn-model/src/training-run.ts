import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_DATASET, FEATURE_NAMES, generateCompanies, seedChurnRule, toFeatureVector } from '@tenant-analytics/domain';
import {
  CHURN_MODEL_ARTIFACT_VERSION,
  datasetConfigSchema,
  type ChurnModelArtifact,
  type TrainingConfig,
} from './artifact';
import { buildDataset, type LabelledExample } from './dataset';
import { ChurnModelArtifactError } from './errors';
import { DEFAULT_MODEL_PATH, modelFromArtifact } from './load-churn-model';
import { classificationMetricsSchema, evaluateModel, type ClassificationMetrics } from './metrics';
import { trainBoostedTrees } from './train-boosted-trees';
import { trainLogisticRegression } from './train-logistic-regression';

/**
 * The committed model's training config. The data seed differs from the tenant data set's
 * (`DEFAULT_DATASET.seed`), so the served companies are never training rows.
 */
export const DEFAULT_TRAINING_CONFIG: TrainingConfig = {
  dataset: { seed: 2024, size: 50_000, grownFraction: 0.5, testFraction: 0.2 },
  boostedTrees: { trees: 60, maxDepth: 3, learningRate: 0.3, minSamplesLeaf: 10, l2: 1, maxBins: 256 },
  logisticRegression: { l2: 1, iterations: 25 },
};

/** Held-out metrics of one artifact, recomputable from the artifact alone. */
export const evaluationReportSchema = z.strictObject({
  model: z.string(),
  dataset: datasetConfigSchema.extend({
    trainCount: z.number().int().nonnegative(),
    testCount: z.number().int().nonnegative(),
    testChurnCount: z.number().int().nonnegative(),
  }),
  /** On the held-out split. */
  heldOut: classificationMetricsSchema,
  /** On the held-out split, by segment: as generated, and grown through streamed jobs. */
  heldOutBySegment: z.strictObject({ asGenerated: classificationMetricsSchema, grown: classificationMetricsSchema }),
  /** On the tenant manager's data set (`DEFAULT_DATASET`, as generated, never trained on). */
  tenantDataset: z.strictObject({ seed: z.number().int(), size: z.number().int(), metrics: classificationMetricsSchema }),
});
export type EvaluationReport = z.infer<typeof evaluationReportSchema>;

/** `model/metrics.json`: the chosen model's evaluation and every candidate's held-out metrics. */
export const metricsReportSchema = evaluationReportSchema.extend({
  candidates: z.array(z.strictObject({ model: z.string(), heldOut: classificationMetricsSchema })).min(1),
  selection: z.string(),
});
export type MetricsReport = z.infer<typeof metricsReportSchema>;

/** The result of a training run: the chosen artifact and its metrics. */
export interface TrainingResult {
  readonly artifact: ChurnModelArtifact;
  readonly metrics: MetricsReport;
}

const SELECTION_RULE = 'highest held-out accuracy, then lowest held-out log loss';

function isBetter(candidate: ClassificationMetrics, incumbent: ClassificationMetrics): boolean {
  return candidate.accuracy > incumbent.accuracy || (candidate.accuracy === incumbent.accuracy && candidate.logLoss < incumbent.logLoss);
}

function tenantExamples(): LabelledExample[] {
  return generateCompanies(DEFAULT_DATASET.seed, DEFAULT_DATASET.size).map((company) => ({
    features: toFeatureVector(company),
    label: seedChurnRule(company) ? 1 : 0,
    grown: false,
  }));
}

/**
 * Evaluates an artifact offline: rebuilds its held-out split from the recorded dataset config and
 * scores it through {@link modelFromArtifact}, the same path serving uses.
 */
export function evaluateArtifact(artifact: ChurnModelArtifact): EvaluationReport {
  const { dataset } = artifact.training;
  const { train, test } = buildDataset(dataset);
  const model = modelFromArtifact(artifact);
  return {
    model: artifact.kind,
    dataset: {
      ...dataset,
      trainCount: train.length,
      testCount: test.length,
      testChurnCount: test.filter((example) => example.label === 1).length,
    },
    heldOut: evaluateModel(model, test),
    heldOutBySegment: {
      asGenerated: evaluateModel(
        model,
        test.filter((example) => !example.grown),
      ),
      grown: evaluateModel(
        model,
        test.filter((example) => example.grown),
      ),
    },
    tenantDataset: { ...DEFAULT_DATASET, metrics: evaluateModel(model, tenantExamples()) },
  };
}

/**
 * Trains both candidates (gradient-boosted trees and logistic regression) on the training split,
 * measures them on the held-out split and keeps the better one. Pure and deterministic: the same
 * config gives the same artifact and metrics, byte for byte once serialised.
 */
export function trainChurnModel(config: TrainingConfig = DEFAULT_TRAINING_CONFIG): TrainingResult {
  const { train, test } = buildDataset(config.dataset);
  const header = { version: CHURN_MODEL_ARTIFACT_VERSION, featureNames: [...FEATURE_NAMES], training: config };
  const candidates: ChurnModelArtifact[] = [
    { kind: 'gradient-boosted-trees', ...header, parameters: trainBoostedTrees(train, config.boostedTrees) },
    { kind: 'logistic-regression', ...header, parameters: trainLogisticRegression(train, config.logisticRegression) },
  ];
  const measured = candidates.map((artifact) => ({ artifact, heldOut: evaluateModel(modelFromArtifact(artifact), test) }));
  const { artifact } = measured.reduce((best, next) => (isBetter(next.heldOut, best.heldOut) ? next : best));
  return {
    artifact,
    metrics: {
      ...evaluateArtifact(artifact),
      candidates: measured.map(({ artifact: candidate, heldOut }) => ({ model: candidate.kind, heldOut })),
      selection: SELECTION_RULE,
    },
  };
}

/** The artifact or report as written to disk: two-space JSON and a final newline. */
export function serialise(value: ChurnModelArtifact | MetricsReport): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Where `train` writes the metrics and `evaluate` reads them: `libs/churn-model/model/metrics.json`. */
export const DEFAULT_METRICS_PATH: string = join(dirname(DEFAULT_MODEL_PATH), 'metrics.json');

/** Reads and decodes a metrics report. @throws {@link ChurnModelArtifactError} naming the file. */
export function readMetricsReport(path: string = DEFAULT_METRICS_PATH): MetricsReport {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ChurnModelArtifactError(`cannot read metrics report ${path}: ${(error as Error).message}`, { cause: error, context: { path } });
  }
  const result = metricsReportSchema.safeParse(json);
  if (!result.success) {
    throw new ChurnModelArtifactError(`invalid metrics report ${path}: ${result.error.issues[0]?.path.join('.')}: ${result.error.issues[0]?.message}`, {
      cause: result.error,
      context: { path },
    });
  }
  return result.data;
}

/**
 * The paths (e.g. `heldOut.accuracy`) where two JSON values differ: numbers by more than
 * `tolerance`, anything else by value. Used to check a recomputed evaluation against the recorded one.
 */
export function differingPaths(expected: unknown, actual: unknown, tolerance = 1e-9, path = ''): string[] {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return Math.abs(expected - actual) <= tolerance ? [] : [path];
  }
  if (expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object') {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((key) =>
      differingPaths((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], tolerance, path ? `${path}.${key}` : key),
    );
  }
  return expected === actual ? [] : [path];
}
