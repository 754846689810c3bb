// The processor's engine for tools (benchmarks, demo, reliability suite): the core, the composition
// root's builders and the Lambda handler. Test doubles: `@tenant-analytics/processor/testing`. Re-exports only.
export { BatchProcessor, EFFECT_STEPS } from './core/batch-processor';
export { toDeadLetter } from './core/job-batch-plan';
export type { BatchProcessorDependencies, BatchProcessorSettings, BatchResult, CompactionSettings, EffectStep } from './core/batch-processor';
export { ChurnScoringService } from './core/churn-scoring';
export type { ScoringOutcome, ScoringSettings } from './core/churn-scoring';
export { TenantProfiles } from './core/tenant-profiles';
export type { ProfileLookupOutcome, TenantLookupSettings } from './core/tenant-profiles';
export { METRIC } from './core/ports';
export type {
  ChurnFeaturesWithId,
  ChurnScorer,
  ChurnVerdict,
  Clock,
  CompanyStateStore,
  InputRecord,
  LaneStore,
  Logger,
  MetricName,
  Metrics,
  ObjectSink,
  SinkLocations,
  StreamSink,
  TenantDirectory,
  TenantLookup,
} from './core/ports';
export { ChurnApiScorer } from './adapters/churn-api-scorer';
export type { ChurnApiTarget } from './adapters/churn-api-scorer';
export { InMemoryMetrics } from './adapters/in-memory-metrics';
export { DynamoDbCompanyStateStore } from './adapters/dynamodb-company-state-store';
export { createAwsClients, createBatchProcessor } from './composition';
export type { AwsClients, RuntimeServices } from './composition';
export { localPropertyGroups } from './local-config';
export { ShardLanesRunner } from './runner/shard-lanes-runner';
export { createKinesisEventHandler, toInputRecord } from './lambda/kinesis-event-handler';
export { toKinesisStreamEvent, type EventSourceIdentity } from './esm/kinesis-stream-event';
export { PrometheusMetrics } from './observability/prometheus-metrics';
export type { DependencyOutcome, MetricsJson } from './observability/prometheus-metrics';
export type { RunnerStream, ShardLanesRunnerSettings, ShardSource } from './runner/shard-lanes-runner';
export { KinesisShardReader } from './adapters/kinesis-shard-reader';
export type { ShardInfo, ShardReadResult, StartPosition } from './adapters/kinesis-shard-reader';
