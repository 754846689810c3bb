import { describeScoring, endToEndRate, formatCount, formatMs, formatRatio, unlessExpected } from './format';
import { demoResultFactory } from './testing/demo-result-factory';

describe('format', () => {
  it('formats counts, durations and ratios for people', () => {
    expect(formatCount(20_000)).toBe('20,000');
    expect(formatCount(999.66)).toBe('999.7');
    expect(formatMs(950.4)).toBe('950 ms');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatRatio(0.01)).toBe('1%');
    expect(formatRatio(0.125)).toBe('12.5%');
    expect(unlessExpected(3, 3)).toBe('');
    expect(unlessExpected(2, 3)).toBe(' (expected 3)');
  });

  it('computes the end-to-end rate from the accepted events and the span', () => {
    // Prepare
    const result = demoResultFactory();
    const { spanMs } = result.stats.throughput;

    // Act
    const rate = endToEndRate(result);

    // Assess
    expect(rate).toBeCloseTo((40 * 1000) / spanMs, 1);
  });

  it('describes the scoring figures, or nothing without metrics', () => {
    expect(describeScoring(undefined)).toBeUndefined();
    expect(describeScoring({ counters: { ScoringCalls: 3 }, observations: {} })).toBe('3 churn API calls, 0 tenant lookups');
  });
});
