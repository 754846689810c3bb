import type { BoostedTreesConfig, BoostedTreesParameters, TreeNode } from './artifact';
import type { LabelledExample } from './dataset';
import { sigmoid } from './math';

/**
 * Candidate thresholds of one feature: midpoints between consecutive distinct values. When there
 * are more than `maxBins − 1`, they are thinned to sample quantiles, so dense ranges keep every
 * cut and sparse tails keep a few.
 */
export function candidateThresholds(values: readonly number[], maxBins: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const distinct: number[] = [];
  const cumulativeCounts: number[] = [];
  sorted.forEach((value, index) => {
    if (distinct[distinct.length - 1] !== value) {
      distinct.push(value);
      cumulativeCounts.push(0);
    }
    cumulativeCounts[cumulativeCounts.length - 1] = index + 1;
  });
  const thresholds: number[] = [];
  const step = sorted.length / maxBins;
  let nextCut = step;
  for (let i = 0; i + 1 < distinct.length; i += 1) {
    const below = cumulativeCounts[i] ?? 0;
    if (distinct.length <= maxBins || below >= nextCut) {
      thresholds.push(((distinct[i] ?? 0) + (distinct[i + 1] ?? 0)) / 2);
      while (nextCut <= below) nextCut += step;
    }
  }
  return thresholds;
}

/** The number of thresholds ≤ value: `x < thresholds[k]` ⇔ `bin(x) ≤ k`. */
function binOf(value: number, thresholds: readonly number[]): number {
  let low = 0;
  let high = thresholds.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((thresholds[middle] ?? Infinity) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

interface Split {
  readonly feature: number;
  readonly bin: number;
  readonly gain: number;
}

/** Training state shared by the trees of one ensemble (column-major binned features). */
interface BoostingState {
  readonly config: BoostedTreesConfig;
  readonly thresholds: readonly (readonly number[])[];
  readonly bins: readonly Uint16Array[];
  readonly gradients: Float64Array;
  readonly hessians: Float64Array;
  readonly scores: Float64Array;
}

function leafWeight(gradient: number, hessian: number, l2: number): number {
  return -gradient / (hessian + l2);
}

function splitScore(gradient: number, hessian: number, l2: number): number {
  return (gradient * gradient) / (hessian + l2);
}

/** The best split of `rows` by the XGBoost gain, or undefined when no split gains. Ties keep the first. */
function bestSplit(state: BoostingState, rows: Uint32Array): Split | undefined {
  const { l2, minSamplesLeaf } = state.config;
  let totalGradient = 0;
  let totalHessian = 0;
  for (const row of rows) {
    totalGradient += state.gradients[row] ?? 0;
    totalHessian += state.hessians[row] ?? 0;
  }
  const parentScore = splitScore(totalGradient, totalHessian, l2);
  let best: Split | undefined;
  state.bins.forEach((column, feature) => {
    const binCount = (state.thresholds[feature]?.length ?? 0) + 1;
    const gradientSums = new Float64Array(binCount);
    const hessianSums = new Float64Array(binCount);
    const counts = new Uint32Array(binCount);
    for (const row of rows) {
      const bin = column[row] ?? 0;
      gradientSums[bin] = (gradientSums[bin] ?? 0) + (state.gradients[row] ?? 0);
      hessianSums[bin] = (hessianSums[bin] ?? 0) + (state.hessians[row] ?? 0);
      counts[bin] = (counts[bin] ?? 0) + 1;
    }
    let leftGradient = 0;
    let leftHessian = 0;
    let leftCount = 0;
    for (let bin = 0; bin + 1 < binCount; bin += 1) {
      leftGradient += gradientSums[bin] ?? 0;
      leftHessian += hessianSums[bin] ?? 0;
      leftCount += counts[bin] ?? 0;
      if (leftCount < minSamplesLeaf || rows.length - leftCount < minSamplesLeaf) continue;
      const gain =
        splitScore(leftGradient, leftHessian, l2) + splitScore(totalGradient - leftGradient, totalHessian - leftHessian, l2) - parentScore;
      if (gain > (best?.gain ?? 1e-12)) best = { feature, bin, gain };
    }
  });
  return best;
}

/** Rounds leaf values so the artifact stays small; the model trains on the rounded values. */
function roundLeaf(value: number): number {
  return Number(value.toPrecision(8));
}

function growTree(state: BoostingState, rows: Uint32Array, depth: number): TreeNode {
  const split = depth < state.config.maxDepth ? bestSplit(state, rows) : undefined;
  if (split === undefined) {
    let gradient = 0;
    let hessian = 0;
    for (const row of rows) {
      gradient += state.gradients[row] ?? 0;
      hessian += state.hessians[row] ?? 0;
    }
    const value = roundLeaf(state.config.learningRate * leafWeight(gradient, hessian, state.config.l2));
    for (const row of rows) state.scores[row] = (state.scores[row] ?? 0) + value;
    return { value };
  }
  const column = state.bins[split.feature] ?? new Uint16Array(0);
  const left = rows.filter((row) => (column[row] ?? 0) <= split.bin);
  const right = rows.filter((row) => (column[row] ?? 0) > split.bin);
  return {
    feature: split.feature,
    threshold: state.thresholds[split.feature]?.[split.bin] ?? 0,
    left: growTree(state, left, depth + 1),
    right: growTree(state, right, depth + 1),
  };
}

/**
 * Gradient-boosted regression trees on the logistic loss (Newton steps, as in XGBoost): each tree
 * fits the loss's gradient and Hessian at the current scores, leaves take `−G / (H + l2)` scaled by
 * the learning rate, splits maximise the matching gain over histogram bins. Deterministic: no
 * sampling, and ties keep the first feature and the lowest threshold.
 */
export function trainBoostedTrees(examples: readonly LabelledExample[], config: BoostedTreesConfig): BoostedTreesParameters {
  const featureCount = examples[0]?.features.length ?? 0;
  const thresholds = Array.from({ length: featureCount }, (_, feature) =>
    candidateThresholds(
      examples.map((example) => example.features[feature] ?? 0),
      config.maxBins,
    ),
  );
  const bins = thresholds.map((featureThresholds, feature) =>
    Uint16Array.from(examples, (example) => binOf(example.features[feature] ?? 0, featureThresholds)),
  );
  const positives = examples.reduce((sum, example) => sum + example.label, 0);
  const baseScore = Math.log((positives + 1) / (examples.length - positives + 1));
  const state: BoostingState = {
    config,
    thresholds,
    bins,
    gradients: new Float64Array(examples.length),
    hessians: new Float64Array(examples.length),
    scores: new Float64Array(examples.length).fill(baseScore),
  };
  const allRows = Uint32Array.from(examples, (_, index) => index);
  const trees: TreeNode[] = [];
  for (let round = 0; round < config.trees; round += 1) {
    examples.forEach((example, index) => {
      const probability = sigmoid(state.scores[index] ?? 0);
      state.gradients[index] = probability - example.label;
      state.hessians[index] = probability * (1 - probability);
    });
    trees.push(growTree(state, allRows, 0));
  }
  return { baseScore, trees };
}
