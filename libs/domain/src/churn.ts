import { z } from 'zod';
import { companySchema, KNOWN_INDUSTRIES, type Company } from './company';

/** How the processor reaches the churn model. */
export const CHURN_API_MODES = ['apigateway', 'sagemaker'] as const;
export type ChurnApiMode = (typeof CHURN_API_MODES)[number];

/** The numeric features in the model's order; the one-hot industry block follows them. */
export const NUMERIC_FEATURES = ['revenu', 'employees', 'job30', 'job90', 'monthlyFee', 'totalFee'] as const;

/** Feature names in model order: the numeric features, then `industry=<name>` one-hot columns. */
export const FEATURE_NAMES: readonly string[] = [
  ...NUMERIC_FEATURES,
  ...KNOWN_INDUSTRIES.map((industry) => `industry=${industry}`),
];

/** The subset of a company the model reads. */
export type ChurnFeatures = Pick<Company, 'industry' | 'revenu' | 'employees' | 'job30' | 'job90' | 'monthlyFee' | 'totalFee'>;

/**
 * The model's input vector (ARCHITECTURE.md §2 "Feature order"): revenu, employees, job30, job90,
 * monthlyFee, totalFee, then the one-hot industry in {@link KNOWN_INDUSTRIES} order. An unknown
 * industry is all zeros.
 *
 * @example
 * toFeatureVector({ industry: 'gov', revenu: 100, employees: 50, job30: 3, job90: 12, monthlyFee: 200, totalFee: 400 });
 * // → [100, 50, 3, 12, 200, 400, 0, 0, 0, 0, 1, 0, 0, 0, 0]
 */
export function toFeatureVector(company: ChurnFeatures): number[] {
  const numeric = NUMERIC_FEATURES.map((name) => company[name]);
  const oneHot = KNOWN_INDUSTRIES.map((industry) => (industry === company.industry ? 1 : 0));
  return [...numeric, ...oneHot];
}

/**
 * A stable key for a feature vector: identical vectors in a batch are scored once. Equal exactly
 * when the vectors are: the industry's one-hot block is its index in {@link KNOWN_INDUSTRIES}
 * (-1, all zeros, for every unknown one), without building the vector (this runs per event).
 */
export function featureKey(company: ChurnFeatures): string {
  return `${(KNOWN_INDUSTRIES as readonly string[]).indexOf(company.industry)},${company.revenu},${company.employees},${company.job30},${company.job90},${company.monthlyFee},${company.totalFee}`;
}

/** API Gateway mode, single call (seed): body is a Company; reply `{churn}` (+ our `probability`). */
export const apiGatewayChurnResponseSchema = z.object({
  churn: z.boolean(),
  probability: z.number().min(0).max(1).optional(),
});
export type ApiGatewayChurnResponse = z.infer<typeof apiGatewayChurnResponseSchema>;

/** API Gateway mode, batch extension: `{"instances":[Company…]}`. */
export const apiGatewayBatchRequestSchema = z.object({
  instances: z.array(companySchema).min(1),
});
export type ApiGatewayBatchRequest = z.infer<typeof apiGatewayBatchRequestSchema>;

/** API Gateway mode, batch reply: one prediction per instance, in order. */
export const apiGatewayBatchResponseSchema = z.object({
  predictions: z.array(z.object({ churn: z.boolean(), probability: z.number().min(0).max(1) })),
});
export type ApiGatewayBatchResponse = z.infer<typeof apiGatewayBatchResponseSchema>;

/** SageMaker JSON request (Linear Learner shape): `{"instances":[{"features":[…]}]}`. */
export const sageMakerJsonRequestSchema = z.object({
  instances: z.array(z.object({ features: z.array(z.number().finite()) })).min(1),
});
export type SageMakerJsonRequest = z.infer<typeof sageMakerJsonRequestSchema>;

/** SageMaker JSON reply (Linear Learner binary classifier shape). */
export const sageMakerJsonResponseSchema = z.object({
  predictions: z.array(z.object({ score: z.number().min(0).max(1), predicted_label: z.union([z.literal(0), z.literal(1)]) })),
});
export type SageMakerJsonResponse = z.infer<typeof sageMakerJsonResponseSchema>;

/** One row of a SageMaker `text/csv` request: the feature vector, comma-separated. */
export function toCsvRow(company: ChurnFeatures): string {
  return toFeatureVector(company).join(',');
}

/** The decision threshold on the model's probability. */
export const CHURN_THRESHOLD = 0.5;

/**
 * The seed's labelling rule, used to generate training labels: churn when the industry is retail,
 * consulting or IT, or when job30 < 5, or job90 < 20.
 */
export function seedChurnRule(company: ChurnFeatures): boolean {
  return ['retail', 'consulting', 'IT'].includes(company.industry) || company.job30 < 5 || company.job90 < 20;
}
