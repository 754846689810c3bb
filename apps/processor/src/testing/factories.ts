import { DEFAULT_JOB_EVENT_LIMITS, generateCompanies, type Company, type JobEvent } from '@tenant-analytics/domain';
import { BatchProcessor, type BatchProcessorDependencies, type BatchProcessorSettings } from '../core/batch-processor';
import { ChurnScoringService, type ScoringSettings } from '../core/churn-scoring';
import { InMemoryMetrics } from '../adapters/in-memory-metrics';
import type { InputRecord } from '../core/ports';
import { TenantProfiles, type TenantLookupSettings } from '../core/tenant-profiles';
import {
  InMemoryCompanyStateStore,
  InMemoryLaneStore,
  InMemoryObjectSink,
  InMemoryStreamSink,
  InMemoryTenantDirectory,
  ManualClock,
  MemoryLogger,
  RuleChurnScorer,
} from './in-memory-adapters';

/**
 * The scripted batch of the unit tests: valid JSON and CSV events, a producer duplicate, bad
 * records and an unknown company, for companies of `generateCompanies(42, …)`. Expected: enriched
 * e1, e2 and the CSV event; dead letters malformed-json, unknown-company, out-of-range; one
 * duplicate skipped.
 */
export function scriptedJobRecords(): InputRecord[] {
  const record = kinesisRecordFactory('bigdatajobs');
  return [
    record(jobEvent({ companyID: 'comp_1', nbJobs: 2, eventID: 'e1' })),
    record(jobEvent({ companyID: 'comp_1', nbJobs: 3, eventID: 'e2', creationDate: '2026-11-25T09:30:00.000Z' })),
    record(jobEvent({ companyID: 'comp_1', nbJobs: 2, eventID: 'e1' })),
    record('{"companyID": "comp_1", '),
    record(jobEvent({ companyID: 'comp_999', eventID: 'e3' })),
    record('comp_2,user_7,4,2026-11-25T08:00:00Z'),
    record(jobEvent({ companyID: 'comp_2', nbJobs: 0 })),
  ];
}

/** Typed factory for Kinesis records of the jobs or companies stream. */
export function kinesisRecordFactory(stream: string, shardId = 'shardId-000000000000', arrivalTime = new Date('2026-11-25T10:00:00Z')) {
  let sequence = 49_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;
  return (payload: string | object, overrides: Partial<InputRecord> = {}): InputRecord => {
    sequence += 10n;
    const data = typeof payload === 'string' ? payload : JSON.stringify(payload);
    return {
      stream,
      shardId,
      sequenceNumber: sequence.toString(),
      partitionKey: typeof payload === 'object' && 'companyID' in payload ? String(payload.companyID) : 'key',
      arrivalTime,
      data: new TextEncoder().encode(data),
      ...overrides,
    };
  };
}

/** A job event with sensible defaults. */
export function jobEvent(overrides: Partial<JobEvent> = {}): JobEvent {
  return { companyID: 'comp_1', userID: 'user_1', nbJobs: 1, creationDate: '2026-11-25T09:00:00.000Z', ...overrides };
}

export const TEST_SCORING: ScoringSettings = {
  batchSize: 25,
  capacity: 4,
  maxAttempts: 3,
  initialDelayMs: 1,
  maxDelayMs: 5,
  totalTimeoutMs: 2_000,
  breakerConsecutiveFailures: 5,
  breakerHalfOpenAfterMs: 50,
};

export const TEST_LOOKUP: TenantLookupSettings = {
  concurrency: 4,
  maxAttempts: 3,
  initialDelayMs: 1,
  maxDelayMs: 5,
  totalTimeoutMs: 2_000,
  cacheMaxEntries: 100,
  cacheTtlMs: 60_000,
};

export const TEST_SETTINGS: BatchProcessorSettings = {
  streams: { jobs: 'bigdatajobs', companies: 'companies' },
  limits: DEFAULT_JOB_EVENT_LIMITS,
  dedupe: { windowMs: 3_600_000 },
  onScoringFailure: 'dead-letter',
  locations: { sink: { bucket: 'bucket', prefix: 'churn/data' }, deadLetters: { bucket: 'bucket', prefix: 'dead-letters' } },
};

/** A processor over in-memory adapters, with handles on each of them for assertions. */
export function buildTestProcessor(options: {
  companies?: readonly Company[];
  settings?: Partial<BatchProcessorSettings>;
  scorer?: ConstructorParameters<typeof ChurnScoringService>[0];
  /** Overrides of {@link TEST_SCORING}. */
  scoring?: Partial<ScoringSettings>;
  directory?: ConstructorParameters<typeof TenantProfiles>[0];
  clock?: ManualClock;
  afterStep?: BatchProcessorDependencies['afterStep'];
  shared?: { stateStore: InMemoryCompanyStateStore; laneStore: InMemoryLaneStore; objects: InMemoryObjectSink; stream: InMemoryStreamSink };
} = {}) {
  const companies = options.companies ?? generateCompanies(42, 20);
  const clock = options.clock ?? new ManualClock(new Date('2026-11-25T10:00:05Z'));
  const logger = new MemoryLogger();
  const metrics = new InMemoryMetrics();
  const stateStore = options.shared?.stateStore ?? new InMemoryCompanyStateStore();
  const laneStore = options.shared?.laneStore ?? new InMemoryLaneStore();
  const objects = options.shared?.objects ?? new InMemoryObjectSink();
  const stream = options.shared?.stream ?? new InMemoryStreamSink();
  const directory = options.directory ?? new InMemoryTenantDirectory(new Map(companies.map((c) => [c.companyID, c])));
  const scorer = options.scorer ?? new RuleChurnScorer();
  const processor = new BatchProcessor(
    { ...TEST_SETTINGS, ...options.settings },
    {
      stateStore,
      laneStore,
      tenantProfiles: new TenantProfiles(directory, TEST_LOOKUP, metrics, logger, clock),
      scoring: new ChurnScoringService(scorer, { ...TEST_SCORING, ...options.scoring }, metrics, logger),
      objects,
      enrichedStream: stream,
      clock,
      logger,
      metrics,
      ...(options.afterStep === undefined ? {} : { afterStep: options.afterStep }),
    },
  );
  return { processor, stateStore, laneStore, objects, stream, directory, scorer, clock, logger, metrics, companies };
}
