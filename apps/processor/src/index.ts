// The processor's engine for tools (benchmarks, demo, reliability suite): the core and the
// composition root's builders. Test doubles: `@tenant-analytics/processor/testing`. Re-exports only.
export { BatchProcessor, DEFAULT_WRITE_CONCURRENCY, EFFECT_STEPS } from './core/batch-processor';
export { toDeadLetter } from './core/job-batch-plan';
export type { BatchProcessorDependencies, BatchProcessorSettings, BatchResult, EffectStep } from './core/batch-processor';
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
export { PrometheusMetrics } from './observability/prometheus-metrics';
export type { DependencyOutcome, MetricsJson } from './observability/prometheus-metrics';
export type { RunnerStream, ShardLanesRunnerSettings, ShardSource } from './runner/shard-lanes-runner';
export { KinesisShardReader } from './adapters/kinesis-shard-reader';
export type { ShardInfo, ShardReadResult, StartPosition } from './adapters/kinesis-shard-reader';
// Deprecated: the test doubles live at `@tenant-analytics/processor/testing`. These re-exports stay
// only until tools/bench imports them from there (it is being reworked at the same time); then
// delete this block.
export {
  /** @deprecated import from `@tenant-analytics/processor/testing` */
  InMemoryCompanyStateStore,
  /** @deprecated import from `@tenant-analytics/processor/testing` */
  InMemoryLaneStore,
  /** @deprecated import from `@tenant-analytics/processor/testing` */
  InMemoryObjectSink,
  /** @deprecated import from `@tenant-analytics/processor/testing` */
  InMemoryStreamSink,
  /** @deprecated import from `@tenant-analytics/processor/testing` */
  InMemoryTenantDirectory,
  /** @deprecated import from `@tenant-analytics/processor/testing` */
  ManualClock,
  /** @deprecated import from `@tenant-analytics/processor/testing` */
  MemoryLogger,
  /** @deprecated import from `@tenant-analytics/processor/testing` */
  RuleChurnScorer,
  /** @deprecated import from `@tenant-analytics/processor/testing` */
  TEST_LOOKUP,
  /** @deprecated import from `@tenant-analytics/processor/testing` */
  TEST_SETTINGS,
  /** @deprecated import from `@tenant-analytics/processor/testing` */
  jobEvent,
  /** @deprecated import from `@tenant-analytics/processor/testing` */
  kinesisRecordFactory,
} from './testing';
