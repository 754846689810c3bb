import type { LogisticRegressionParameters } from './artifact';
import { createChurnModel, type ChurnModel } from './churn-model';

/** The `kind` of a logistic regression in the artifact. */
export const LOGISTIC_REGRESSION_KIND = 'logistic-regression';

/** The log-odds of churn: `intercept + Σ wᵢ (xᵢ − meanᵢ) / scaleᵢ`. */
export function logisticRegressionScore(parameters: LogisticRegressionParameters, features: readonly number[]): number {
  let score = parameters.intercept;
  parameters.weights.forEach((weight, index) => {
    score += (weight * ((features[index] ?? 0) - (parameters.means[index] ?? 0))) / (parameters.scales[index] ?? 1);
  });
  return score;
}

/** A {@link ChurnModel} over trained logistic-regression parameters. */
export function createLogisticRegressionModel(parameters: LogisticRegressionParameters, featureNames: readonly string[]): ChurnModel {
  return createChurnModel(LOGISTIC_REGRESSION_KIND, featureNames, (features) => logisticRegressionScore(parameters, features));
}
