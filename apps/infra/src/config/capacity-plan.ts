/**
 * Sizing rules the app applies at synthesis: shard counts from the expected rate, the processor's
 * time and memory budget per invocation, and the state table's warm throughput. Pure functions over
 * plain numbers, so the config schema can check them and the README can quote them.
 */

/** A provisioned Kinesis shard accepts at most this many records per second for writes. */
export const SHARD_WRITE_RECORDS_PER_SECOND = 1000;
/** A provisioned Kinesis shard accepts at most this many bytes per second for writes (1 MiB). */
export const SHARD_WRITE_BYTES_PER_SECOND = 1024 * 1024;
/**
 * The share of a shard's write limit the expected rate may use. At 1.0, 1,000 records/s is exactly
 * one shard's limit and every burst is throttled; 0.5 leaves room for twice the expected rate.
 */
export const SHARD_TARGET_UTILIZATION = 0.5;

/** Expected traffic, as the context parameters describe it. */
export interface ExpectedTraffic {
  /** Job events per second on `bigdatajobs` (each yields at most one enriched record). */
  readonly eventsPerSecond: number;
  /** Company snapshots per second on `companies`. */
  readonly snapshotsPerSecond: number;
  /** Average job event size in bytes. */
  readonly eventBytes: number;
  /** Average enriched record size in bytes. */
  readonly enrichedRecordBytes: number;
  /** Average company snapshot size in bytes. */
  readonly snapshotBytes: number;
}

/** Shards for a stream written at `recordsPerSecond` records of `recordBytes` bytes on average. */
export function shardsFor(recordsPerSecond: number, recordBytes: number): number {
  const byRecords = recordsPerSecond / (SHARD_WRITE_RECORDS_PER_SECOND * SHARD_TARGET_UTILIZATION);
  const byBytes = (recordsPerSecond * recordBytes) / (SHARD_WRITE_BYTES_PER_SECOND * SHARD_TARGET_UTILIZATION);
  return Math.max(1, Math.ceil(Math.max(byRecords, byBytes) - 1e-9));
}

/** Shard counts of the three streams in provisioned mode. */
export interface StreamShardCounts {
  readonly jobs: number;
  readonly companies: number;
  readonly enriched: number;
}

/**
 * Shards per stream for the expected traffic, each at {@link SHARD_TARGET_UTILIZATION} of the write
 * limits. At the defaults (1,000 events/s of 200 bytes, 700-byte enriched records, 10 snapshots/s)
 * that is 2 / 1 / 2.
 */
export function shardCountsFor(traffic: ExpectedTraffic): StreamShardCounts {
  return {
    jobs: shardsFor(traffic.eventsPerSecond, traffic.eventBytes),
    companies: shardsFor(traffic.snapshotsPerSecond, traffic.snapshotBytes),
    enriched: shardsFor(traffic.eventsPerSecond, traffic.enrichedRecordBytes),
  };
}

/**
 * Seconds an invocation may spend outside churn scoring: the state reads and the conditional
 * commits, the S3 objects and the output stream of one batch. Measured on the local stack, a batch
 * of 1,000 spends 1.3 s in these (issue 11); 30 s leaves room for DynamoDB throttling retries.
 */
export const PROCESSOR_OVERHEAD_SECONDS = 30;
/** Memory the function needs before any record: runtime, SDK clients, code. */
export const PROCESSOR_BASE_MEMORY_MB = 256;
/**
 * Working memory per record in the worst case (each record a different company): its company item
 * read and rewritten (12.9 KB today, issue 11), the enriched record and its share of the S3 object.
 */
export const PROCESSOR_MEMORY_PER_RECORD_KB = 40;

