import { decodeCompanyEvent, decodeJobEvent, type DeadLetter, type JobEventLimits } from '@tenant-analytics/domain';
import { applyCommit, completeJobsCommit, type DedupeSettings } from './apply-commit';
import { compareSequence, emptyCompanyState, hasSeenEvent, isApplied, watermarkKey, type CompanyProfile, type CompanyState } from './company-state';
import { dedupeSegmentOf, DedupeWindow, segmentWith } from './dedupe-window';
import { planJobs, scoredOutputs, toDeadLetter, type DecodedJob } from './job-batch-plan';
import { mapLimited } from '@tenant-analytics/domain';
import type { ChurnScoringService, ScoringOutcome } from './churn-scoring';
import { LaneConflictError, ScoringUnavailableError } from './errors';
import { deadLetterFiles, enrichedFiles, serializeEnriched } from './output-files';
import { laneIdOf, type CommittedJob, type CompanyCommit, type PendingBatch } from './pending-batch';
import {
  METRIC,
  type Clock,
  type CompanyStateStore,
  type InputRecord,
  type FailedBatch,
  type FailureSettlement,
  type LaneState,
  type LaneStore,
  type SkippedRange,
  type SweepProgress,
  type Logger,
  type Metrics,
  type ObjectSink,
  type SinkLocations,
  type StreamSink,
} from './ports';
import type { TenantProfiles } from './tenant-profiles';

/** The effect steps of a batch, in order; test hooks may stop the processor after any of them. */
export const EFFECT_STEPS = ['pending-written', 'committed', 'published', 'completed'] as const;
export type EffectStep = (typeof EFFECT_STEPS)[number];

/** Company commits and S3 writes a batch keeps in flight unless configured otherwise. */
export const DEFAULT_WRITE_CONCURRENCY = 16;

/** Settings of the core (from config; see README "Configuration"). */
export interface BatchProcessorSettings {
  readonly streams: { readonly jobs: string; readonly companies: string };
  readonly limits: JobEventLimits;
  readonly dedupe: DedupeSettings;
  /** What to do with a record whose scoring failed for good. */
  readonly onScoringFailure: 'dead-letter' | 'emit-unscored';
  readonly locations: SinkLocations;
  /** Company commits and S3 writes in flight at most. @default DEFAULT_WRITE_CONCURRENCY */
  readonly writeConcurrency?: number;
  /** Version conflicts tolerated per company commit before the batch fails (and is retried). @default 10 */
  readonly maxCommitConflicts?: number;
  /** Coalescing of company writes on jobs lanes; undefined = every batch writes its companies. */
  readonly compaction?: CompactionSettings;
}

/**
 * State compaction (`state.compaction.*`): a jobs lane writes its companies' items at most once per
 * interval instead of once per batch. In between, completed batches stay listed in the lane item as
 * deferred (their write-ahead bodies are already durable), and the lane's view of a company is its
 * item with the deferred batches' commits applied in order, each guarded by the company's
 * watermark like any replay. A busy company's batches thus cost one write per interval.
 */
export interface CompactionSettings {
  /** How long a lane may keep completed batches out of the company items; 0 = never (write every batch). */
  readonly intervalMs: number;
  /** Deferred batches a lane lists at most (bounds the lane item and a cold start's reads). */
  readonly maxBatches: number;
  /**
   * A due compaction writes its companies spread over this fraction of the batches it covers, one
   * share per batch (a compaction sweep, see `DeferredView.sweep`; 0 = all at once).
   * @default DEFAULT_SWEEP_SPREAD
   */
  readonly sweepSpread?: number;
}

/** Everything the core depends on, built once by a composition root. */
export interface BatchProcessorDependencies {
  readonly stateStore: CompanyStateStore;
  readonly laneStore: LaneStore;
  readonly tenantProfiles: TenantProfiles;
  readonly scoring: ChurnScoringService;
  readonly objects: ObjectSink;
  /** Undefined when the enriched stream is disabled. */
  readonly enrichedStream?: StreamSink;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Called after each effect step: tests throw here to simulate a crash. */
  readonly afterStep?: (step: EffectStep, batch: PendingBatch) => Promise<void> | void;
}

/** What a call to {@link BatchProcessor.process} did. */
export interface BatchResult {
  /** The lane's checkpoint after the call: every record at or below it is done. */
  readonly checkpoint?: string;
  readonly enriched: number;
  readonly deadLetters: number;
  /** Records skipped because an earlier attempt had completed them. */
  readonly alreadyCompleted: number;
  /** Whether a pending batch left by an earlier attempt was finished first. */
  readonly recoveredPending: boolean;
}

/** How a call to {@link BatchProcessor.process} may be told about the lane's history. */
export interface ProcessOptions {
  /**
   * The shards this shard was split or merged from (the local runner knows them from ListShards):
   * their dedupe windows are this lane's too, so a duplicate across a reshard is still skipped.
   */
  readonly parentShardIds?: readonly string[];
}

/**
 * What a processor keeps of a lane between its batches: company states and the dedupe window,
 * valid while the lane is at `version`, the version its own last write left. Any other writer of
 * the lane moves the version, and the cache is dropped at the next batch: a cache is never
 * trusted across another processor's writes.
 */
interface LaneCache {
  version: number;
  readonly states: Map<string, CompanyState>;
  window?: DedupeWindow;
  /** The lane's view beyond the company items; undefined until loaded for this version. */
  deferred?: DeferredView;
}

/**
 * What a lane's cached states hold that the company items do not (yet): the commits of its
 * deferred batches (and of the batch being finished), by company and in order, and the companies
 * whose item is behind. Cleared when a compaction at once has written them all; a sweep that
 * ends drops the batches it covered.
 */
