import { CHURN_THRESHOLD, toFeatureVector, type ChurnFeatures } from '@tenant-analytics/domain';
import { ChurnModelInputError } from './errors';
import { sigmoid } from './math';

/**
 * A trained churn classifier over the domain's feature vector (`FEATURE_NAMES` order).
 *
 * Implementations are pure and synchronous, so a server can score thousands of rows per request
 * without scheduling work.
 */
export interface ChurnModel {
  /** The model family, e.g. `gradient-boosted-trees`. */
  readonly kind: string;
  /** The feature order the model expects; equal to the domain's `FEATURE_NAMES`. */
  readonly featureNames: readonly string[];
  /**
   * The probability of churn in [0, 1].
   *
   * @throws {@link ChurnModelInputError} when the vector's length differs from `featureNames` or a
   * value is not finite.
   */
  predictProbability(features: readonly number[]): number;
}

/** A churn verdict: the probability and whether it reaches `CHURN_THRESHOLD`. */
export interface ChurnScore {
  readonly churn: boolean;
  readonly probability: number;
}

/**
 * Scores one company: builds its feature vector with the domain's `toFeatureVector` and applies
 * `CHURN_THRESHOLD` (churn when probability ≥ threshold).
 *
 * @example
 * const model = loadChurnModel();
 * scoreCompany(model, { industry: 'gov', revenu: 1000, employees: 500, job30: 7, job90: 50, monthlyFee: 200, totalFee: 400 });
 * // → { churn: false, probability: 0.00… }
 */
export function scoreCompany(model: ChurnModel, company: ChurnFeatures): ChurnScore {
  const probability = model.predictProbability(toFeatureVector(company));
  return { churn: probability >= CHURN_THRESHOLD, probability };
}

/** Rejects a vector that does not fit `featureNames`; shared by every model family. */
export function assertFeatureVector(features: readonly number[], featureNames: readonly string[]): void {
  if (features.length !== featureNames.length) {
    throw new ChurnModelInputError(`expected ${featureNames.length} features (${featureNames.join(', ')}), got ${features.length}`, {
      context: { expected: featureNames.length, actual: features.length },
    });
  }
  const badIndex = features.findIndex((value) => !Number.isFinite(value));
  if (badIndex >= 0) {
    throw new ChurnModelInputError(`feature ${featureNames[badIndex]} (index ${badIndex}) is not a finite number`, {
      context: { index: badIndex, value: features[badIndex] },
    });
  }
}

/**
 * A {@link ChurnModel} from a log-odds function: checks the vector, then applies the logistic
 * function. Every model family is built this way.
 */
export function createChurnModel(kind: string, featureNames: readonly string[], logOdds: (features: readonly number[]) => number): ChurnModel {
  return {
    kind,
    featureNames,
    predictProbability(features) {
      assertFeatureVector(features, featureNames);
      return sigmoid(logOdds(features));
    },
  };
}
