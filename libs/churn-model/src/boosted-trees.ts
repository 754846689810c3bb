import type { BoostedTreesParameters, TreeNode } from './artifact';
import { assertFeatureVector, type ChurnModel } from './churn-model';
import { sigmoid } from './math';

/** The `kind` of a gradient-boosted tree ensemble in the artifact. */
export const BOOSTED_TREES_KIND = 'gradient-boosted-trees';

/** The value of the leaf that `features` reaches: left when `features[feature] < threshold`. */
export function treeValue(tree: TreeNode, features: readonly number[]): number {
  let node = tree;
  while (!('value' in node)) {
    node = (features[node.feature] ?? 0) < node.threshold ? node.left : node.right;
  }
  return node.value;
}

/** The ensemble's log-odds of churn: `baseScore + Σ tree(x)`. */
export function boostedTreesScore(parameters: BoostedTreesParameters, features: readonly number[]): number {
  let score = parameters.baseScore;
  for (const tree of parameters.trees) {
    score += treeValue(tree, features);
  }
  return score;
}

/** A {@link ChurnModel} over trained ensemble parameters. */
export function createBoostedTreesModel(parameters: BoostedTreesParameters, featureNames: readonly string[]): ChurnModel {
  return {
    kind: BOOSTED_TREES_KIND,
    featureNames,
    predictProbability(features) {
      assertFeatureVector(features, featureNames);
      return sigmoid(boostedTreesScore(parameters, features));
    },
  };
}