interface DeferredView {
  /** Each batch's commits (`batch`: its ordinal in `batches`), by company and in order. */
  readonly commits: Map<string, { readonly commit: CompanyCommit; readonly watermarkLane: string; readonly batch: number }[]>;
  /** Ordinals of the pending ids whose commits are in `commits` (a retried finish does not add them twice). */
  readonly batches: Map<string, number>;
  /** Companies whose cached state is ahead of their item: what a compaction writes. */
  readonly dirty: Set<string>;
  /** Companies with deferred commits loaded from the lane whose item has not been read yet (it may hold them already). */
  readonly unread: Set<string>;
  /** The batches the lane item lists as deferred, oldest first. */
  readonly listed: { readonly id: string; readonly createdAt: string }[];
  /** The ordinal the next batch added gets. */
  nextBatch: number;
  /**
   * The compaction sweep under way, if any (as the lane item has it). When a lane's compaction is
   * due, the companies behind their items are written one share per batch over the next quarter of
   * the interval's batches instead of all at once (thousands of writes that would stall the lane
   * for seconds); once every share is written, the batches the sweep covers leave the list.
   */
  sweep?: SweepProgress;
}

/** A sweep spreads its writes over this fraction of the batches it covers (a quarter of an interval's batches). */
export const DEFAULT_SWEEP_SPREAD = 1 / 4;
/**
 * Companies a sweep's share writes, about (shares are by hash), where the list leaves room for
 * more shares: a lane that caught up on a backlog in a few large batches would otherwise write
 * thousands at once (on DynamoDB 100 conditional writes at 16 in flight take ~50 ms).
 */
const SWEEP_SHARE_COMPANIES = 100;

const emptyDeferredView = (): DeferredView => ({ commits: new Map(), batches: new Map(), dirty: new Set(), unread: new Set(), listed: [], nextBatch: 0 });

/** What a compaction may have to write: the companies behind their items, and those not read yet (that may be). */
const toCompact = (view: DeferredView): string[] => shareToCompact(view, 1, 0);

/**
 * The companies of {@link toCompact} that share `share` of a sweep in `shares` writes, in the same
 * order (the dirty ones, then the unread ones that are not dirty), without building the union:
 * a sweep takes one share per batch of a list that holds thousands of companies.
 */
function shareToCompact(view: DeferredView, shares: number, share: number): string[] {
  const companies: string[] = [];
  for (const companyID of view.dirty) if (sweepShareOf(companyID, shares) === share) companies.push(companyID);
  for (const companyID of view.unread) if (!view.dirty.has(companyID) && sweepShareOf(companyID, shares) === share) companies.push(companyID);
  return companies;
}

/** The share of a compaction sweep a company is written in: FNV-1a of its id, modulo the shares. */
function sweepShareOf(companyID: string, shares: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < companyID.length; index++) hash = Math.imul(hash ^ companyID.charCodeAt(index), 0x01000193);
  return (hash >>> 0) % shares;
}

/** Reads a shard's records between bounds (exclusive `after`/`before`, inclusive `through`), in sequence order. */
export type ShardRangeReader = (range: { readonly after?: string; readonly through?: string; readonly before?: string }) => Promise<InputRecord[]>;

/** What {@link BatchProcessor.replayDiscarded} did. */
export interface DiscardedReplay {
  readonly outcome: 'processed-by-lane' | 'replayed-skipped-range' | 'already-processed';
  readonly records: number;
  readonly enriched: number;
  readonly deadLetters: number;
  readonly skipped?: SkippedRange;
}

/** Records per batch when the replay tool processes a range. */
const REPLAY_CHUNK_RECORDS = 1_000;

/** Company states kept per lane at most; beyond it the cache starts over (bounded memory). */
const MAX_CACHED_STATES_PER_LANE = 100_000;

/**
 * What computing a jobs batch in this process knows beyond its pending batch, so that finishing it
 * here does not redo work: the states it was computed from, what its commits make of them, and
 * the dedupe digests of its applied event ids (in commit and job order).
 */
interface ComputedJobs {
  readonly states: ReadonlyMap<string, CompanyState>;
  readonly planned: ReadonlyMap<string, CompanyState>;
  readonly eventDigests: readonly number[];
}

/**
 * The pipeline core: turns one shard's batch of records into state changes and outputs, exactly
 * once, following ARCHITECTURE.md §3 in its write-ahead form:
 *
 * 1. **Finish** a pending batch left by an earlier attempt (from its write-ahead record only).
 * 2. **Compute** the outputs and company commits of the records above the lane checkpoint (decode,
 *    state reads, tenant lookups, rolling counts, churn scoring) without any effect.
 * 3. **Write ahead**: make the whole result durable as the lane's pending batch.
 * 4. **Commit** each company's change to the lane's view (guarded by the company's watermark) and
 *    the batch's producer ids to the lane's dedupe window.
 * 5. **Publish** S3 objects under keys derived from the batch range, dead letters, stream records.
 * 6. **Compact** when due: write the companies the lane changed since its last compaction, one
 *    compare-and-set each, a share per batch over the next batches (with compaction off, every
 *    company of every batch at once).
 * 7. **Complete**: clear the pending batch and advance the lane checkpoint in one write, listing the
 *    batch as deferred or clearing the deferred list.
 *
 * A crash anywhere, or a redelivery with any other batch boundaries, resumes at step 1 and leaves
 * state and S3 as one clean run would; the output stream may see a record twice (consumers dedupe
 * on `eventID`).
 */
export class BatchProcessor {
  private readonly writeConcurrency: number;
  private readonly maxCommitConflicts: number;
  private readonly laneCaches = new Map<string, LaneCache>();
  /** The last call of this processor on each lane (see `exclusive`). */
  private readonly laneQueue = new Map<string, Promise<void>>();

  constructor(
    private readonly settings: BatchProcessorSettings,
    private readonly deps: BatchProcessorDependencies,
  ) {
    this.writeConcurrency = settings.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY;
    this.maxCommitConflicts = settings.maxCommitConflicts ?? 10;
  }