/** What bounds one invocation's duration and memory. */
export interface ProcessorBudgetInputs {
  /** Records per invocation (`batchSize`). */
  readonly batchSize: number;
  /** Companies per churn call (`scoring.batch.size`). */
  readonly scoringBatchSize: number;
  /** Churn calls in flight (`async.capacity`). */
  readonly asyncCapacity: number;
  /** Budget of one churn call with its retries (`scoring.total.timeout.ms`). */
  readonly scoringTotalTimeoutMs: number;
}

/** The worst-case time and memory of one invocation. */
export interface ProcessorBudget {
  /** Churn calls for a full batch of distinct companies. */
  readonly scoringCalls: number;
  /** Rounds of calls at `async.capacity` in flight. */
  readonly scoringWaves: number;
  /** Waves × the per-call budget: the scoring time of a full batch when every call uses its budget. */
  readonly scoringSeconds: number;
  /** {@link scoringSeconds} + {@link PROCESSOR_OVERHEAD_SECONDS}: the smallest safe Lambda timeout. */
  readonly minimumTimeoutSeconds: number;
  /** The smallest memory setting for a full batch of distinct companies. */
  readonly minimumMemoryMb: number;
}

/**
 * The smallest Lambda timeout and memory for a batch. A timeout below it means a slow churn model
 * turns every full batch into a timed-out invocation (retried from the same record, forever).
 *
 * @example
 * processorBudgetOf({ batchSize: 2000, scoringBatchSize: 25, asyncCapacity: 20, scoringTotalTimeoutMs: 30_000 }).minimumTimeoutSeconds; // 150
 */
export function processorBudgetOf(inputs: ProcessorBudgetInputs): ProcessorBudget {
  const scoringCalls = Math.ceil(inputs.batchSize / inputs.scoringBatchSize);
  const scoringWaves = Math.ceil(scoringCalls / inputs.asyncCapacity);
  const scoringSeconds = Math.ceil((scoringWaves * inputs.scoringTotalTimeoutMs) / 1000);
  return {
    scoringCalls,
    scoringWaves,
    scoringSeconds,
    minimumTimeoutSeconds: scoringSeconds + PROCESSOR_OVERHEAD_SECONDS,
    minimumMemoryMb: Math.ceil(PROCESSOR_BASE_MEMORY_MB + (inputs.batchSize * PROCESSOR_MEMORY_PER_RECORD_KB) / 1024),
  };
}

/** A new on-demand table can absorb this many write units per second before it has to scale. */
export const ON_DEMAND_INITIAL_WRITE_UNITS = 4000;
/** A new on-demand table can absorb this many read units per second before it has to scale. */
export const ON_DEMAND_INITIAL_READ_UNITS = 12000;

/** Warm throughput to request for an on-demand table, or undefined when the initial one suffices. */
export interface WarmThroughputPlan {
  readonly writeUnitsPerSecond: number;
  readonly readUnitsPerSecond: number;
}

/**
 * Warm throughput for `eventsPerSecond` at `writeUnitsPerEvent` / `readUnitsPerEvent` (issue 11
 * measured 4.6–5.4 WRU and 1.4–3.8 RRU per event for a Zipf tenant mix): never below what a new
 * table has anyway, and undefined when that is enough.
 */
export function warmThroughputFor(eventsPerSecond: number, writeUnitsPerEvent: number, readUnitsPerEvent: number): WarmThroughputPlan | undefined {
  const writeUnitsPerSecond = Math.ceil(eventsPerSecond * writeUnitsPerEvent);
  const readUnitsPerSecond = Math.ceil(eventsPerSecond * readUnitsPerEvent);
  if (writeUnitsPerSecond <= ON_DEMAND_INITIAL_WRITE_UNITS && readUnitsPerSecond <= ON_DEMAND_INITIAL_READ_UNITS) {
    return undefined;
  }
  return {
    writeUnitsPerSecond: Math.max(writeUnitsPerSecond, ON_DEMAND_INITIAL_WRITE_UNITS),
    readUnitsPerSecond: Math.max(readUnitsPerSecond, ON_DEMAND_INITIAL_READ_UNITS),
  };
}
