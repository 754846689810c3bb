import { decodeCompanyEvent, decodeJobEvent, type DeadLetter, type JobEventLimits } from '@tenant-analytics/domain';
import { applyCommit, completeJobsCommit, type DedupeSettings } from './apply-commit';
import { compareSequence, emptyCompanyState, hasSeenEvent, isApplied, watermarkKey, type CompanyProfile, type CompanyState } from './company-state';
import { dedupeSegmentOf, DedupeWindow, eventKeyDigest } from './dedupe-window';
import { planJobs, scoredOutputs, toDeadLetter, type DecodedJob } from './job-batch-plan';
import { mapLimited } from '@tenant-analytics/domain';
import type { ChurnScoringService, ScoringOutcome } from './churn-scoring';
import { LaneConflictError, ScoringUnavailableError } from './errors';
import { deadLetterFiles, enrichedFiles } from './output-files';
import { laneIdOf, type CompanyCommit, type PendingBatch } from './pending-batch';
import {
  METRIC,
  type Clock,
  type CompanyStateStore,
  type InputRecord,
  type LaneStore,
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
}

/** Company states kept per lane at most; beyond it the cache starts over (bounded memory). */
const MAX_CACHED_STATES_PER_LANE = 100_000;


/**
 * The pipeline core: turns one shard's batch of records into state changes and outputs, exactly
 * once, following ARCHITECTURE.md §3 in its write-ahead form:
 *
 * 1. **Finish** a pending batch left by an earlier attempt (from its write-ahead record only).
 * 2. **Compute** the outputs and company commits of the records above the lane checkpoint (decode,
 *    state reads, tenant lookups, rolling counts, churn scoring) without any effect.
 * 3. **Write ahead**: make the whole result durable as the lane's pending batch.
 * 4. **Commit** each company's change with compare-and-set (guarded by the company's watermark).
 * 5. **Publish** S3 objects under keys derived from the batch range, dead letters, stream records.
 * 6. **Complete**: clear the pending batch and advance the lane checkpoint in one write.
 *
 * A crash anywhere, or a redelivery with any other batch boundaries, resumes at step 1 and leaves
 * state and S3 as one clean run would; the output stream may see a record twice (consumers dedupe
 * on `eventID`).
 */
