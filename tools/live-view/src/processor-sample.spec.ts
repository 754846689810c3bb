import { METRIC, PrometheusMetrics } from '@tenant-analytics/processor';
import { parseProcessorMetrics } from './processor-sample';

describe('parseProcessorMetrics', () => {
  it('reads the processor\'s /metrics.json into totals by stream, shard, reason, lane, stage and dependency', async () => {
    // Prepare: the registry the local runner serves.
    const metrics = new PrometheusMetrics();
    metrics.count(METRIC.recordsIn, 30, { stream: 'bigdatajobs' });
    metrics.count(METRIC.recordsIn, 5, { stream: 'companies' });
    metrics.count(METRIC.enriched, 28, { stream: 'bigdatajobs' });
    metrics.count(METRIC.deadLetters, 2, { reason: 'bad-format' });
    metrics.count(METRIC.duplicatesSkipped, 1);
    metrics.count(METRIC.stateCommitConflicts, 3);
    metrics.count(METRIC.pendingRecovered, 1);
    metrics.count(METRIC.retries, 4, { dependency: 'churn' });
    metrics.count(METRIC.breakerOpen, 1, { dependency: 'churn' });
    metrics.observe(METRIC.millisBehindLatest, 1_500, { laneId: 'bigdatajobs/shardId-0' });
    metrics.recordsRead('bigdatajobs', 'shardId-0', 30);
    metrics.stageTime('commit', 'bigdatajobs', 40);
    metrics.stageTime('commit', 'bigdatajobs', 20);
    metrics.dependencyCall('churn', 'POST', 'ok', 10);
    metrics.dependencyCall('churn', 'POST', 'error', 30);
    metrics.dependencyCall('churn', 'POST', 'throttled', 20);
    metrics.checkpointed('bigdatajobs/shardId-0', 5_000);

    // Act
    const sample = parseProcessorMetrics(JSON.parse(JSON.stringify(await metrics.json())), 1_000);

    // Assess
    expect(sample).toMatchObject({
      atMs: 1_000,
      recordsIn: { bigdatajobs: 30, companies: 5 },
      recordsRead: { 'bigdatajobs/shardId-0': 30 },
      enriched: { bigdatajobs: 28 },
      deadLetters: { 'bad-format': 2 },
      lagMs: { 'bigdatajobs/shardId-0': 1_500 },
      stages: { commit: { sumMs: 60, count: 2 } },
      dependencies: { churn: { calls: 3, errors: 1, throttled: 1, latencySumMs: 60, latencyCount: 3, retries: 4, breakerOpen: 1 } },
      lastCheckpointSeconds: { 'bigdatajobs/shardId-0': 5 },
      batchesCompleted: 1,
      batchesCompletedByLane: { 'bigdatajobs/shardId-0': 1 },
      duplicatesSkipped: 1,
      commitConflicts: 3,
      pendingRecovered: 1,
    });
    expect(sample.residentBytes).toBeGreaterThan(0);
    expect(sample.cpuSeconds).toBeGreaterThan(0);
  });

  it('rejects a body that is not a prom-client metrics array, saying so', () => {
    expect(() => parseProcessorMetrics({ metrics: [] }, 0)).toThrow(/not a prom-client metrics array/);
    expect(() => parseProcessorMetrics([{ name: 'x' }], 0)).toThrow(/not a prom-client metrics array/);
  });

  it('leaves out values JSON could not carry (Infinity and NaN arrive as null)', () => {
    // Act
    const sample = parseProcessorMetrics([{ name: 'tenant_analytics_duplicates_skipped_total', type: 'counter', help: '', values: [{ value: null, labels: {} }, { value: 2, labels: {} }] }], 0);

    // Assess
    expect(sample.duplicatesSkipped).toBe(2);
  });
});