  /**
   * Processes the records of one shard lane (all from `stream`/`shardId`, any order). Throws a
   * retriable error when a dependency fails: the caller retries later from its last checkpoint.
   */
  async process(stream: string, shardId: string, records: readonly InputRecord[], options: ProcessOptions = {}): Promise<BatchResult> {
    const laneId = laneIdOf(stream, shardId);
    return this.exclusive(laneId, () => this.processLane(laneId, stream, shardId, records, options));
  }

  private async processLane(laneId: string, stream: string, shardId: string, records: readonly InputRecord[], options: ProcessOptions): Promise<BatchResult> {
    const logger = this.deps.logger.child({ laneId });
    const lane = await this.deps.laneStore.get(laneId);
    const cache = this.laneCache(laneId, lane.version);
    await this.loadDeferred(laneId, lane, cache);
    let checkpoint = lane.checkpoint;
    let laneVersion = lane.version;
    let recoveredPending = false;
    // A failed batch noted on the lane is settled by the next batch to complete (see LaneState.failed).
    let failed = lane.failed;
    const settle = (batch: PendingBatch): FailureSettlement | undefined => {
      if (failed === undefined) return undefined;
      const settlement = compareSequence(batch.firstSequenceNumber, failed.first) <= 0 ? {} : { skipped: { ...(failed.after === undefined ? {} : { after: failed.after }), before: batch.firstSequenceNumber } };
      failed = undefined;
      return settlement;
    };
    if (lane.pending !== undefined) {
      logger.info('finishing pending batch from an earlier attempt', { pendingId: lane.pending.id });
      laneVersion = await this.finish(laneId, lane.pending, laneVersion, cache, undefined, settle(lane.pending));
      this.deps.metrics.count(METRIC.pendingRecovered);
      checkpoint = lane.pending.lastSequenceNumber;
      recoveredPending = true;
    }
    const sorted = [...records].sort((a, b) => compareSequence(a.sequenceNumber, b.sequenceNumber));
    const fresh = sorted.filter((record) => checkpoint === undefined || compareSequence(record.sequenceNumber, checkpoint) > 0);
    const alreadyCompleted = sorted.length - fresh.length;
    if (alreadyCompleted > 0) this.deps.metrics.count(METRIC.alreadyCompleted, alreadyCompleted, { stream });
    const first = fresh[0];
    const last = fresh.at(-1);
    if (first === undefined || last === undefined) {
      return { checkpoint, enriched: 0, deadLetters: 0, alreadyCompleted, recoveredPending };
    }
    this.deps.metrics.count(METRIC.recordsIn, fresh.length, { stream });
    const parentLaneIds = (options.parentShardIds ?? []).map((parent) => laneIdOf(stream, parent));
    // A lane item without an epoch (new, recreated by an operator, or of the layout before epochs)
    // starts one with this batch: its watermarks are then apart from any earlier life of the shard.
    const epoch = lane.epoch ?? newEpoch(this.deps.clock.now());
    const { pending, computed } = await this.compute(stream, shardId, fresh, first.sequenceNumber, last.sequenceNumber, cache, parentLaneIds, epoch).catch(
      async (error: unknown) => {
        if (failed === undefined) await this.noteFailure(laneId, { ...(checkpoint === undefined ? {} : { after: checkpoint }), first: first.sequenceNumber, last: last.sequenceNumber }, laneVersion, logger);
        throw error;
      },
    );
    // The fence: written only if no other processor moved the lane since it was read above. The
    // batch was computed from state read after that, which no other writer of this lane can have
    // changed without moving the lane, so a pending batch that lands is one computed from the truth.
    laneVersion = await this.deps.laneStore.putPending(laneId, pending, laneVersion).catch((error: unknown) => {
      if (error instanceof LaneConflictError) logger.warn('another processor moved the lane; this attempt stops without effect', { pendingId: pending.id });
      throw error;
    });
    await this.deps.afterStep?.('pending-written', pending);
    await this.finish(laneId, pending, laneVersion, cache, computed, settle(pending));
    return {
      checkpoint: pending.lastSequenceNumber,
      enriched: pending.enriched.length,
      deadLetters: pending.deadLetters.length,
      alreadyCompleted,
      recoveredPending,
    };
  }

