import { EmfMetricsAggregator } from './emf-metrics';

/** An EMF document as Powertools Metrics prints it. */
function emf(metrics: readonly { Name: string; Unit: string }[], values: Record<string, unknown>, dimensions: readonly string[] = ['service']): string {
  return JSON.stringify({ _aws: { Timestamp: 0, CloudWatchMetrics: [{ Namespace: 'TenantAnalytics', Dimensions: [dimensions], Metrics: metrics }] }, service: 'processor', ...values });
}

describe('EmfMetricsAggregator', () => {
  it('sums counts (arrays too) and summarises milliseconds, with dimensioned keys beside the bare ones', () => {
    const aggregator = new EmfMetricsAggregator();

    const taken = [
      aggregator.ingestLine(emf([{ Name: 'RecordsIn', Unit: 'Count' }, { Name: 'BatchDurationMs', Unit: 'Milliseconds' }], { RecordsIn: [3, 4], BatchDurationMs: 120 })),
      aggregator.ingestLine(emf([{ Name: 'DeadLetters', Unit: 'Count' }], { DeadLetters: 1, reason: 'malformed-json' }, ['service', 'reason'])),
      aggregator.ingestLine(emf([{ Name: 'BatchDurationMs', Unit: 'Milliseconds' }], { BatchDurationMs: 80 })),
    ];

    expect(taken).toEqual([true, true, true]);
    expect(aggregator.snapshot()).toEqual({
      counters: { RecordsIn: 7, DeadLetters: 1, 'DeadLetters{reason=malformed-json}': 1 },
      observations: { BatchDurationMs: { count: 2, sum: 200, min: 80, max: 120 } },
    });
  });

  it('summarises the metrics it is told are observations whatever their unit', () => {
    const aggregator = new EmfMetricsAggregator(new Set(['ScoringBatchSize']));

    aggregator.ingestLine(emf([{ Name: 'ScoringBatchSize', Unit: 'Count' }], { ScoringBatchSize: [25, 5] }));

    expect(aggregator.snapshot()).toEqual({ counters: {}, observations: { ScoringBatchSize: { count: 2, sum: 30, min: 5, max: 25 } } });
  });

  it.each(['{"level":30,"msg":"batch processed"}', 'not json {"_aws"', '{"_aws":{"CloudWatchMetrics":"no"}}', ''])('leaves a line that is no EMF document alone: %s', (line) => {
    const aggregator = new EmfMetricsAggregator();

    expect(aggregator.ingestLine(line)).toBe(false);
    expect(aggregator.snapshot()).toEqual({ counters: {}, observations: {} });
  });
});
