import { build as buildHistogram } from 'hdr-histogram-js';
import type { EnrichedObservation } from '@tenant-analytics/pipeline-harness';

/** Percentiles the CDF is drawn through: every whole percent, then the tail in finer steps. */
const PERCENTILES = [...Array.from({ length: 100 }, (_, index) => index), 99.5, 99.9, 100] as const;

/**
 * The end-to-end latency distribution of a run as `[latency ms, share of events at or below]`
 * points, from an HDR histogram (3 significant digits) of each event's `sentAt` to its first read
 * on the output stream; events without `sentAt` are left out. Empty when no event has one.
 */
export function latencyCdf(observations: readonly EnrichedObservation[]): (readonly [number, number])[] {
  const histogram = buildHistogram({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3, autoResize: true });
  for (const { record, outputAtMs } of observations) {
    if (record.sentAt !== undefined) histogram.recordValue(Math.max(0, Math.round(outputAtMs - Date.parse(record.sentAt))));
  }
  if (histogram.totalCount === 0) return [];
  const points = PERCENTILES.map((percentile) => [histogram.getValueAtPercentile(percentile), percentile / 100] as const);
  // One point per latency: the highest share reached at it.
  return points.filter(([ms], index) => (points[index + 1]?.[0] ?? Number.POSITIVE_INFINITY) !== ms).map(([ms, share]) => [ms, share]);
}
