import type { LiveModel, ProcessorSample } from '@tenant-analytics/live-view';
import type { SendSummary } from '@tenant-analytics/job-producer';
import { defaultLocalEndpoints } from '@tenant-analytics/local-stack';
import { collectRunStats, type EnrichedObservation } from '@tenant-analytics/pipeline-harness';
import type { DeadLetter, EnrichedCompany } from '@tenant-analytics/domain';
import { DEFAULT_DEMO_OPTIONS } from '../demo-options';
import { accountFor, type DemoResult } from '../demo-result';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');

/** An enriched record `index`, sent at T0 + index × 100 ms, for company `comp_<index % 12>`. */
export function enrichedObservationFactory(index: number, overrides: Partial<EnrichedCompany> = {}): EnrichedObservation {
  const sentAtMs = T0 + index * 100;
  const probability = ((index * 37) % 100) / 100;
  return {
    record: {
      companyID: `comp_${index % 12}`,
      industry: index % 2 === 0 ? 'IT' : 'retail',
      revenu: 1_000_000,
      employees: 120 + index,
      job30: 3,
      job90: 9,
      monthlyFee: 450,
      totalFee: 5_400,
      riskOfChurn: probability >= 0.5,
      churnProbability: probability,
      eventID: `demo-${index}`,
      userID: 'user_1',
      nbJobs: 1,
      eventTime: new Date(sentAtMs).toISOString(),
      processedAt: new Date(sentAtMs + 150).toISOString(),
      sentAt: new Date(sentAtMs).toISOString(),
      source: { stream: 'bigdatajobs', shardId: 'shardId-000000000000', sequenceNumber: String(1000 + index) },
      ...overrides,
    },
    outputAtMs: sentAtMs + 200 + (index % 10) * 30,
  };
}

function deadLetter(reason: DeadLetter['reason']): DeadLetter {
  return {
    reason,
    message: 'bad',
    stage: 'validate',
    attempts: 1,
    firstFailureAt: new Date(T0).toISOString(),
    record: { data: '', partitionKey: 'comp_1', sequenceNumber: '1', shardId: 'shardId-000000000000', stream: 'bigdatajobs', arrivalTime: new Date(T0).toISOString() },
  };
}

/** A finished run of 40 accepted events: 36 enriched, 3 dead-lettered, 1 duplicate skipped. */
export function demoResultFactory(overrides: Partial<DemoResult> = {}): DemoResult {
  const observations = Array.from({ length: 36 }, (_, index) => enrichedObservationFactory(index));
  const deadLetters = [deadLetter('bad-format'), deadLetter('bad-format'), deadLetter('unknown-company')];
  const send: SendSummary = {
    runId: 'demo-1',
    streamName: 'bigdatajobs',
    format: 'json',
    seed: 7,
    startedAt: new Date(T0).toISOString(),
    finishedAt: new Date(T0 + 4_000).toISOString(),
    durationMs: 4_000,
    requested: 40,
    targetRatePerSecond: 10,
    sent: 40,
    accepted: 40,
    rejected: 0,
    retriedEntries: 0,
    putRecordsCalls: 8,
    achievedRatePerSecond: 10,
    maxScheduleLagMs: 12,
    valid: 36,
    outOfOrder: 2,
    duplicates: 1,
    invalid: { total: 3, byReason: { 'bad-format': 2, 'unknown-company': 1 }, byKind: {} },
    interrupted: false,
  };
  return {
    live: liveModelFactory(),
    latencyCdf: [
      [120, 0.5],
      [300, 0.99],
      [350, 1],
    ],
    options: { ...DEFAULT_DEMO_OPTIONS, events: 40, durationSeconds: 4 },
    startedAt: new Date(T0 - 5_000).toISOString(),
    finishedAt: new Date(T0 + 9_000).toISOString(),
    endpoints: { ...defaultLocalEndpoints(), tenantManager: 'http://127.0.0.1:4010', churnApi: 'http://127.0.0.1:4011', churnEndpointName: 'churn-endpoint' },
    portFallbacks: [],
    seeded: { companies: 12, durationMs: 800 },
    send,
    drainMs: 700,
    accounting: accountFor({ send, enriched: 36, enrichedLines: 36, deadLetters: 3, duplicatesSkipped: 1, onStream: 36 }),
    stats: collectRunStats({ observations, deadLetters, latencyBasis: 'output-stream' }),
    processorMetrics: {
      counters: { DuplicatesSkipped: 1, ScoringCalls: 4, TenantLookups: 2 },
      observations: { ScoringBatchSize: { count: 4, sum: 36, min: 5, max: 12 }, ScoringLatencyMs: { count: 4, sum: 100, min: 20, max: 30 } },
    },
    outputs: {
      enrichedUri: 's3://tenant-analytics/churn/data/',
      deadLettersUri: 's3://tenant-analytics/dead-letters/',
      enrichedObjects: 5,
      sampleKey: 'churn/data/dt=2026-11-25/hour=10/bigdatajobs-shardId-000000000000-1-9.jsonl.gz',
      sampleCompanyID: 'comp_3',
    },
    stackRunning: false,
    ...overrides,
  };
}

