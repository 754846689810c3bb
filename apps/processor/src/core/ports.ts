import type { ChurnFeatures, Company, DeadLetter, EnrichedCompany } from '@tenant-analytics/domain';
import type { CompanyState } from './company-state';
import type { DedupeSegment } from './dedupe-window';
import type { PendingBatch } from './pending-batch';

/**
 * The role interfaces the pipeline core depends on. Adapters (AWS SDK, HTTP) implement them in
 * `../adapters`; tests use the in-memory ones in `../testing`. The core never creates a client.
 */

/** One Kinesis record as both runtimes deliver it. */
export interface InputRecord {
  readonly stream: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** When Kinesis accepted the record. */
  readonly arrivalTime: Date;
  readonly data: Uint8Array;
}

/** The per-company durable state (compare-and-set on `version`). */
export interface CompanyStateStore {
  /** Strongly consistent reads; companies without an item come back as undefined. */
  getMany(companyIDs: readonly string[]): Promise<Map<string, CompanyState>>;
  /**
   * Writes `next` if the stored version is still `next.version - 1` (0 = the item must not exist).
   * Resolves false on a version conflict; throws on anything else.
   */
  put(next: CompanyState): Promise<boolean>;
}

/** The durable progress of one shard lane: its checkpoint and its pending (write-ahead) batch. */
export interface LaneState {
  readonly laneId: string;
  /** Last sequence number whose effects are complete. */
  readonly checkpoint?: string;
  readonly pending?: PendingBatch;
  /**
   * Which life of the shard's sequence numbers the lane is in: set by the first pending batch of
   * a lane item and kept until the item is deleted (the README's recovery after a stream was
   * recreated, whose sequence numbers start over). Company watermarks are per lane and epoch, so
   * a new epoch's events are never taken for applied ones of the old. Undefined for a lane item
   * that does not exist or was written before epochs.
   */
  readonly epoch?: string;
  /**
   * The lane's fencing token: every lane write is conditional on the version its writer read and
   * increments it (0 = the lane was never written). Two processors on one lane (an overlapping
   * Lambda invocation, a second runner) therefore cannot both move it: the one that read an older
   * version learns it from a failed conditional write and stops.
   */
  readonly version: number;
  /**
   * Completed batches of the lane whose company commits are not in the company items yet (state
   * compaction, see `CompactionSettings`): the lane's view of a company is its item with these
   * batches' commits applied in order. Undefined when there are none.
   */
  readonly deferred?: DeferredBatches;
  /**
   * A batch of the lane that failed before any effect (its computation threw: a churn outage, a
   * dependency down) and that no batch has covered since. If the next batch to complete starts
   * after it, the runtime gave up on it (on Lambda: the event source mapping discarded it after
   * `maxRecordAgeSeconds`), and its records become a {@link SkippedRange}.
   */
  readonly failed?: FailedBatch;
  /** Records of the shard that the lane passed over without processing them, for the replay tool. */
  readonly skipped?: readonly SkippedRange[];
}

/** A batch that failed before any effect, and the lane's checkpoint when it did. */
export interface FailedBatch {
  /** The lane's checkpoint when the batch failed: every record after it was unprocessed. Undefined = the shard's start. */
  readonly after?: string;
  readonly first: string;
  readonly last: string;
}

/**
 * The records of a shard after `after` and before `before` (both exclusive; `after` undefined = the
 * shard's start): a batch that failed and was given up on, with any records around it that no
 * batch processed, up to the first record of the batch that completed next.
 */
export interface SkippedRange {
  readonly after?: string;
  readonly before: string;
}

/** How {@link LaneStore.complete} treats the lane's deferred list and failed batch. */
export interface CompleteOptions {
  readonly defer?: boolean;
  /**
   * With `defer`: the oldest `count` batches the lane lists as deferred are in the company items now
   * (a compaction sweep wrote every company they changed), so they leave the list, and `since` is
   * when the oldest batch still listed was created (the completed batch's own time if none).
   */
  readonly compacted?: { readonly count: number; readonly since?: string };
  /** With `defer`: the lane's compaction sweep under way after this batch; absent = none. */
  readonly sweep?: SweepProgress;
  readonly settle?: FailureSettlement;
}

