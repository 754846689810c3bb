import { counterOf, type RunnerMetrics } from '@tenant-analytics/pipeline-harness';
import type { DemoResult } from './demo-result';

/** 20000 → "20,000". */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** 950 → "950 ms", 12_345 → "12.3 s". */
export function formatMs(ms: number): string {
  return ms < 10_000 ? `${formatCount(Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** 0.01 → "1%". */
export function formatRatio(ratio: number): string {
  return `${Number((ratio * 100).toFixed(2))}%`;
}

/** Accepted events per second from the first scheduled send to the last enriched output. */
export function endToEndRate(result: Pick<DemoResult, 'accounting' | 'stats'>): number {
  const { spanMs } = result.stats.throughput;
  return spanMs > 0 ? Math.round((result.accounting.accepted * 10_000) / spanMs) / 10 : 0;
}

/** The processor's churn-call figures, in words, or undefined when it logged no metrics. */
export function describeScoring(metrics: RunnerMetrics | undefined): string | undefined {
  if (metrics === undefined) return undefined;
  const calls = counterOf(metrics, 'ScoringCalls');
  const batch = metrics.observations['ScoringBatchSize'];
  const latency = metrics.observations['ScoringLatencyMs'];
  const parts = [`${formatCount(calls)} churn API calls`];
  if (batch !== undefined && batch.count > 0) parts.push(`${(batch.sum / batch.count).toFixed(1)} companies per call on average`);
  if (latency !== undefined && latency.count > 0) parts.push(`${Math.round(latency.sum / latency.count)} ms mean call latency`);
  parts.push(`${formatCount(counterOf(metrics, 'TenantLookups'))} tenant lookups`);
  return parts.join(', ');
}

/** Text after a figure that differs from what the producer generated; empty when it matches. */
export function unlessExpected(actual: number, expected: number): string {
  return actual === expected ? '' : ` (expected ${formatCount(expected)})`;
}
