import type { LogisticRegressionConfig, LogisticRegressionParameters } from './artifact';
import type { LabelledExample } from './dataset';
import { sigmoid } from './math';

/** Solves `matrix · x = vector` by Gaussian elimination with partial pivoting (small, dense systems). */
export function solveLinearSystem(matrix: readonly (readonly number[])[], vector: readonly number[]): number[] {
  const size = vector.length;
  const rows = matrix.map((row, index) => [...row, vector[index] ?? 0]);
  for (let column = 0; column < size; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < size; row += 1) {
      if (Math.abs(rows[row]?.[column] ?? 0) > Math.abs(rows[pivot]?.[column] ?? 0)) pivot = row;
    }
    [rows[column], rows[pivot]] = [rows[pivot] ?? [], rows[column] ?? []];
    const pivotRow = rows[column] ?? [];
    const pivotValue = pivotRow[column] ?? 0;
    if (pivotValue === 0) throw new RangeError(`singular system at column ${column}`);
    for (let row = column + 1; row < size; row += 1) {
      const target = rows[row] ?? [];
      const factor = (target[column] ?? 0) / pivotValue;
      for (let k = column; k <= size; k += 1) target[k] = (target[k] ?? 0) - factor * (pivotRow[k] ?? 0);
    }
  }
  const solution = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row -= 1) {
    const current = rows[row] ?? [];
    let sum = current[size] ?? 0;
    for (let k = row + 1; k < size; k += 1) sum -= (current[k] ?? 0) * (solution[k] ?? 0);
    solution[row] = sum / (current[row] ?? 1);
  }
  return solution;
}

/**
 * L2-regularised logistic regression on standardised features, fitted by Newton's method (a fixed
 * number of iterations, so it is deterministic). The intercept is not penalised; a constant feature
 * gets scale 1.
 */
export function trainLogisticRegression(examples: readonly LabelledExample[], config: LogisticRegressionConfig): LogisticRegressionParameters {
  const width = examples[0]?.features.length ?? 0;
  const count = examples.length;
  const means = Array.from({ length: width }, (_, j) => examples.reduce((sum, example) => sum + (example.features[j] ?? 0), 0) / count);
  const scales = means.map((mean, j) => {
    const variance = examples.reduce((sum, example) => sum + ((example.features[j] ?? 0) - mean) ** 2, 0) / count;
    return variance > 0 ? Math.sqrt(variance) : 1;
  });
  // Column 0 is the intercept; columns 1..width the standardised features.
  const design = examples.map((example) => [1, ...example.features.map((value, j) => (value - (means[j] ?? 0)) / (scales[j] ?? 1))]);
  let coefficients = new Array<number>(width + 1).fill(0);
  for (let iteration = 0; iteration < config.iterations; iteration += 1) {
    const gradient = coefficients.map((value, j) => (j === 0 ? 0 : config.l2 * value));
    const hessian = coefficients.map((_, j) => coefficients.map((__, k) => (j === k && j > 0 ? config.l2 : 0)));
    design.forEach((row, index) => {
      const probability = sigmoid(row.reduce((sum, value, j) => sum + value * (coefficients[j] ?? 0), 0));
      const residual = probability - (examples[index]?.label ?? 0);
      const weight = probability * (1 - probability);
      row.forEach((value, j) => {
        gradient[j] = (gradient[j] ?? 0) + residual * value;
        const hessianRow = hessian[j] ?? [];
        row.forEach((other, k) => {
          hessianRow[k] = (hessianRow[k] ?? 0) + weight * value * other;
        });
      });
    });
    const step = solveLinearSystem(hessian, gradient);
    coefficients = coefficients.map((value, j) => value - (step[j] ?? 0));
  }
  return { intercept: coefficients[0] ?? 0, weights: coefficients.slice(1), means, scales };
}
