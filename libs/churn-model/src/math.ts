/** The logistic function, written so that large |score| neither overflows nor loses precision. */
export function sigmoid(score: number): number {
  if (score >= 0) {
    return 1 / (1 + Math.exp(-score));
  }
  const exp = Math.exp(score);
  return exp / (1 + exp);
}