  /**
   * Steps 4–6 for a durable pending batch, with the lane at `laneVersion`; resolves to the lane's
   * version after completing it. Idempotent: two processors may finish the same pending batch at
   * once (commits are guarded by watermarks, S3 objects are identical), and the one whose
   * completion loses the race gets a `LaneConflictError`. `computed` is what computing the batch in
   * this process already knows (saves applying the jobs and hashing their event ids a second time).
   *
   * The commits are applied to the lane's cached view; the company items are written now (one
   * write per company the lane changed: with compaction off, on a companies lane, or when the
   * deferred list is full) or, on a jobs lane with compaction on, by the lane's compaction sweeps,
   * one share per batch, with the batch listed as deferred meanwhile.
   */
  private async finish(
    laneId: string,
    pending: PendingBatch,
    laneVersion: number,
    cache: LaneCache,
    computed?: ComputedJobs,
    settle?: FailureSettlement,
  ): Promise<number> {
    const view = cache.deferred ?? emptyDeferredView();
    cache.deferred = view;
    await this.applyToView(watermarkKey(laneId, pending.epoch), pending, cache, view, computed);
    // The batch's producer ids join the lane's window before the batch completes: durable for
    // every later attempt, whichever processor makes it.
    const segment = computed === undefined ? dedupeSegmentOf(pending) : segmentWith(pending, computed.eventDigests);
    if (segment !== undefined) {
      await this.deps.laneStore.putDedupeSegment(laneId, segment, this.settings.dedupe.windowMs);
      cache.window?.add(segment);
    }
    await this.deps.afterStep?.('committed', pending);
    await this.publish(pending);
    await this.deps.afterStep?.('published', pending);
    // After publishing: company writes never delay this batch's outputs. Before completing:
    // completing without `defer` clears the deferred list, with `compacted` drops its head.
    let defer = this.shouldDefer(pending, view);
    const sweep = defer ? await this.sweepStep(cache, view, pending) : undefined;
    const ended = sweep !== undefined && sweep.done >= sweep.shares;
    // A sweep that began and ended with this batch covered the whole list, this batch included.
    if (ended && sweep.covers > view.listed.length) defer = false;
    if (!defer) await this.compact(cache, view);
    const since = ended ? view.listed[sweep.covers]?.createdAt : undefined;
    const version = await this.deps.laneStore.complete(laneId, pending.id, pending.lastSequenceNumber, laneVersion, {
      defer,
      ...(defer && ended ? { compacted: { count: sweep.covers, ...(since === undefined ? {} : { since }) } } : {}),
      ...(defer && sweep !== undefined && !ended ? { sweep } : {}),
      ...(settle === undefined ? {} : { settle }),
    });
    if (ended) this.deps.logger.info('compaction sweep ended: its batches left the deferred list', { laneId, covers: sweep.covers, shares: sweep.shares });
    if (settle?.skipped !== undefined) {
      this.deps.logger.warn('a failed batch was given up on: its records are listed as skipped, for the replay tool', { laneId, skipped: settle.skipped });
      this.deps.metrics.count(METRIC.skippedRanges, 1, { stream: pending.stream });
    }
    // Everything cached was read or written while this processor held the lane: still true now.
    cache.version = version;
    if (defer) {
      view.listed.push({ id: pending.id, createdAt: pending.createdAt });
      if (ended) dropSwept(view, sweep.covers);
      view.sweep = ended ? undefined : sweep;
    } else {
      cache.deferred = emptyDeferredView();
    }
    await this.deps.afterStep?.('completed', pending);
    this.deps.metrics.count(METRIC.enriched, pending.enriched.length, { stream: pending.stream });
    for (const deadLetter of pending.deadLetters) {
      this.deps.metrics.count(METRIC.deadLetters, 1, { reason: deadLetter.reason });
    }
    return version;
  }