export class BatchProcessor {
  private readonly writeConcurrency: number;
  private readonly maxCommitConflicts: number;
  private readonly laneCaches = new Map<string, LaneCache>();

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
    const logger = this.deps.logger.child({ laneId });
    const lane = await this.deps.laneStore.get(laneId);
    const cache = this.laneCache(laneId, lane.version);
    let checkpoint = lane.checkpoint;
    let laneVersion = lane.version;
    let recoveredPending = false;
    if (lane.pending !== undefined) {
      logger.info('finishing pending batch from an earlier attempt', { pendingId: lane.pending.id });
      laneVersion = await this.finish(laneId, lane.pending, laneVersion, cache);
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
    const { pending, states, planned } = await this.compute(stream, shardId, fresh, first.sequenceNumber, last.sequenceNumber, cache, parentLaneIds, epoch);
    // The fence: written only if no other processor moved the lane since it was read above. The
    // batch was computed from state read after that, which no other writer of this lane can have
    // changed without moving the lane, so a pending batch that lands is one computed from the truth.
    laneVersion = await this.deps.laneStore.putPending(laneId, pending, laneVersion).catch((error: unknown) => {
      if (error instanceof LaneConflictError) logger.warn('another processor moved the lane; this attempt stops without effect', { pendingId: pending.id });
      throw error;
    });
    await this.deps.afterStep?.('pending-written', pending);
    await this.finish(laneId, pending, laneVersion, cache, states, planned);
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
   * completion loses the race gets a `LaneConflictError`. `knownStates` are the states the batch
   * was computed from (saves a read; a stale one only costs a version conflict and a re-read), and
   * `planned` the states its commits make of them (saves applying the jobs a second time).
   */
  private async finish(
    laneId: string,
    pending: PendingBatch,
    laneVersion: number,
    cache: LaneCache,
    knownStates?: ReadonlyMap<string, CompanyState>,
    planned?: ReadonlyMap<string, CompanyState>,
  ): Promise<number> {
    await this.commitAll(watermarkKey(laneId, pending.epoch), pending.commits, cache, knownStates, planned);
    // The batch's producer ids join the lane's window before the batch completes: durable for
    // every later attempt, whichever processor makes it.
    const segment = dedupeSegmentOf(pending);
    if (segment !== undefined) {
      await this.deps.laneStore.putDedupeSegment(laneId, segment, this.settings.dedupe.windowMs);
      cache.window?.add(segment);
    }
    await this.deps.afterStep?.('committed', pending);
    await this.publish(pending);
    await this.deps.afterStep?.('published', pending);
    const version = await this.deps.laneStore.complete(laneId, pending.id, pending.lastSequenceNumber, laneVersion);
    // Everything cached was read or written while this processor held the lane: still true now.
    cache.version = version;
    await this.deps.afterStep?.('completed', pending);
    this.deps.metrics.count(METRIC.enriched, pending.enriched.length, { stream: pending.stream });
    for (const deadLetter of pending.deadLetters) {
      this.deps.metrics.count(METRIC.deadLetters, 1, { reason: deadLetter.reason });
    }
    return version;
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
  ): Promise<{ pending: PendingBatch; states?: ReadonlyMap<string, CompanyState>; planned?: ReadonlyMap<string, CompanyState> }> {
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
      const { states, planned, ...outputs } = await this.computeJobs(laneIdOf(stream, shardId), watermarkKey(laneIdOf(stream, shardId), epoch), records, now, cache, parentLaneIds);
      return { pending: { ...base, ...outputs }, states, planned };
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
  ): Promise<Pick<PendingBatch, 'commits' | 'enriched' | 'deadLetters'> & { states: ReadonlyMap<string, CompanyState>; planned: ReadonlyMap<string, CompanyState> }> {
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
      isDuplicate: (companyID, eventID, state) => window.has(eventKeyDigest(companyID, eventID), nowMs) || hasSeenEvent(state, eventID, nowMs),
      now,
    });
    if (plan.duplicates > 0) this.deps.metrics.count(METRIC.duplicatesSkipped, plan.duplicates);

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
    for (const [companyID, company] of plan.companies) {
      const lastScore = outputs.lastScores.get(companyID);
      const commit: CompanyCommit = { companyID, ...(company.lookup === undefined ? {} : { lookup: company.lookup }), jobs: company.jobs, ...(lastScore === undefined ? {} : { lastScore }) };
      commits.push(commit);
      const pre = states.get(companyID);
      const lastJob = company.jobs.at(-1);
      // A pre-state that already covers the commit (never, under the lane fence) is left to applyCommit.
      if (pre !== undefined && lastJob !== undefined && isApplied(pre, watermarkLane, lastJob.sequenceNumber)) continue;
      planned.set(companyID, completeJobsCommit(company.state, commit, watermarkLane, nowMs, this.settings.dedupe));
    }
    const deadLetters = [...decodeFailures, ...plan.deadLetters, ...outputs.deadLetters].sort((a, b) => compareSequence(a.record.sequenceNumber, b.record.sequenceNumber));
    return { commits, enriched: outputs.enriched, deadLetters, states, planned };
  }

  /**
   * The states of `companyIDs`: from the lane's cache where it has them, the rest read (strongly
   * consistent) and cached. A cached state can be older than the item only if another lane wrote
   * it (a snapshot): then the commit's version check fails and it is re-applied to the fresh item.
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
    for (const [id, state] of read) {
      states.set(id, state);
      this.cacheState(cache, state);
    }
    return states;
  }

  private cacheState(cache: LaneCache, state: CompanyState): void {
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

  private async commitAll(
    laneId: string,
    commits: readonly CompanyCommit[],
    cache: LaneCache,
    knownStates?: ReadonlyMap<string, CompanyState>,
    planned?: ReadonlyMap<string, CompanyState>,
  ): Promise<void> {
    if (commits.length === 0) return;
    const states = knownStates ?? (await this.deps.stateStore.getMany(commits.map((commit) => commit.companyID)));
    await mapLimited(commits, this.writeConcurrency, async (commit) => {
      let state = states.get(commit.companyID) ?? emptyCompanyState(commit.companyID);
      // Valid for the known state only: after a version conflict the commit is applied to the fresh one.
      let plannedNext = knownStates === undefined ? undefined : planned?.get(commit.companyID);
      for (let conflicts = 0; ; conflicts++) {
        const result =
          plannedNext !== undefined
            ? { next: plannedNext, staleSnapshots: 0, appliedSnapshots: 0 }
            : applyCommit(state, commit, laneId, this.deps.clock.now().getTime(), this.settings.dedupe);
        plannedNext = undefined;
        if (result.staleSnapshots > 0) this.deps.metrics.count(METRIC.staleSnapshots, result.staleSnapshots);
        if (result.appliedSnapshots > 0) this.deps.metrics.count(METRIC.snapshotsApplied, result.appliedSnapshots);
        if (result.next === undefined) {
          this.cacheState(cache, state);
          return;
        }
        const written: CompanyState = { ...result.next, version: state.version + 1 };
        if (await this.deps.stateStore.put(written)) {
          this.cacheState(cache, written);
          return;
        }
        this.deps.metrics.count(METRIC.stateCommitConflicts);
        if (conflicts + 1 >= this.maxCommitConflicts) {
          throw new Error(`company ${commit.companyID}: ${conflicts + 1} version conflicts in a row`);
        }
        state = (await this.deps.stateStore.getMany([commit.companyID])).get(commit.companyID) ?? emptyCompanyState(commit.companyID);
      }
    });
  }

  private async publish(pending: PendingBatch): Promise<void> {
    const { sink, deadLetters } = this.settings.locations;
    const files = [
      ...enrichedFiles(pending, sink.prefix).map((file) => ({ bucket: sink.bucket, file })),
      ...deadLetterFiles(pending, deadLetters.prefix).map((file) => ({ bucket: deadLetters.bucket, file })),
    ];
    await mapLimited(files, this.writeConcurrency, ({ bucket, file }) =>
      this.deps.objects.put(bucket, file.key, file.body, file.contentType, file.contentEncoding),
    );
    if (this.deps.enrichedStream !== undefined && pending.enriched.length > 0) {
      await this.deps.enrichedStream.putRecords(pending.enriched);
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

/** A new lane epoch: the time it began, in base 36 (a lane item is not recreated twice in a millisecond). */
function newEpoch(now: Date): string {
  return now.getTime().toString(36);
}
