import type { MetricName, Metrics } from '../core/ports';

/** A summary of one observed metric. */
export interface ObservationSummary {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Metrics kept in process: counters and observation summaries keyed by name and dimensions
 * (`Name{k=v}`; every metric is also counted under its bare name). The local runner logs a snapshot
 * periodically and at shutdown; tests and the demo read it.
 */
export class InMemoryMetrics implements Metrics {
  private readonly counters = new Map<string, number>();
  private readonly observations = new Map<string, ObservationSummary>();

  count(name: MetricName, value = 1, dimensions: Record<string, string> = {}): void {
    for (const key of metricKeys(name, dimensions)) this.counters.set(key, (this.counters.get(key) ?? 0) + value);
  }

  observe(name: MetricName, value: number, dimensions: Record<string, string> = {}): void {
    for (const key of metricKeys(name, dimensions)) {
      const current = this.observations.get(key);
      this.observations.set(
        key,
        current === undefined
          ? { count: 1, sum: value, min: value, max: value }
          : { count: current.count + 1, sum: current.sum + value, min: Math.min(current.min, value), max: Math.max(current.max, value) },
      );
    }
  }

  /** A counter's value (0 when never counted); `key` is `Name` or `Name{k=v}`. */
  counter(key: string): number {
    return this.counters.get(key) ?? 0;
  }

  snapshot(): { counters: Record<string, number>; observations: Record<string, ObservationSummary> } {
    return { counters: Object.fromEntries(this.counters), observations: Object.fromEntries(this.observations) };
  }
}

function metricKeys(name: string, dimensions: Record<string, string>): string[] {
  const entries = Object.entries(dimensions);
  return entries.length === 0 ? [name] : [name, `${name}{${entries.map(([k, v]) => `${k}=${v}`).join(',')}}`];
}