  /**
   * Re-processes the records of `range` (from an on-failure record: the batch an event source
   * mapping gave up on), exactly once:
   *
   * - If the lane has not passed the range yet, its records are processed by the lane itself, as
   *   the mapping would have.
   * - If the range lies in one of the lane's skipped ranges, every record of that skipped range is
   *   processed in a lane of its own (`<shardId>~replay~<before>`, with the shard's dedupe window),
   *   whose checkpoint makes a second run a no-op; then the range is removed from the lane.
   * - Otherwise the lane processed those records (the batch was finished, or retried with success):
   *   nothing is done.
   */
  async replayDiscarded(stream: string, shardId: string, range: { readonly first: string; readonly last: string }, read: ShardRangeReader): Promise<DiscardedReplay> {
    const laneId = laneIdOf(stream, shardId);
    // A pending batch left by an attempt is finished first: it may be the range itself.
    await this.process(stream, shardId, []);
    const lane = await this.deps.laneStore.get(laneId);
    if (lane.checkpoint === undefined || compareSequence(lane.checkpoint, range.first) < 0) {
      const records = await read({ ...(lane.checkpoint === undefined ? {} : { after: lane.checkpoint }), through: range.last });
      const results = await this.processInChunks(stream, shardId, records, {});
      return { outcome: 'processed-by-lane', records: records.length, ...results };
    }
    const skipped = lane.skipped?.find((entry) => (entry.after === undefined || compareSequence(entry.after, range.first) < 0) && compareSequence(range.first, entry.before) < 0);
    if (skipped === undefined) return { outcome: 'already-processed', records: 0, enriched: 0, deadLetters: 0 };
    const records = await read({ ...(skipped.after === undefined ? {} : { after: skipped.after }), before: skipped.before });
    const results = await this.processInChunks(stream, `${shardId}~replay~${skipped.before}`, records, { parentShardIds: [shardId] });
    // Fenced like every lane write; the lane may move meanwhile (the mapping goes on), so re-read and retry.
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.deps.laneStore.get(laneId);
      if (!(current.skipped ?? []).some((entry) => entry.after === skipped.after && entry.before === skipped.before)) break;
      try {
        await this.deps.laneStore.resolveSkipped(laneId, skipped, current.version);
        break;
      } catch (error) {
        if (!(error instanceof LaneConflictError) || attempt >= this.maxCommitConflicts) throw error;
      }
    }
    return { outcome: 'replayed-skipped-range', records: records.length, skipped, ...results };
  }

  private async processInChunks(stream: string, shardId: string, records: readonly InputRecord[], options: ProcessOptions): Promise<{ enriched: number; deadLetters: number }> {
    let enriched = 0;
    let deadLetters = 0;
    for (let start = 0; start < records.length; start += REPLAY_CHUNK_RECORDS) {
      const result = await this.process(stream, shardId, records.slice(start, start + REPLAY_CHUNK_RECORDS), options);
      enriched += result.enriched;
      deadLetters += result.deadLetters;
    }
    return { enriched, deadLetters };
  }

  /**
   * Notes on the lane that a batch failed before any effect, so that the batch that completes next
   * can tell whether it was given up on. Best effort: a note that cannot be written (the lane moved,
   * the table is down) is logged, and the batch's own error is what the caller sees.
   */
  private async noteFailure(laneId: string, failed: FailedBatch, laneVersion: number, logger: Logger): Promise<void> {
    try {
      const version = await this.deps.laneStore.noteFailure(laneId, failed, laneVersion);
      const cache = this.laneCaches.get(laneId);
      if (cache !== undefined && cache.version === laneVersion) cache.version = version;
    } catch (error) {
      logger.warn('could not note the failed batch on the lane', { error: error instanceof Error ? error.message : String(error), first: failed.first });
    }
  }

  /**
   * Writes a lane's deferred batches into the company items now if its compaction is due
   * (`force`: whether due or not, and even if this processor never saw the lane), for a lane that
   * is idle: the local runner calls it when a shard has nothing new and when it stops. Unforced, a
   * lane counts as idle when its newest deferred batch is older than a sweep's share of the interval
   * (a lane between two batches goes on with its sweep instead of writing everything at once).
   * Resolves whether it compacted. Fenced like every lane write: a processor that lost the lane
   * learns it from a `LaneConflictError`.
   */
  async compactIfDue(stream: string, shardId: string, options: { readonly force?: boolean } = {}): Promise<boolean> {
    return this.compactLane(laneIdOf(stream, shardId), options.force === true);
  }

  private compactLane(laneId: string, force: boolean): Promise<boolean> {
    return this.exclusive(laneId, () => this.compactLaneNow(laneId, force));
  }

  private async compactLaneNow(laneId: string, force: boolean): Promise<boolean> {
    // Unforced, only a lane this processor knows to hold deferred batches (no read for a quiet
    // lane); forced, any lane (a processor that never saw it reads the lane first).
    const known = this.laneCaches.get(laneId)?.deferred;
    if (!force && (known === undefined || !this.idleAndDue(known))) return false;
    const lane = await this.deps.laneStore.get(laneId);
    // A pending batch is finished (and compacts) with the lane's next batch.
    if (lane.pending !== undefined || lane.deferred === undefined) return false;
    const cache = this.laneCache(laneId, lane.version);
    await this.loadDeferred(laneId, lane, cache);
    const view = cache.deferred ?? emptyDeferredView();
    await this.compact(cache, view);
    cache.version = await this.deps.laneStore.compacted(laneId, lane.version);
    cache.deferred = emptyDeferredView();
    return true;
  }

  /** Compacts every lane this processor holds deferred batches of, due or not (at a graceful stop); resolves how many. */
  async compactAll(): Promise<number> {
    let compacted = 0;
    for (const laneId of [...this.laneCaches.keys()]) {
      if (await this.compactLane(laneId, true)) compacted += 1;
    }
    return compacted;
  }

  /**
   * Runs `work` after every earlier call of this processor on the lane has settled: a lane's cache
   * is one processor's, so its own calls on a lane (a runner's batch and an idle compaction, or a
   * caller that does not wait) never interleave. Other processors are kept apart by the fence.
   */
  private exclusive<T>(laneId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.laneQueue.get(laneId) ?? Promise.resolve();
    const run = previous.then(work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.laneQueue.set(laneId, settled);
    void settled.then(() => {
      if (this.laneQueue.get(laneId) === settled) this.laneQueue.delete(laneId);
    });
    return run;
  }

  /**
   * Whether the batch being finished joins the lane's deferred batches instead of compacting all
   * at once: on a jobs lane with compaction on, unless the list is full (`maxBatches`, which a
   * sweep begun in time does not reach).
   */
  private shouldDefer(pending: PendingBatch, view: DeferredView): boolean {
    const compaction = this.settings.compaction;
    if (compaction === undefined || compaction.intervalMs <= 0 || pending.stream !== this.settings.streams.jobs) return false;
    return view.listed.length + 1 <= compaction.maxBatches;
  }

  /** Whether a lane with this view is quiet (its newest deferred batch older than a sweep's share of the interval) and due. */
  private idleAndDue(view: DeferredView): boolean {
    const newest = view.listed.at(-1);
    if (newest === undefined) return false;
    const nowMs = this.deps.clock.now().getTime();
    const quietMs = (this.settings.compaction?.intervalMs ?? 0) * (this.settings.compaction?.sweepSpread ?? DEFAULT_SWEEP_SPREAD);
    return nowMs - Date.parse(newest.createdAt) >= quietMs && this.compactionDue(view.listed[0]?.createdAt, nowMs);
  }

  /** Whether a compaction is due for deferred batches the oldest of which was created at `since`. */
  private compactionDue(since: string | undefined, nowMs: number): boolean {
    const intervalMs = this.settings.compaction?.intervalMs ?? 0;
    return since === undefined || nowMs - Date.parse(since) >= intervalMs;
  }

  /**
   * One batch's share of the lane's compaction sweep (see `DeferredView.sweep`), for a batch that
   * will be listed as deferred: begins a sweep when compaction is due (the interval has passed
   * since the oldest listed batch, or the list would be full by the time a later sweep ended), then
   * writes the companies of the next share that are behind their items (or not read yet: a cold
   * processor reads them to know). Resolves the sweep's progress after this batch (ended when
   * `done` reaches `shares`), or undefined when no sweep is under way.
   */
  private async sweepStep(cache: LaneCache, view: DeferredView, pending: PendingBatch): Promise<SweepProgress | undefined> {
    const maxBatches = this.settings.compaction?.maxBatches ?? 1;
    const spread = this.settings.compaction?.sweepSpread ?? DEFAULT_SWEEP_SPREAD;
    let sweep = view.sweep;
    if (sweep === undefined) {
      const covers = view.listed.length + 1;
      const sharesFor = (batches: number) => Math.max(1, Math.ceil(batches * spread));
      // Due by count when a sweep begun with the next batch would end with more than `maxBatches` listed.
      const full = covers + sharesFor(covers + 1) > maxBatches;
      if (!full && !this.compactionDue(view.listed[0]?.createdAt ?? pending.createdAt, this.deps.clock.now().getTime())) return undefined;
      // More, smaller shares where many companies are behind; never so many that the list fills up first.
      const bySize = spread > 0 ? Math.ceil(toCompact(view).length / SWEEP_SHARE_COMPANIES) : 1;
      sweep = { covers, shares: Math.min(maxBatches - covers + 1, Math.max(sharesFor(covers), bySize)), done: 0 };
    }
    const { shares, done } = sweep;
    await this.writeCompanies(cache, view, shareToCompact(view, shares, done));
    const progress = { ...sweep, done: done + 1 };
    if (progress.done >= progress.shares) this.deps.metrics.count(METRIC.compactions);
    return progress;
  }

  /**
   * Loads the lane's deferred batches into its cache (once per cache): their commits make the
   * lane's view of each company beyond its item.
   */
  private async loadDeferred(laneId: string, lane: LaneState, cache: LaneCache): Promise<void> {
    if (cache.deferred !== undefined) return;
    const view = emptyDeferredView();
    if (lane.deferred !== undefined) {
      const bodies = await this.deps.laneStore.loadDeferred(laneId, lane.deferred);
      for (const body of bodies) {
        addToView(view, body, watermarkKey(laneId, body.epoch));
        for (const commit of body.commits) view.unread.add(commit.companyID);
        view.listed.push({ id: body.id, createdAt: body.createdAt });
      }
      // A sweep under way goes on with its next share (one that covers more than is listed cannot be the lane's: started over).
      const sweep = lane.deferred.sweep;
      if (sweep !== undefined && sweep.covers <= view.listed.length && sweep.done < sweep.shares) view.sweep = sweep;
    }
    cache.deferred = view;
  }

  /**
   * Applies a durable batch's commits to the lane's cached view (each guarded by the company's
   * watermark, so a batch finished twice counts once) and records them as not yet in the items.
   */
  private async applyToView(
    watermarkLane: string,
    pending: PendingBatch,
    cache: LaneCache,
    view: DeferredView,
    computed?: ComputedJobs,
  ): Promise<void> {
    if (pending.commits.length === 0) return;
    const states = await this.statesOf(pending.commits.map((commit) => commit.companyID), cache);
    const nowMs = this.deps.clock.now().getTime();
    for (const commit of pending.commits) {
      const state = states.get(commit.companyID) ?? emptyCompanyState(commit.companyID);
      // The planned state is valid for the state it was planned from only.
      const planned = computed?.states.get(commit.companyID) === state ? computed.planned.get(commit.companyID) : undefined;
      const result = planned !== undefined ? { next: planned, staleSnapshots: 0, appliedSnapshots: 0 } : applyCommit(state, commit, watermarkLane, nowMs, this.settings.dedupe);
      if (result.staleSnapshots > 0) this.deps.metrics.count(METRIC.staleSnapshots, result.staleSnapshots);
      if (result.appliedSnapshots > 0) this.deps.metrics.count(METRIC.snapshotsApplied, result.appliedSnapshots);
      if (result.next === undefined) continue;
      this.cacheState(cache, result.next);
      view.dirty.add(commit.companyID);
    }
    addToView(view, pending, watermarkLane);
  }

  private async compute(
    stream: string,
    shardId: string,
    records: readonly InputRecord[],
    first: string,
    last: string,
    cache: LaneCache,
    parentLaneIds: readonly string[],
    epoch: string,
  ): Promise<{ pending: PendingBatch; computed?: ComputedJobs }> {
    const now = this.deps.clock.now();
    const base = {
      id: `${laneIdOf(stream, shardId)}/${first}-${last}`,
      stream,
      shardId,
      firstSequenceNumber: first,
      lastSequenceNumber: last,
      createdAt: now.toISOString(),
      epoch,
    };
    if (stream === this.settings.streams.companies) return { pending: { ...base, ...this.computeSnapshots(records, now) } };
    if (stream === this.settings.streams.jobs) {
      const { computed, ...outputs } = await this.computeJobs(laneIdOf(stream, shardId), watermarkKey(laneIdOf(stream, shardId), epoch), records, now, cache, parentLaneIds);
      return { pending: { ...base, ...outputs }, computed };
    }
    throw new Error(`record from stream ${stream}, which is neither the jobs nor the companies stream`);
  }

  private computeSnapshots(records: readonly InputRecord[], now: Date): Pick<PendingBatch, 'commits' | 'enriched' | 'deadLetters'> {
    const deadLetters: DeadLetter[] = [];
    const snapshotsByCompany = new Map<string, { profile: CompanyProfile; asOf: string }[]>();
    for (const record of records) {
      const decoded = decodeCompanyEvent(record.data, { arrivalTime: record.arrivalTime, now, limits: this.settings.limits });
      if (!decoded.ok) {
        deadLetters.push(toDeadLetter(record, decoded.stage, decoded.reason, decoded.message, 1, now));
        continue;
      }
      const { companyID, asOf, ...profile } = decoded.value;
      const list = snapshotsByCompany.get(companyID) ?? [];
      list.push({ profile, asOf });
      snapshotsByCompany.set(companyID, list);
    }
    const commits = [...snapshotsByCompany.entries()].map(([companyID, snapshots]) => ({ companyID, snapshots }));
    return { commits, enriched: [], deadLetters };
  }

  /**
   * A jobs batch: decode → gather (states, dedupe window, lookups) → plan (pure, `planJobs`) →
   * score → outputs (pure, `scoredOutputs`) → commits, with the state each commit makes of the
   * pre-state it was planned from.
   */
  private async computeJobs(
    laneId: string,
    watermarkLane: string,
    records: readonly InputRecord[],
    now: Date,
    cache: LaneCache,
    parentLaneIds: readonly string[],
  ): Promise<Pick<PendingBatch, 'commits' | 'enriched' | 'deadLetters'> & { computed: ComputedJobs }> {
    const decodeFailures: DeadLetter[] = [];
    const eventsByCompany = new Map<string, DecodedJob[]>();
    for (const record of records) {
      const decoded = decodeJobEvent(record.data, { arrivalTime: record.arrivalTime, now, limits: this.settings.limits });
      if (!decoded.ok) {
        decodeFailures.push(toDeadLetter(record, decoded.stage, decoded.reason, decoded.message, 1, now));
        continue;
      }
      const list = eventsByCompany.get(decoded.value.companyID) ?? [];
      list.push({ record, event: decoded.value });
      eventsByCompany.set(decoded.value.companyID, list);
    }

    const nowMs = now.getTime();
    const states = await this.statesOf([...eventsByCompany.keys()], cache);
    const window = await this.dedupeWindow(laneId, parentLaneIds, cache, nowMs);
    const lookups = await this.deps.tenantProfiles.lookupAll([...eventsByCompany.keys()].filter((id) => states.get(id)?.profile === undefined));
    const plan = planJobs(eventsByCompany, {
      states,
      lookups,
      isDuplicate: (digest, eventID, state) => window.has(digest, nowMs) || hasSeenEvent(state, eventID, nowMs),
      now,
    });
    if (plan.duplicates > 0) this.deps.metrics.count(METRIC.duplicatesSkipped, plan.duplicates);
    // A company without a profile whose lookup failed is not kept in the cache: its snapshot may
    // reach the item (another lane's write) before its next event, which must then see it.
    for (const companyID of eventsByCompany.keys()) {
      if (!plan.companies.has(companyID) && states.get(companyID)?.profile === undefined) cache.states.delete(companyID);
    }

    const scores = await this.deps.scoring.scoreAll(plan.candidates.map((candidate) => candidate.company));
    const unavailable = scoringUnavailable(scores);
    if (unavailable !== undefined) {
      // The model is down, not a record at fault: defer the batch (lag grows) instead of
      // dead-lettering it; the runtime retries it with backoff and the breaker probes recovery.
      throw new ScoringUnavailableError(`churn API unavailable: ${unavailable}; the batch will be retried`, { records: records.length });
    }
    const outputs = scoredOutputs(plan.candidates, scores, this.settings.onScoringFailure, now);

    const commits: CompanyCommit[] = [];
    // What each commit makes of the state it was planned from: what applyCommit returns for that
    // state (a property test holds them equal), without applying the jobs a second time.
    const planned = new Map<string, CompanyState>();
    const eventDigests: number[] = [];
    for (const [companyID, company] of plan.companies) {
      for (const digest of company.eventDigests) eventDigests.push(digest);
      const lastScore = outputs.lastScores.get(companyID);
      const commit = jobsCommit(companyID, company.lookup, company.jobs, lastScore);
      commits.push(commit);
      const pre = states.get(companyID);
      const lastJob = company.jobs.at(-1);
      // A pre-state that already covers the commit (never, under the lane fence) is left to applyCommit.
      if (pre !== undefined && lastJob !== undefined && isApplied(pre, watermarkLane, lastJob.sequenceNumber)) continue;
      planned.set(companyID, completeJobsCommit(company.state, commit, watermarkLane, nowMs, this.settings.dedupe));
    }
    const deadLetters = [...decodeFailures, ...plan.deadLetters, ...outputs.deadLetters].sort((a, b) => compareSequence(a.record.sequenceNumber, b.record.sequenceNumber));
    return { commits, enriched: outputs.enriched, deadLetters, computed: { states, planned, eventDigests } };
  }

  /**
   * The lane's view of `companyIDs`: from its cache where it has them; the rest read (strongly
   * consistent) with the lane's deferred commits applied, and cached. A cached state can be older
   * than the item only if another lane wrote it (a snapshot): then the compaction's version check
   * fails and the deferred commits are re-applied to the fresh item.
   */
  private async statesOf(companyIDs: readonly string[], cache: LaneCache): Promise<Map<string, CompanyState>> {
    const states = new Map<string, CompanyState>();
    const missing: string[] = [];
    for (const id of companyIDs) {
      const cached = cache.states.get(id);
      if (cached === undefined) missing.push(id);
      else states.set(id, cached);
    }
    if (missing.length === 0) return states;
    const read = await this.deps.stateStore.getMany(missing);
    for (const id of missing) {
      // A company without an item is cached as an empty state (version 0: its first write creates it).
      const item = read.get(id) ?? emptyCompanyState(id);
      const state = this.withDeferred(item, cache.deferred);
      if (state !== item) cache.deferred?.dirty.add(id);
      cache.deferred?.unread.delete(id);
      states.set(id, state);
      this.cacheState(cache, state);
    }
    return states;
  }

  /** A company item with the lane's deferred commits for it applied in order (guarded: applied ones are skipped). */
  private withDeferred(item: CompanyState, view: DeferredView | undefined): CompanyState {
    const entries = view?.commits.get(item.companyID);
    if (entries === undefined) return item;
    const nowMs = this.deps.clock.now().getTime();
    let state = item;
    for (const { commit, watermarkLane } of entries) state = applyCommit(state, commit, watermarkLane, nowMs, this.settings.dedupe).next ?? state;
    return state;
  }

  private cacheState(cache: LaneCache, state: CompanyState): void {
    // Beyond the bound the cache starts over; the deferred view stays (states are re-read with it).
    if (cache.states.size >= MAX_CACHED_STATES_PER_LANE && !cache.states.has(state.companyID)) cache.states.clear();
    cache.states.set(state.companyID, state);
  }

  /** The lane's dedupe window (with its parents' after a reshard), loaded once per cache, then kept up to date in memory. */
  private async dedupeWindow(laneId: string, parentLaneIds: readonly string[], cache: LaneCache, nowMs: number): Promise<DedupeWindow> {
    const windowMs = this.settings.dedupe.windowMs;
    if (cache.window === undefined) {
      const window = new DedupeWindow(windowMs);
      for (const segment of await this.deps.laneStore.loadDedupeSegments([laneId, ...parentLaneIds], nowMs - windowMs)) window.add(segment);
      cache.window = window;
    }
    cache.window.expire(nowMs);
    return cache.window;
  }

  /** The cache of a lane, valid for `version`, or a new one if another writer moved the lane. */
  private laneCache(laneId: string, version: number): LaneCache {
    const cached = this.laneCaches.get(laneId);
    if (cached !== undefined && cached.version === version) return cached;
    const fresh: LaneCache = { version, states: new Map() };
    this.laneCaches.set(laneId, fresh);
    return fresh;
  }

  /** Compaction at once: writes every company whose item is behind the lane's view (see `writeCompanies`). */
  private async compact(cache: LaneCache, view: DeferredView): Promise<void> {
    if (view.unread.size === 0 && view.dirty.size === 0) return;
    await this.writeCompanies(cache, view, toCompact(view));
    this.deps.metrics.count(METRIC.compactions);
  }

  /**
   * Writes those of `companyIDs` whose item is behind the lane's view, one conditional write each.
   * A version conflict (another lane's snapshot, or an overlapping processor) re-reads the item and
   * re-applies the lane's deferred commits for it, guarded by the watermark.
   */
  private async writeCompanies(cache: LaneCache, view: DeferredView, companyIDs: readonly string[]): Promise<void> {
    // Reading the unread ones tells which of them are behind (`statesOf` marks them dirty).
    const unread = companyIDs.filter((id) => view.unread.has(id));
    if (unread.length > 0) await this.statesOf(unread, cache);
    const ids = companyIDs.filter((id) => view.dirty.has(id));
    if (ids.length === 0) return;
    const states = await this.statesOf(ids, cache);
    await mapLimited(ids, this.writeConcurrency, async (companyID) => {
      let state = states.get(companyID) ?? emptyCompanyState(companyID);
      for (let conflicts = 0; ; conflicts++) {
        const written: CompanyState = { ...state, version: state.version + 1 };
        if (await this.deps.stateStore.put(written)) {
          this.cacheState(cache, written);
          break;
        }
        this.deps.metrics.count(METRIC.stateCommitConflicts);
        if (conflicts + 1 >= this.maxCommitConflicts) {
          throw new Error(`company ${companyID}: ${conflicts + 1} version conflicts in a row`);
        }
        const item = (await this.deps.stateStore.getMany([companyID])).get(companyID) ?? emptyCompanyState(companyID);
        state = this.withDeferred(item, view);
        if (state === item) {
          // The item already holds every deferred commit (an earlier compaction wrote it).
          this.cacheState(cache, item);
          break;
        }
      }
      view.dirty.delete(companyID);
    });
    this.deps.metrics.count(METRIC.compactedCompanies, ids.length);
  }

  private async publish(pending: PendingBatch): Promise<void> {
    const { sink, deadLetters } = this.settings.locations;
    const serialized = serializeEnriched(pending.enriched);
    const files = [
      ...enrichedFiles(pending, sink.prefix, serialized).map((file) => ({ bucket: sink.bucket, file })),
      ...deadLetterFiles(pending, deadLetters.prefix).map((file) => ({ bucket: deadLetters.bucket, file })),
    ];
    await mapLimited(files, this.writeConcurrency, ({ bucket, file }) =>
      this.deps.objects.put(bucket, file.key, file.body, file.contentType, file.contentEncoding),
    );
    if (this.deps.enrichedStream !== undefined && serialized.length > 0) {
      await this.deps.enrichedStream.putRecords(serialized);
    }
  }
}

