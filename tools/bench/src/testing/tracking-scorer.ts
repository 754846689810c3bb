import type { ChurnScorer } from '@tenant-analytics/processor';

/**
 * A test scorer that waits on `wait()` inside every call and remembers the most calls it had in
 * flight at once; every company is scored "no churn".
 */
export function trackingScorer(wait: () => Promise<void>, maxBatchSize = 50): { scorer: ChurnScorer; maxInFlight: () => number } {
  let inFlight = 0;
  let maxInFlight = 0;
  const scorer: ChurnScorer = {
    maxBatchSize,
    async score(batch) {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await wait();
      inFlight -= 1;
      return batch.map(() => ({ churn: false, probability: 0.1 }));
    },
  };
  return { scorer, maxInFlight: () => maxInFlight };
}
