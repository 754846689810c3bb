import { z } from 'zod';

/** The series of the processor's `/metrics.json` (prom-client's `getMetricsAsJSON`) that this module reads. */
const metricsJsonSchema = z.array(
  z.object({
    name: z.string(),
    type: z.string(),
    // JSON has no Infinity or NaN: a gauge holding one (an event-loop minimum before any measurement) arrives as null.
    values: z.array(z.object({ value: z.number().nullable(), labels: z.record(z.string(), z.union([z.string(), z.number()])).default({}), metricName: z.string().optional() })),
  }),
);
type MetricsJson = z.infer<typeof metricsJsonSchema>;

/** Totals of a dependency's calls (cumulative since the processor started). */
export interface DependencyTotals {
  readonly calls: number;
  readonly errors: number;
  readonly throttled: number;
  readonly latencySumMs: number;
  /** Calls with a latency (every finished call). */
  readonly latencyCount: number;
  /** The core's retries of this dependency (the `Retries` counter). */
  readonly retries: number;
  /** 1 while its circuit breaker is open (only the churn API has one). */
  readonly breakerOpen?: number;
}

/** One reading of the processor's metrics; counters are cumulative, gauges current. */
export interface ProcessorSample {
  readonly atMs: number;
  /** `RecordsIn` by stream. */
  readonly recordsIn: Readonly<Record<string, number>>;
  /** Records read by shard, keyed `<stream>/<shardId>`. */
  readonly recordsRead: Readonly<Record<string, number>>;
  /** `Enriched` by stream. */
  readonly enriched: Readonly<Record<string, number>>;
  /** `DeadLetters` by reason. */
  readonly deadLetters: Readonly<Record<string, number>>;
  /** `MillisBehindLatest` by lane, at its last read. */
  readonly lagMs: Readonly<Record<string, number>>;
  /** Batch time by stage: total milliseconds and batches. */
  readonly stages: Readonly<Record<string, { readonly sumMs: number; readonly count: number }>>;
  readonly dependencies: Readonly<Record<string, DependencyTotals>>;
  /** Unix seconds of each lane's last checkpoint. */
  readonly lastCheckpointSeconds: Readonly<Record<string, number>>;
  readonly batchesCompleted: number;
  /** Batches completed (checkpoint advanced) by lane. */
  readonly batchesCompletedByLane: Readonly<Record<string, number>>;
  readonly duplicatesSkipped: number;
  readonly commitConflicts: number;
  readonly pendingRecovered: number;
  readonly scoringCalls: number;
  readonly tenantLookups: number;
  readonly tenantCacheHits: number;
  /** CPU seconds used by the processor (user + system). */
  readonly cpuSeconds: number;
  readonly residentBytes: number;
  readonly heapUsedBytes: number;
}

const P = 'tenant_analytics_';

type SeriesValue = Omit<MetricsJson[number]['values'][number], 'value'> & { readonly value: number };

/** The values of series `name`, leaving out those that were not finite numbers. */
function series(json: MetricsJson, name: string): SeriesValue[] {
  return (json.find((metric) => metric.name === name)?.values ?? []).filter((value): value is SeriesValue => value.value !== null);
}

function total(json: MetricsJson, name: string): number {
  return series(json, name).reduce((sum, { value }) => sum + value, 0);
}

function byLabel(json: MetricsJson, name: string, label: string, metricName?: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const value of series(json, name)) {
    if (metricName !== undefined && value.metricName !== metricName) continue;
    const key = String(value.labels[label] ?? '');
    result[key] = (result[key] ?? 0) + value.value;
  }
  return result;
}

/**
 * Decodes the processor's `/metrics.json` into a {@link ProcessorSample}; a body that is not that
 * shape is an error naming what is wrong (never a half-read sample).
 */
export function parseProcessorMetrics(body: unknown, atMs: number): ProcessorSample {
  const parsed = metricsJsonSchema.safeParse(body);
  if (!parsed.success) throw new Error(`the processor's /metrics.json is not a prom-client metrics array: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const json = parsed.data;
  const recordsRead: Record<string, number> = {};
  for (const { labels, value } of series(json, `${P}records_read_total`)) {
    const key = `${String(labels['stream'])}/${String(labels['shard_id'])}`;
    recordsRead[key] = (recordsRead[key] ?? 0) + value;
  }
  const stageSums = byLabel(json, `${P}batch_stage_ms`, 'stage', `${P}batch_stage_ms_sum`);
  const stageCounts = byLabel(json, `${P}batch_stage_ms`, 'stage', `${P}batch_stage_ms_count`);
  const stages = Object.fromEntries(Object.keys(stageSums).map((stage) => [stage, { sumMs: stageSums[stage] ?? 0, count: stageCounts[stage] ?? 0 }]));

  const dependencies: Record<string, { calls: number; errors: number; throttled: number; latencySumMs: number; latencyCount: number; retries: number; breakerOpen?: number }> = {};
  const dependency = (name: string) => (dependencies[name] ??= { calls: 0, errors: 0, throttled: 0, latencySumMs: 0, latencyCount: 0, retries: 0 });
  for (const { labels, value } of series(json, `${P}dependency_calls_total`)) {
    const totals = dependency(String(labels['dependency']));
    totals.calls += value;
    if (labels['outcome'] === 'error') totals.errors += value;
    if (labels['outcome'] === 'throttled') totals.throttled += value;
  }
  for (const { labels, value, metricName } of series(json, `${P}dependency_latency_ms`)) {
    if (metricName === `${P}dependency_latency_ms_sum`) dependency(String(labels['dependency'])).latencySumMs += value;
    if (metricName === `${P}dependency_latency_ms_count`) dependency(String(labels['dependency'])).latencyCount += value;
  }
  for (const [name, value] of Object.entries(byLabel(json, `${P}retries_total`, 'dependency'))) dependency(name).retries += value;
  for (const [name, value] of Object.entries(byLabel(json, `${P}breaker_open`, 'dependency'))) dependency(name).breakerOpen = value;

  return {
    atMs,
    recordsIn: byLabel(json, `${P}records_in_total`, 'stream'),
    recordsRead,
    enriched: byLabel(json, `${P}enriched_total`, 'stream'),
    deadLetters: byLabel(json, `${P}dead_letters_total`, 'reason'),
    lagMs: byLabel(json, `${P}millis_behind_latest`, 'lane_id'),
    stages,
    dependencies,
    lastCheckpointSeconds: byLabel(json, `${P}last_checkpoint_timestamp_seconds`, 'lane_id'),
    batchesCompleted: total(json, `${P}batches_completed_total`),
    batchesCompletedByLane: byLabel(json, `${P}batches_completed_total`, 'lane_id'),
    duplicatesSkipped: total(json, `${P}duplicates_skipped_total`),
    commitConflicts: total(json, `${P}state_commit_conflicts_total`),
    pendingRecovered: total(json, `${P}pending_batches_recovered_total`),
    scoringCalls: total(json, `${P}scoring_calls_total`),
    tenantLookups: total(json, `${P}tenant_lookups_total`),
    tenantCacheHits: total(json, `${P}tenant_lookup_cache_hits_total`),
    cpuSeconds: total(json, 'process_cpu_seconds_total'),
    residentBytes: total(json, 'process_resident_memory_bytes'),
    heapUsedBytes: total(json, 'nodejs_heap_size_used_bytes'),
  };
}