/**
 * Why the batch's scoring says the churn API is unavailable rather than unable to score some
 * records, or undefined when it is not: no call succeeded and every failure was transient (an
 * outage), or some call gave up on an open breaker (its records are not at fault: the breaker only
 * says that other calls failed lately, so they wait for the breaker to close instead of being
 * dead-lettered). Exported for tests.
 */
export function scoringUnavailable(scores: readonly ScoringOutcome[]): string | undefined {
  if (scores.some((score) => !score.ok && score.reason === 'breaker-open')) return 'the circuit breaker was open for some calls of the batch';
  if (scores.length > 0 && scores.every((score) => !score.ok && score.reason !== 'not-retriable')) return 'every scoring call of the batch failed';
  return undefined;
}

/**
 * A jobs commit, its optional parts left out (not set to undefined): literals, not conditional
 * spreads, since this runs once per company of every batch.
 */
function jobsCommit(companyID: string, lookup: CompanyCommit['lookup'], jobs: readonly CommittedJob[], lastScore: CompanyCommit['lastScore']): CompanyCommit {
  if (lookup === undefined) return lastScore === undefined ? { companyID, jobs } : { companyID, jobs, lastScore };
  return lastScore === undefined ? { companyID, lookup, jobs } : { companyID, lookup, jobs, lastScore };
}

