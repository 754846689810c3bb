import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { METRIC, type MetricName, type Metrics } from '../core/ports';

/** Every exported series starts with this (Prometheus naming: snake_case, counters end in `_total`). */
export const METRIC_PREFIX = 'tenant_analytics_';

/** Buckets of the millisecond histograms (batch stages, dependency calls, churn calls). */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000] as const;
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000] as const;

/** The port's observations that are histograms; any other observation is a gauge of its last value (MillisBehindLatest). */
const HISTOGRAM_BUCKETS: Partial<Record<MetricName, readonly number[]>> = {
  [METRIC.scoringLatencyMs]: LATENCY_BUCKETS_MS,
  [METRIC.batchDurationMs]: LATENCY_BUCKETS_MS,
  [METRIC.scoringBatchSize]: BATCH_SIZE_BUCKETS,
};

/** `RecordsIn` → `records_in`, `laneId` → `lane_id`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase();
}

/** The Prometheus name of a metric of the README's list: `RecordsIn` → `tenant_analytics_records_in_total`. */
export function prometheusName(name: MetricName): string {
  const base = `${METRIC_PREFIX}${snakeCase(name)}`;
  if (name === METRIC.millisBehindLatest) return base;
  return HISTOGRAM_BUCKETS[name] === undefined ? `${base}_total` : base;
}

type Labels = Record<string, string>;

/** How a dependency call ended. */
export type DependencyOutcome = 'ok' | 'throttled' | 'error';

/** One sample of a series in the JSON snapshot. */
export interface MetricsJsonValue {
  readonly value: number;
  readonly labels: Readonly<Record<string, string | number>>;
  /** For histograms: `<name>_bucket`, `<name>_sum` or `<name>_count`. */
  readonly metricName?: string;
}

/** The JSON snapshot: one entry per series, as prom-client's `getMetricsAsJSON` returns it. */
export type MetricsJson = readonly { readonly name: string; readonly help: string; readonly type: string; readonly values: readonly MetricsJsonValue[] }[];

/**
 * The processor's metrics in a prom-client registry, for the local runner's `/metrics` endpoint.
 * It implements the core's {@link Metrics} port (counters, histograms, and a gauge of the last
 * `MillisBehindLatest` per lane) and adds what the core does not count: per-shard records read,
 * per-stage batch time, dependency calls, the breaker state, checkpoint progress, and the Node
 * process's CPU and memory (prom-client's default collectors).
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, Gauge>();
  private readonly histograms = new Map<string, Histogram>();
  /** Label names of each series, fixed by its first use (prom-client rejects any other set). */
  private readonly declared = new Map<string, readonly string[]>();

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  count(name: MetricName, value = 1, dimensions: Labels = {}): void {
    const labels = snakeLabels(dimensions);
    if (name === METRIC.breakerOpen) {
      // The core counts 1 when its breaker opens and 0 on any other state change: a gauge of the state.
      this.set(`${METRIC_PREFIX}breaker_open`, 'Whether the circuit breaker of a dependency is open (1) or not (0).', labels, value > 0 ? 1 : 0);
    }
    this.inc(prometheusName(name), `${name} (README metric list).`, labels, value);
  }

  observe(name: MetricName, value: number, dimensions: Labels = {}): void {
    const buckets = HISTOGRAM_BUCKETS[name];
    const labels = snakeLabels(dimensions);
    if (buckets === undefined) this.set(prometheusName(name), `${name} (README metric list): the last observed value.`, labels, value);
    else this.histogram(prometheusName(name), `${name} (README metric list).`, buckets, labels, value);
  }

  /** Records a local runner's GetRecords result for one shard. */
  recordsRead(stream: string, shardId: string, records: number): void {
    this.inc(`${METRIC_PREFIX}records_read_total`, 'Records read from each input shard (GetRecords); a batch retried after a failure is read again.', { stream, shard_id: shardId }, records);
  }

  /** Time a batch spent in one stage (read, compute, commit, publish, complete). */
  stageTime(stage: string, stream: string, milliseconds: number): void {
    this.histogram(`${METRIC_PREFIX}batch_stage_ms`, 'Time batches spent in each stage, in milliseconds.', LATENCY_BUCKETS_MS, { stage, stream }, milliseconds);
  }

  /** One finished call to a dependency, with its outcome (`ok`, `throttled`, `error`). */
  dependencyCall(dependency: string, operation: string, outcome: DependencyOutcome, milliseconds: number): void {
    this.inc(`${METRIC_PREFIX}dependency_calls_total`, 'Calls to each dependency by operation and outcome (throttled: HTTP 429 or a throttling error).', { dependency, operation, outcome }, 1);
    this.histogram(`${METRIC_PREFIX}dependency_latency_ms`, 'Latency of dependency calls, in milliseconds.', LATENCY_BUCKETS_MS, { dependency }, milliseconds);
  }

  /** A lane completed a batch (its checkpoint moved). */
  checkpointed(laneId: string, atMs: number): void {
    this.inc(`${METRIC_PREFIX}batches_completed_total`, 'Batches completed (checkpoint advanced) per lane.', { lane_id: laneId }, 1);
    this.set(`${METRIC_PREFIX}last_checkpoint_timestamp_seconds`, 'When each lane last advanced its checkpoint (Unix seconds).', { lane_id: laneId }, atMs / 1000);
  }

  /** Prometheus text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The same snapshot as JSON (prom-client's `getMetricsAsJSON`). */
  async json(): Promise<MetricsJson> {
    return (await this.registry.getMetricsAsJSON()) as unknown as MetricsJson;
  }

  private inc(name: string, help: string, labels: Labels, value: number): void {
    let metric = this.counters.get(name);
    if (metric === undefined) {
      metric = new Counter({ name, help, labelNames: this.declare(name, labels), registers: [this.registry] });
      this.counters.set(name, metric);
    }
    metric.inc(this.fit(name, labels), value);
  }

  private set(name: string, help: string, labels: Labels, value: number): void {
    let metric = this.gauges.get(name);
    if (metric === undefined) {
      metric = new Gauge({ name, help, labelNames: this.declare(name, labels), registers: [this.registry] });
      this.gauges.set(name, metric);
    }
    metric.set(this.fit(name, labels), value);
  }

  private histogram(name: string, help: string, buckets: readonly number[], labels: Labels, value: number): void {
    let metric = this.histograms.get(name);
    if (metric === undefined) {
      metric = new Histogram({ name, help, buckets: [...buckets], labelNames: this.declare(name, labels), registers: [this.registry] });
      this.histograms.set(name, metric);
    }
    metric.observe(this.fit(name, labels), value);
  }

  private declare(name: string, labels: Labels): string[] {
    const names = Object.keys(labels);
    this.declared.set(name, names);
    return names;
  }

  /** `labels` reduced to the series' declared names, a missing one as '': a caller that varies its dimensions does not throw. */
  private fit(name: string, labels: Labels): Labels {
    return Object.fromEntries((this.declared.get(name) ?? []).map((label) => [label, labels[label] ?? '']));
  }
}

function snakeLabels(dimensions: Labels): Labels {
  return Object.fromEntries(Object.entries(dimensions).map(([key, value]) => [snakeCase(key), value]));
}

/** One {@link Metrics} that forwards every call to each of `targets`. */
export function teeMetrics(...targets: readonly Metrics[]): Metrics {
  return {
    count: (name, value, dimensions) => targets.forEach((target) => target.count(name, value, dimensions)),
    observe: (name, value, dimensions) => targets.forEach((target) => target.observe(name, value, dimensions)),
  };
}