/** A processor sample at `atMs` with the given cumulative counters (everything else zero). */
export function processorSampleFactory(atMs: number, overrides: Partial<ProcessorSample> = {}): ProcessorSample {
  return {
    atMs,
    recordsIn: {},
    recordsRead: {},
    enriched: {},
    deadLetters: {},
    lagMs: {},
    stages: {},
    dependencies: {},
    lastCheckpointSeconds: {},
    batchesCompleted: 0,
    batchesCompletedByLane: {},
    duplicatesSkipped: 0,
    commitConflicts: 0,
    pendingRecovered: 0,
    scoringCalls: 0,
    tenantLookups: 0,
    tenantCacheHits: 0,
    cpuSeconds: 0,
    residentBytes: 100e6,
    heapUsedBytes: 50e6,
    ...overrides,
  };
}

/** A live model of two samples 1 s apart: 40 records in, most batch time in compute, churn called 4 times. */
export function liveModelFactory(overrides: Partial<LiveModel> = {}): LiveModel {
  return {
    generatedAtMs: T0 + 9_000,
    processorMetricsUrl: 'http://127.0.0.1:9464/metrics',
    processorError: undefined,
    samples: [
      processorSampleFactory(T0),
      processorSampleFactory(T0 + 1_000, {
        recordsIn: { bigdatajobs: 40 },
        enriched: { bigdatajobs: 36 },
        deadLetters: { 'bad-format': 2, 'unknown-company': 1 },
        stages: { read: { sumMs: 10, count: 2 }, compute: { sumMs: 300, count: 2 }, commit: { sumMs: 60, count: 2 } },
        dependencies: { churn: { calls: 4, errors: 0, throttled: 0, latencySumMs: 80, latencyCount: 4, retries: 0, breakerOpen: 0 } },
        cpuSeconds: 0.5,
      }),
    ],
    output: [{ atMs: T0 + 1_000, byShard: { 'bigdatajobs/shardId-000000000000': 36 }, maxAgeMsByShard: { 'bigdatajobs/shardId-000000000000': 350 } }],
    deadLetters: [{ reason: 'bad-format', stage: 'validate', count: 2, message: 'nbJobs must be an integer', sampleRecord: '{"companyID":"comp_1","nbJobs":"x"}', sampleKey: 'dead-letters/x.json' }],
    churnRisk: { threshold: 0.5, companies: 30, flagged: 2, top: [{ companyID: 'comp_2', industry: 'retail', churnProbability: 1, monthlyFee: 500, monthlyFeeAtRisk: 500, job30: 3, job90: 10 }] },
    ...overrides,
  };
}