/** Adds a durable batch's commits to the lane's deferred view (once per batch). */
function addToView(view: DeferredView, batch: PendingBatch, watermarkLane: string): void {
  if (view.batches.has(batch.id)) return;
  const ordinal = view.nextBatch++;
  view.batches.set(batch.id, ordinal);
  for (const commit of batch.commits) {
    const entries = view.commits.get(commit.companyID) ?? [];
    entries.push({ commit, watermarkLane, batch: ordinal });
    view.commits.set(commit.companyID, entries);
  }
}

/** Forgets what an ended sweep put into the company items: the `covers` oldest listed batches leave the list and the view. */
function dropSwept(view: DeferredView, covers: number): void {
  let through = -1;
  for (const batch of view.listed.splice(0, covers)) through = Math.max(through, view.batches.get(batch.id) ?? -1);
  for (const [id, ordinal] of view.batches) if (ordinal <= through) view.batches.delete(id);
  for (const [companyID, entries] of view.commits) {
    const kept = entries.filter((entry) => entry.batch > through);
    if (kept.length === 0) view.commits.delete(companyID);
    else if (kept.length < entries.length) view.commits.set(companyID, kept);
  }
}

/** A new lane epoch: the time it began, in base 36 (a lane item is not recreated twice in a millisecond). */
function newEpoch(now: Date): string {
  return now.getTime().toString(36);
}
