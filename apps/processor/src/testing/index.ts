// `@tenant-analytics/processor/testing`: the processor's test doubles (in-memory adapters, a manual
// clock, a rule-based scorer) and fixtures, for tests and in-process benchmarks. Re-exports only.
export {
  InMemoryCompanyStateStore,
  InMemoryLaneStore,
  InMemoryObjectSink,
  InMemoryStreamSink,
  InMemoryTenantDirectory,
  ManualClock,
  MemoryLogger,
  RuleChurnScorer,
} from './in-memory-adapters';
export { buildTestProcessor, jobEvent, kinesisRecordFactory, scriptedJobRecords, TEST_LOOKUP, TEST_SCORING, TEST_SETTINGS } from './factories';
