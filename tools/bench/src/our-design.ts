import { mapLimited, parsePipelineConfig, type Company } from '@tenant-analytics/domain';
import {
  BatchProcessor,
  ChurnScoringService,
  InMemoryMetrics,
  TenantProfiles,
  type ChurnScorer,
  type Clock,
  type CompactionSettings,
} from '@tenant-analytics/processor';
import {
  InMemoryCompanyStateStore,
  InMemoryLaneStore,
  InMemoryObjectSink,
  InMemoryStreamSink,
  InMemoryTenantDirectory,
  MemoryLogger,
  TEST_LOOKUP,
  TEST_SETTINGS,
} from '@tenant-analytics/processor/testing';
import type { ShardBatch } from './workload';

/** Our design's knobs that the benchmarks vary. */
export interface OurDesignSettings {
  /** Companies per churn call (`scoring.batch.size`). */
  readonly scoringBatchSize: number;
  /** Churn calls in flight per batch (`async.capacity`). */
  readonly capacity: number;
}

/** Our processor over in-memory adapters, with handles on what it wrote. */
export interface OurDesign {
  readonly processor: BatchProcessor;
  readonly stateStore: InMemoryCompanyStateStore;
  readonly laneStore: InMemoryLaneStore;
  readonly directory: InMemoryTenantDirectory;
  readonly objects: InMemoryObjectSink;
  readonly stream: InMemoryStreamSink;
  readonly metrics: InMemoryMetrics;
}

/**
 * State compaction at the processor's defaults (`state.compaction.*`, README "Configuration"), as
 * the config parser gives them to a deployment that sets only the required keys (the endpoints are
 * placeholders: the benchmark wires its own adapters).
 */
export const DEFAULT_COMPACTION: CompactionSettings = parsePipelineConfig({
  S3SinkPath: 's3://bench/churn/data',
  tenantManagerEndpoint: 'http://127.0.0.1:1',
  predictChurnApiEndpoint: 'http://127.0.0.1:1/assessChurn',
}).state.compaction;

/**
 * Our pipeline core (`BatchProcessor`: decode, state, rolling windows, batched and deduped
 * scoring, write-ahead, commits, gzip JSON Lines, output stream) over the in-memory adapters, with
 * the production defaults for everything the benchmark does not vary (retry budget 30 s, 5
 * attempts, a breaker after 5 failures, tenant cache of 10,000, state compaction every 60 s or
 * 120 batches).
 */
export function buildOurDesign(options: {
  readonly companies: readonly Company[];
  readonly scorer: ChurnScorer;
  readonly settings: OurDesignSettings;
  readonly clock: Clock;
}): OurDesign {
  const directory = new InMemoryTenantDirectory(new Map(options.companies.map((company) => [company.companyID, company])));
  const objects = new InMemoryObjectSink();
  const stream = new InMemoryStreamSink();
  const metrics = new InMemoryMetrics();
  const logger = new MemoryLogger();
  const stateStore = new InMemoryCompanyStateStore();
  // Batch bodies leave memory once compacted: a deployed processor holds them in DynamoDB, not in its heap.
  const laneStore = new InMemoryLaneStore({ keepCompactedBodies: false });
  const processor = new BatchProcessor({ ...TEST_SETTINGS, compaction: DEFAULT_COMPACTION }, {
    stateStore,
    laneStore,
    tenantProfiles: new TenantProfiles(directory, { ...TEST_LOOKUP, concurrency: 10, cacheMaxEntries: 10_000, cacheTtlMs: 300_000 }, metrics, logger, { now: () => new Date() }),
    scoring: new ChurnScoringService(
      options.scorer,
      {
        batchSize: options.settings.scoringBatchSize,
        capacity: options.settings.capacity,
        maxAttempts: 5,
        initialDelayMs: 100,
        maxDelayMs: 5_000,
        totalTimeoutMs: 30_000,
        breakerConsecutiveFailures: 5,
        breakerHalfOpenAfterMs: 10_000,
      },
      metrics,
      logger,
    ),
    objects,
    enrichedStream: stream,
    clock: options.clock,
    logger,
    metrics,
  });
  return { processor, stateStore, laneStore, directory, objects, stream, metrics };
}

/**
 * The producer event ids the lanes remember for dedupe (their dedupe windows' segments): a
 * duplicate check is one lookup in memory whatever their number, and company items no longer
 * carry them, so a commit's cost does not grow with them.
 */
export function rememberedEventIds(laneStore: InMemoryLaneStore): number {
  let total = 0;
  for (const segments of laneStore.dedupeSegments.values()) for (const segment of segments.values()) total += segment.digests.length;
  return total;
}

/** What processing a set of shard batches produced. */
export interface LanesResult {
  readonly enriched: number;
  readonly deadLetters: number;
}

/**
 * Processes shard batches the way the runtimes do: one lane per shard, the batches of a lane one
 * after the other in order, up to `concurrentLanes` lanes at once (1 = strictly sequential).
 */
export async function processLanes(processor: BatchProcessor, stream: string, batches: readonly ShardBatch[], concurrentLanes: number): Promise<LanesResult> {
  const byShard = new Map<string, ShardBatch[]>();
  for (const batch of batches) byShard.set(batch.shardId, [...(byShard.get(batch.shardId) ?? []), batch]);
  let enriched = 0;
  let deadLetters = 0;
  const runLane = async (lane: readonly ShardBatch[]) => {
    for (const batch of lane) {
      const result = await processor.process(stream, batch.shardId, batch.records);
      enriched += result.enriched;
      deadLetters += result.deadLetters;
    }
  };
  if (concurrentLanes <= 1) {
    // Take the batches in the given (interleaved) order, one at a time.
    for (const batch of batches) await runLane([batch]);
  } else {
    await mapLimited([...byShard.values()], concurrentLanes, runLane);
  }
  return { enriched, deadLetters };
}
