import { z } from 'zod';

/** The artifact format version this library writes and reads. */
export const CHURN_MODEL_ARTIFACT_VERSION = 1 as const;

/** A leaf of a regression tree: its contribution to the log-odds (learning rate already applied). */
export interface TreeLeaf {
  readonly value: number;
}

/** An inner node: rows with `features[feature] < threshold` go left, the others right. */
export interface TreeSplit {
  readonly feature: number;
  readonly threshold: number;
  readonly left: TreeNode;
  readonly right: TreeNode;
}

/** A node of a regression tree. */
export type TreeNode = TreeLeaf | TreeSplit;

const finite = z.number().finite();
const featureIndex = z.number().int().nonnegative();

const treeLeafSchema = z.strictObject({ value: finite });

/** A regression tree, nested (depth is small, so recursion is safe). */
export const treeNodeSchema: z.ZodType<TreeNode> = z.lazy(() =>
  z.union([treeLeafSchema, z.strictObject({ feature: featureIndex, threshold: finite, left: treeNodeSchema, right: treeNodeSchema })]),
);

/** How the training set is generated and split (recorded so evaluation can rebuild it). */
export const datasetConfigSchema = z.strictObject({
  /** Seed of `generateCompany(seed, index)` and of the growth and the split. */
  seed: z.number().int().nonnegative(),
  /** Number of companies generated. */
  size: z.number().int().positive(),
  /** Share of companies whose job30/job90 grew through streamed events (the rest are as generated). */
  grownFraction: z.number().min(0).max(1),
  /** Share of the data set held out for evaluation. */
  testFraction: z.number().gt(0).lt(1),
});
export type DatasetConfig = z.infer<typeof datasetConfigSchema>;

/** Hyper-parameters of the gradient-boosted trees. */
export const boostedTreesConfigSchema = z.strictObject({
  trees: z.number().int().positive(),
  maxDepth: z.number().int().positive(),
  learningRate: z.number().positive(),
  minSamplesLeaf: z.number().int().positive(),
  /** L2 penalty on leaf values (XGBoost's lambda). */
  l2: z.number().nonnegative(),
  /** Candidate thresholds per feature at most (quantiles of the distinct values). */
  maxBins: z.number().int().min(2),
});
export type BoostedTreesConfig = z.infer<typeof boostedTreesConfigSchema>;

/** Hyper-parameters of the logistic regression (Newton's method with an L2 penalty). */
export const logisticRegressionConfigSchema = z.strictObject({
  l2: z.number().nonnegative(),
  iterations: z.number().int().positive(),
});
export type LogisticRegressionConfig = z.infer<typeof logisticRegressionConfigSchema>;

/** Everything that determines a training run: same config, same artifact, byte for byte. */
export const trainingConfigSchema = z.strictObject({
  dataset: datasetConfigSchema,
  boostedTrees: boostedTreesConfigSchema,
  logisticRegression: logisticRegressionConfigSchema,
});
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

/** Parameters of a gradient-boosted tree ensemble: log-odds = baseScore + Σ tree(x). */
export const boostedTreesParametersSchema = z.strictObject({
  baseScore: finite,
  trees: z.array(treeNodeSchema).min(1),
});
export type BoostedTreesParameters = z.infer<typeof boostedTreesParametersSchema>;

/** Parameters of a logistic regression on standardised features: log-odds = intercept + Σ wᵢ(xᵢ − meanᵢ)/scaleᵢ. */
export const logisticRegressionParametersSchema = z.strictObject({
  intercept: finite,
  weights: z.array(finite),
  means: z.array(finite),
  scales: z.array(finite.positive()),
});
export type LogisticRegressionParameters = z.infer<typeof logisticRegressionParametersSchema>;

const artifactHeader = {
  version: z.literal(CHURN_MODEL_ARTIFACT_VERSION),
  featureNames: z.array(z.string().min(1)).min(1),
  training: trainingConfigSchema,
};

function maxFeatureIndex(node: TreeNode): number {
  return 'value' in node ? -1 : Math.max(node.feature, maxFeatureIndex(node.left), maxFeatureIndex(node.right));
}

/**
 * The committed model file (`model/churn-model.json`): the model family, its parameters, the
 * feature order it was trained on and the config that reproduces it.
 */
export const churnModelArtifactSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('gradient-boosted-trees'), ...artifactHeader, parameters: boostedTreesParametersSchema }),
    z.strictObject({ kind: z.literal('logistic-regression'), ...artifactHeader, parameters: logisticRegressionParametersSchema }),
  ])
  .superRefine((artifact, context) => {
    const width = artifact.featureNames.length;
    if (artifact.kind === 'gradient-boosted-trees') {
      artifact.parameters.trees.forEach((tree, index) => {
        if (maxFeatureIndex(tree) >= width) {
          context.addIssue({ code: 'custom', path: ['parameters', 'trees', index], message: `splits on a feature index ≥ ${width}` });
        }
      });
    } else {
      for (const key of ['weights', 'means', 'scales'] as const) {
        if (artifact.parameters[key].length !== width) {
          context.addIssue({ code: 'custom', path: ['parameters', key], message: `must have ${width} entries, one per feature` });
        }
      }
    }
  });
export type ChurnModelArtifact = z.infer<typeof churnModelArtifactSchema>;
