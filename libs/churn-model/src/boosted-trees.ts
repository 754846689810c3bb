import type { BoostedTreesParameters, TreeNode } from './artifact';
import { createChurnModel, type ChurnModel } from './churn-model';

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
  return createChurnModel(BOOSTED_TREES_KIND, featureNames, (features) => boostedTreesScore(parameters, features));
}
