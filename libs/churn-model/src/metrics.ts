import { z } from 'zod';
import { CHURN_THRESHOLD } from '@tenant-analytics/domain';
import type { LabelledExample } from './dataset';
import type { ChurnModel } from './churn-model';

const rate = z.number().min(0).max(1);
const tally = z.number().int().nonnegative();

/** Classification metrics at `CHURN_THRESHOLD`, plus threshold-free AUC and log loss. */
export const classificationMetricsSchema = z.strictObject({
  count: tally,
  truePositives: tally,
  falsePositives: tally,
  trueNegatives: tally,
  falseNegatives: tally,
  accuracy: rate,
  /** TP / (TP + FP); 0 when nothing is predicted positive. */
  precision: rate,
  /** TP / (TP + FN); 0 when there are no positives. */
  recall: rate,
  /** Area under the ROC curve (ties count one half). */
  auc: rate,
  /** Mean negative log-likelihood, natural log, probabilities clipped to [1e-15, 1 − 1e-15]. */
  logLoss: z.number().nonnegative(),
});
export type ClassificationMetrics = z.infer<typeof classificationMetricsSchema>;

const LOG_LOSS_EPSILON = 1e-15;

/**
 * The probability that a random positive scores above a random negative (Mann–Whitney U), with
 * tied scores counting one half. NaN when either class is empty.
 */
export function areaUnderRoc(labels: readonly (0 | 1)[], scores: readonly number[]): number {
  const order = scores.map((score, index) => ({ score, label: labels[index] ?? 0 })).sort((a, b) => a.score - b.score);
  let positives = 0;
  let rankSumOfPositives = 0;
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end < order.length && order[end]?.score === order[start]?.score) {
      end += 1;
    }
    const averageRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i += 1) {
      if (order[i]?.label === 1) {
        positives += 1;
        rankSumOfPositives += averageRank;
      }
    }
    start = end;
  }
  const negatives = order.length - positives;
  return (rankSumOfPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean binary cross-entropy. */
export function logLoss(labels: readonly (0 | 1)[], probabilities: readonly number[]): number {
  let total = 0;
  probabilities.forEach((probability, index) => {
    const p = Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, probability));
    total -= labels[index] === 1 ? Math.log(p) : Math.log(1 - p);
  });
  return total / probabilities.length;
}

/** All {@link ClassificationMetrics} of predicted probabilities against labels. */
export function classificationMetrics(labels: readonly (0 | 1)[], probabilities: readonly number[]): ClassificationMetrics {
  let truePositives = 0;
  let falsePositives = 0;
  let trueNegatives = 0;
  let falseNegatives = 0;
  probabilities.forEach((probability, index) => {
    const predicted = probability >= CHURN_THRESHOLD;
    const actual = labels[index] === 1;
    if (predicted && actual) truePositives += 1;
    else if (predicted) falsePositives += 1;
    else if (actual) falseNegatives += 1;
    else trueNegatives += 1;
  });
  const count = probabilities.length;
  return {
    count,
    truePositives,
    falsePositives,
    trueNegatives,
    falseNegatives,
    accuracy: (truePositives + trueNegatives) / count,
    precision: truePositives + falsePositives === 0 ? 0 : truePositives / (truePositives + falsePositives),
    recall: truePositives + falseNegatives === 0 ? 0 : truePositives / (truePositives + falseNegatives),
    auc: areaUnderRoc(labels, probabilities),
    logLoss: logLoss(labels, probabilities),
  };
}

/** Scores every example with `model` and measures the result. */
export function evaluateModel(model: ChurnModel, examples: readonly LabelledExample[]): ClassificationMetrics {
  return classificationMetrics(
    examples.map((example) => example.label),
    examples.map((example) => model.predictProbability(example.features)),
  );
}
