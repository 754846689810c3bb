import { InvalidArgumentError } from 'commander';
import type { PipelineConfig } from '@tenant-analytics/domain';
import type { EffectStep } from '../core/batch-processor';
import type { PendingBatch } from '../core/pending-batch';
import { METRIC, type Metrics } from '../core/ports';
import type { AwsClients } from '../composition';
import type { ShardSource } from '../runner/shard-lanes-runner';
import { recordFetchCalls, recordSdkCalls } from './dependency-calls';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { PrometheusMetrics, teeMetrics } from './prometheus-metrics';
import { StageTimer } from './stage-timer';

type AfterStep = (step: EffectStep, batch: PendingBatch) => Promise<void> | void;

/** What the local runner plugs in when `--metrics-port` is given. */
export interface RunnerObservability {
  /** The runner's metrics, also kept in Prometheus form. */
  readonly metrics: Metrics;
  /** Times the stages of each batch; runs before `next` (the crash hook, in tests). */
  afterStep(next: AfterStep | undefined): AfterStep;
  /** The shard source with its reads timed and counted per shard. */
  instrument(source: ShardSource): ShardSource;
  /** Serves `/metrics` and `/metrics.json` on 127.0.0.1:`port` (0 = a free port). */
  listen(port: number): Promise<MetricsServer>;
  close(): Promise<void>;
}

/**
 * The local runner's metrics endpoint: a prom-client registry fed by the core's metrics port (teed
 * with the runner's in-memory metrics), batch stage times from the `afterStep` seam and the shard
 * reads, and dependency calls (SDK middleware for Kinesis, S3 and DynamoDB; undici's diagnostics
 * channels for the tenant manager and the churn API).
 */
export function createRunnerObservability(config: PipelineConfig, clients: AwsClients, runnerMetrics: Metrics): RunnerObservability {
  const prometheus = new PrometheusMetrics();
  // The churn API's breaker exists from the start, closed (the core reports only its changes).
  prometheus.count(METRIC.breakerOpen, 0, { dependency: 'churn' });
  const timer = new StageTimer(prometheus);
  recordSdkCalls(prometheus, clients);
  const unsubscribe = recordFetchCalls(
    prometheus,
    new Map([
      [new URL(config.tenantManager.endpoint).origin, 'tenant-manager'],
      [new URL(config.churn.endpoint).origin, 'churn'],
    ]),
  );
  let server: MetricsServer | undefined;
  return {
    metrics: teeMetrics(runnerMetrics, prometheus),
    afterStep: (next) => async (step, batch) => {
      timer.afterStep(step, batch);
      await next?.(step, batch);
    },
    instrument: (source) => timer.instrument(source),
    listen: async (port) => (server = await startMetricsServer(prometheus, port)),
    close: async () => {
      unsubscribe();
      await server?.close();
    },
  };
}

/** `--metrics-port`: an integer 0–65535 (0 = a free port); anything else fails naming the flag. */
export function parseMetricsPort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port > 65_535) {
    throw new InvalidArgumentError(`--metrics-port: expected an integer between 0 and 65535 (0 = a free port), got ${JSON.stringify(value)}`);
  }
  return port;
}