/** What completing a batch does with the lane's {@link LaneState.failed} batch. */
export interface FailureSettlement {
  /** Present when the failed batch was given up on: the range it leaves unprocessed. Absent: the completed batch covered it. */
  readonly skipped?: SkippedRange;
}

/** The completed batches a lane has not yet compacted into company items, oldest first. */
export interface DeferredBatches {
  /** Opaque references to the batches' stored write-ahead bodies, for {@link LaneStore.loadDeferred}. */
  readonly refs: readonly string[];
  /** When the oldest of them was created (ISO-8601): compaction is due an interval after it. */
  readonly since: string;
  /** The compaction sweep under way, if any. */
  readonly sweep?: SweepProgress;
}

/**
 * A compaction spread over a lane's batches, one share of the companies per batch (whichever
 * processor runs it), kept in the lane item so that a cold processor goes on with it: when every
 * share is written, the company items hold the commits of the `covers` oldest listed batches.
 */
export interface SweepProgress {
  /** How many of the oldest listed batches it covers. */
  readonly covers: number;
  /** Shares it writes, one per batch: a company is in share `hash(companyID) mod shares`. */
  readonly shares: number;
  /** Shares written so far. */
  readonly done: number;
}

/**
 * Lane progress, write-ahead batches and (for the local runner) shard checkpoints. Every write is
 * conditional on `expectedVersion` (the {@link LaneState.version} the caller read), resolves to the
 * lane's new version, and fails with a `LaneConflictError` when another writer got there first. So
 * a checkpoint never moves back and at most one pending batch per lane is ever durable.
 */
export interface LaneStore {
  get(laneId: string): Promise<LaneState>;
  /** Makes `pending` durable (the lane must have no pending batch). */
  putPending(laneId: string, pending: PendingBatch, expectedVersion: number): Promise<number>;
  /**
   * Clears the pending batch `pendingId` and advances the checkpoint to `checkpoint`, atomically.
   * With `defer`, the batch joins the lane's deferred batches (its commits were not written to the
   * company items), after the `compacted` ones leave the list; without it, the lane's deferred
   * batches are cleared: the caller compacted every one it read at `expectedVersion` (the fence
   * makes that the lane's whole list). With `settle`,
   * the lane's failed batch is cleared, and its skipped range, if any, listed.
   */
  complete(laneId: string, pendingId: string, checkpoint: string, expectedVersion: number, options?: CompleteOptions): Promise<number>;
  /** Notes that a batch failed before any effect (the lane must have no pending batch). */
  noteFailure(laneId: string, failed: FailedBatch, expectedVersion: number): Promise<number>;
  /** Removes a skipped range once the replay tool has processed its records. */
  resolveSkipped(laneId: string, range: SkippedRange, expectedVersion: number): Promise<number>;
  /** Clears the deferred batches of a lane that has no pending batch: the caller compacted them all. */
  compacted(laneId: string, expectedVersion: number): Promise<number>;
  /** The write-ahead bodies of a lane's deferred batches, in the order of `deferred.refs`. */
  loadDeferred(laneId: string, deferred: DeferredBatches): Promise<PendingBatch[]>;
  /** Advances the checkpoint of a lane that has no pending batch (e.g. nothing to do). */
  advance(laneId: string, checkpoint: string, expectedVersion: number): Promise<number>;
  /**
   * Stores a dedupe segment of the lane, kept for `windowMs` after its creation (idempotent: a
   * segment is derived from a durable pending batch, so every writer writes the same one). Not
   * fenced: it only ever adds ids that a durable batch applied.
   */
  putDedupeSegment(laneId: string, segment: DedupeSegment, windowMs: number): Promise<void>;
  /** The dedupe segments of the lanes `laneIds` created at or after `sinceMs`, oldest first. */
  loadDedupeSegments(laneIds: readonly string[], sinceMs: number): Promise<DedupeSegment[]>;
}

