import { MetricUnit, type Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { MetricName, Metrics } from '../core/ports';

/** Metrics that carry a unit other than a count. */
const UNITS: Partial<Record<MetricName, (typeof MetricUnit)[keyof typeof MetricUnit]>> = {
  ScoringLatencyMs: MetricUnit.Milliseconds,
  MillisBehindLatest: MetricUnit.Milliseconds,
  BatchDurationMs: MetricUnit.Milliseconds,
};

/**
 * CloudWatch metrics in Embedded Metric Format through Powertools: undimensioned values are
 * buffered and flushed once per invocation (`publishStoredMetrics`), dimensioned ones are emitted
 * as single metrics. Namespace `TenantAnalytics`, service dimension `processor` (set on the
 * Powertools instance by the handler).
 */
export class PowertoolsMetricsAdapter implements Metrics {
  constructor(private readonly metrics: PowertoolsMetrics) {}

  count(name: MetricName, value = 1, dimensions: Record<string, string> = {}): void {
    this.emit(name, UNITS[name] ?? MetricUnit.Count, value, dimensions);
  }

  observe(name: MetricName, value: number, dimensions: Record<string, string> = {}): void {
    this.emit(name, UNITS[name] ?? MetricUnit.Count, value, dimensions);
  }

  private emit(name: MetricName, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number, dimensions: Record<string, string>): void {
    const entries = Object.entries(dimensions);
    if (entries.length === 0) {
      this.metrics.addMetric(name, unit, value);
      return;
    }
    const single = this.metrics.singleMetric();
    for (const [key, dimension] of entries) single.addDimension(key, dimension);
    single.addMetric(name, unit, value);
  }
}
