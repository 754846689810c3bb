/** A summary of repeated measurements of one quantity. */
export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly median: number;
  readonly mean: number;
  readonly max: number;
}

/**
 * The value at percentile `p` (0–100) of `values`, by linear interpolation between the closest
 * ranks (the "R-7" rule spreadsheets use).
 *
 * @throws RangeError when `values` is empty or `p` is outside 0–100
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0-100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (rank - low);
}

/**
 * Min, median, mean and max of repeated measurements. Benchmarks report the median of rounds: one
 * round disturbed by another process moves it less than it moves the mean.
 *
 * @throws RangeError when `values` is empty
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('summary of no values');
  return {
    count: values.length,
    min: Math.min(...values),
    median: percentile(values, 50),
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
    max: Math.max(...values),
  };
}

/** Events per second for `events` handled in `elapsedMs`; 0 when no time passed. */
export function ratePerSecond(events: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (events * 1_000) / elapsedMs : 0;
}

/** Microseconds spent per event; 0 when there were no events. */
export function microsPerEvent(elapsedMs: number, events: number): number {
  return events > 0 ? (elapsedMs * 1_000) / events : 0;
}

/** `ours / theirs`, or undefined when `theirs` is not positive (a ratio would be meaningless). */
export function ratio(ours: number, theirs: number): number | undefined {
  return theirs > 0 ? ours / theirs : undefined;
}

/**
 * The least-squares slope of `y` over `x` (units of y per unit of x); 0 for fewer than two points
 * or when every x is the same. Used to tell a latency that grows over a run (a backlog) from one
 * that is merely high.
 */
export function linearSlope(points: readonly { readonly x: number; readonly y: number }[]): number {
  if (points.length < 2) return 0;
  const meanX = points.reduce((sum, point) => sum + point.x, 0) / points.length;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / points.length;
  let covariance = 0;
  let varianceX = 0;
  for (const { x, y } of points) {
    covariance += (x - meanX) * (y - meanY);
    varianceX += (x - meanX) ** 2;
  }
  return varianceX === 0 ? 0 : covariance / varianceX;
}