/** A tenant directory answer: a profile, or a definite "unknown". */
export type TenantLookup = { readonly found: true; readonly company: Company } | { readonly found: false };

/** The tenant manager. Throws retriable errors for 429/5xx/timeouts/network failures. */
export interface TenantDirectory {
  lookup(companyID: string, signal?: AbortSignal): Promise<TenantLookup>;
}

/** A churn verdict for one company. */
export interface ChurnVerdict {
  readonly churn: boolean;
  /** Null when the endpoint gives a verdict only (the seed's API Gateway contract). */
  readonly probability: number | null;
}

/** The churn model endpoint: one call scores a batch, in order. Throws retriable errors as above. */
export interface ChurnScorer {
  score(companies: readonly ChurnFeaturesWithId[], signal?: AbortSignal): Promise<ChurnVerdict[]>;
  /** Largest batch one call accepts (1 for an endpoint without batch support). */
  readonly maxBatchSize: number;
}

/** What the scorer is sent: the features and the company id (the seed's API takes a Company). */
export type ChurnFeaturesWithId = ChurnFeatures & { readonly companyID: string };

/** An object store (S3): used for enriched output files and dead letters. */
export interface ObjectSink {
  /** Writes (or overwrites) one object; `key` is relative to the sink's bucket. */
  put(bucket: string, key: string, body: Uint8Array, contentType: string, contentEncoding?: string): Promise<void>;
}

/** An enriched record with its JSON text: serialized once, for S3 and the output stream alike. */
export interface SerializedEnriched {
  readonly record: EnrichedCompany;
  /** `JSON.stringify(record)`. */
  readonly json: string;
}

/** The enriched output stream. Delivery is at-least-once: consumers dedupe on `eventID`. */
export interface StreamSink {
  putRecords(records: readonly SerializedEnriched[]): Promise<void>;
}

/** Wall-clock time, injected so that tests control it. */
export interface Clock {
  now(): Date;
}

/** Structured logger: a message plus an object of fields (the domain's one logger port). */
export type { Logger } from '@tenant-analytics/domain';

/** Metric names the processor emits (see README "Metrics"). */
export const METRIC = {
  recordsIn: 'RecordsIn',
  enriched: 'Enriched',
  deadLetters: 'DeadLetters',
  duplicatesSkipped: 'DuplicatesSkipped',
  staleSnapshots: 'StaleSnapshots',
  snapshotsApplied: 'SnapshotsApplied',
  alreadyCompleted: 'AlreadyCompletedRecords',
  lookups: 'TenantLookups',
  lookupCacheHits: 'TenantLookupCacheHits',
  scoringCalls: 'ScoringCalls',
  scoringBatchSize: 'ScoringBatchSize',
  scoringLatencyMs: 'ScoringLatencyMs',
  scoringDedupedCompanies: 'ScoringDedupedCompanies',
  retries: 'Retries',
  breakerOpen: 'BreakerOpen',
  stateCommitConflicts: 'StateCommitConflicts',
  compactions: 'StateCompactions',
  stateWriteUnits: 'StateWriteUnits',
  stateReadUnits: 'StateReadUnits',
  compactedCompanies: 'StateCompactedCompanies',
  pendingRecovered: 'PendingBatchesRecovered',
  skippedRanges: 'SkippedRanges',
  millisBehindLatest: 'MillisBehindLatest',
  staleCheckpoints: 'StaleCheckpoints',
  batchDurationMs: 'BatchDurationMs',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** Metrics: counters and observations, with optional dimensions. */
export interface Metrics {
  count(name: MetricName, value?: number, dimensions?: Record<string, string>): void;
  observe(name: MetricName, value: number, dimensions?: Record<string, string>): void;
}

/** The dead letters produced by a batch are written through the object sink; this names where. */
export interface SinkLocations {
  readonly sink: { readonly bucket: string; readonly prefix: string };
  readonly deadLetters: { readonly bucket: string; readonly prefix: string };
}

export type { DeadLetter, EnrichedCompany };
