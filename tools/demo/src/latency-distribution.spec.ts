import { latencyCdf } from './latency-distribution';
import { enrichedObservationFactory } from './testing/demo-result-factory';

describe('latencyCdf', () => {
  it('gives the share of events at or below each latency, rising to 1', () => {
    // Prepare: 100 events sent at T0 + i × 100 ms, output 1,000 + i ms after their send.
    const observations = Array.from({ length: 100 }, (_, index) => {
      const observation = enrichedObservationFactory(index);
      return { ...observation, outputAtMs: Date.parse(observation.record.sentAt ?? '') + 1_000 + index };
    });

    // Act
    const cdf = latencyCdf(observations);

    // Assess
    expect(cdf[0]).toEqual([1_000, expect.any(Number)]);
    expect(cdf.at(-1)).toEqual([1_099, 1]);
    for (let index = 1; index < cdf.length; index++) {
      expect((cdf[index] as [number, number])[0]).toBeGreaterThan((cdf[index - 1] as [number, number])[0]);
      expect((cdf[index] as [number, number])[1]).toBeGreaterThan((cdf[index - 1] as [number, number])[1]);
    }
  });

  it('is empty when no event carries sentAt', () => {
    expect(latencyCdf([enrichedObservationFactory(0, { sentAt: undefined })])).toEqual([]);
  });
});
