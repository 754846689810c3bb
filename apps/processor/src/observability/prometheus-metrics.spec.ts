import { METRIC } from '../core/ports';
import { InMemoryMetrics } from '../adapters/in-memory-metrics';
import { PrometheusMetrics, prometheusName, snakeCase, teeMetrics } from './prometheus-metrics';

/** The sample lines of the text exposition (no comments). */
async function samples(metrics: PrometheusMetrics): Promise<string[]> {
  return (await metrics.text()).split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

describe('PrometheusMetrics', () => {
  it('names the README metrics in snake case with the prefix, counters ending in _total', () => {
    expect(snakeCase('RecordsIn')).toBe('records_in');
    expect(snakeCase('laneId')).toBe('lane_id');
    expect(prometheusName(METRIC.recordsIn)).toBe('tenant_analytics_records_in_total');
    expect(prometheusName(METRIC.scoringLatencyMs)).toBe('tenant_analytics_scoring_latency_ms');
    expect(prometheusName(METRIC.millisBehindLatest)).toBe('tenant_analytics_millis_behind_latest');
  });

  it('counts with labels from the dimensions', async () => {
    // Prepare
    const metrics = new PrometheusMetrics({ defaultMetrics: false });

    // Act
    metrics.count(METRIC.recordsIn, 3, { stream: 'bigdatajobs' });
    metrics.count(METRIC.recordsIn, 2, { stream: 'bigdatajobs' });
    metrics.count(METRIC.deadLetters, 1, { reason: 'bad-format' });

    // Assess
    expect(await samples(metrics)).toEqual(expect.arrayContaining(['tenant_analytics_records_in_total{stream="bigdatajobs"} 5', 'tenant_analytics_dead_letters_total{reason="bad-format"} 1']));
  });

  it('keeps MillisBehindLatest as a gauge of the last value per lane and latencies as histograms', async () => {
    // Prepare
    const metrics = new PrometheusMetrics({ defaultMetrics: false });

    // Act
    metrics.observe(METRIC.millisBehindLatest, 900, { laneId: 'bigdatajobs/shardId-0' });
    metrics.observe(METRIC.millisBehindLatest, 0, { laneId: 'bigdatajobs/shardId-0' });
    metrics.observe(METRIC.scoringLatencyMs, 30);
    metrics.observe(METRIC.scoringLatencyMs, 70);

    // Assess
    const lines = await samples(metrics);
    expect(lines).toContain('tenant_analytics_millis_behind_latest{lane_id="bigdatajobs/shardId-0"} 0');
    expect(lines).toEqual(expect.arrayContaining(['tenant_analytics_scoring_latency_ms_bucket{le="50"} 1', 'tenant_analytics_scoring_latency_ms_sum 100', 'tenant_analytics_scoring_latency_ms_count 2']));
  });

  it('keeps the breaker state as a gauge: 1 when it opened, 0 after any other change', async () => {
    // Prepare
    const metrics = new PrometheusMetrics({ defaultMetrics: false });

    // Act
    metrics.count(METRIC.breakerOpen, 1, { dependency: 'churn' });
    const open = await samples(metrics);
    metrics.count(METRIC.breakerOpen, 0, { dependency: 'churn' });

    // Assess
    expect(open).toContain('tenant_analytics_breaker_open{dependency="churn"} 1');
    expect(await samples(metrics)).toEqual(expect.arrayContaining(['tenant_analytics_breaker_open{dependency="churn"} 0', 'tenant_analytics_breaker_open_total{dependency="churn"} 1']));
  });

  it('does not throw when a caller varies the dimensions of one metric', async () => {
    // Prepare
    const metrics = new PrometheusMetrics({ defaultMetrics: false });

    // Act
    metrics.count(METRIC.enriched, 1, { stream: 'bigdatajobs' });
    metrics.count(METRIC.enriched, 1);
    metrics.count(METRIC.enriched, 1, { stream: 'bigdatajobs', extra: 'x' });

    // Assess
    expect(await samples(metrics)).toEqual(expect.arrayContaining(['tenant_analytics_enriched_total{stream="bigdatajobs"} 2', 'tenant_analytics_enriched_total{stream=""} 1']));
  });

  it('records reads per shard, stage times, dependency calls and checkpoints', async () => {
    // Prepare
    const metrics = new PrometheusMetrics({ defaultMetrics: false });

    // Act
    metrics.recordsRead('bigdatajobs', 'shardId-1', 7);
    metrics.stageTime('commit', 'bigdatajobs', 12);
    metrics.dependencyCall('churn', 'POST', 'throttled', 40);
    metrics.checkpointed('bigdatajobs/shardId-1', 1_700_000_000_000);

    // Assess
    expect(await samples(metrics)).toEqual(
      expect.arrayContaining([
        'tenant_analytics_records_read_total{stream="bigdatajobs",shard_id="shardId-1"} 7',
        'tenant_analytics_batch_stage_ms_sum{stage="commit",stream="bigdatajobs"} 12',
        'tenant_analytics_dependency_calls_total{dependency="churn",operation="POST",outcome="throttled"} 1',
        'tenant_analytics_dependency_latency_ms_count{dependency="churn"} 1',
        'tenant_analytics_batches_completed_total{lane_id="bigdatajobs/shardId-1"} 1',
        'tenant_analytics_last_checkpoint_timestamp_seconds{lane_id="bigdatajobs/shardId-1"} 1700000000',
      ]),
    );
  });

  it('gives the same snapshot as JSON, and the process metrics by default', async () => {
    // Prepare
    const metrics = new PrometheusMetrics();
    metrics.count(METRIC.recordsIn, 4, { stream: 'companies' });

    // Act
    const json = await metrics.json();

    // Assess
    expect(json.find(({ name }) => name === 'tenant_analytics_records_in_total')?.values).toEqual([{ value: 4, labels: { stream: 'companies' } }]);
    expect(json.map(({ name }) => name)).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'process_resident_memory_bytes']));
  });
});

describe('teeMetrics', () => {
  it('forwards every count and observation to each target', async () => {
    // Prepare
    const memory = new InMemoryMetrics();
    const prometheus = new PrometheusMetrics({ defaultMetrics: false });
    const metrics = teeMetrics(memory, prometheus);

    // Act
    metrics.count(METRIC.duplicatesSkipped, 2);
    metrics.observe(METRIC.scoringBatchSize, 25);

    // Assess
    expect(memory.counter('DuplicatesSkipped')).toBe(2);
    expect(memory.snapshot().observations['ScoringBatchSize']).toEqual({ count: 1, sum: 25, min: 25, max: 25 });
    expect(await samples(prometheus)).toEqual(expect.arrayContaining(['tenant_analytics_duplicates_skipped_total 2', 'tenant_analytics_scoring_batch_size_count 1']));
  });
});
