import { compareSequenceNumbers, sleep, type Logger } from '@tenant-analytics/domain';
import { IteratorExpiredError, StaleCheckpointError, type ShardInfo, type ShardReadResult, type StartPosition } from '../adapters/kinesis-shard-reader';
import type { BatchProcessor, ProcessOptions } from '../core/batch-processor';
import { describeError, isRetriableError, ScoringUnavailableError } from '../core/errors';
import { laneIdOf } from '../core/pending-batch';
import { METRIC, type Metrics } from '../core/ports';

/** What the runner needs from Kinesis (implemented by KinesisShardReader). */
export interface ShardSource {
  listShards(stream: string): Promise<ShardInfo[]>;
  iterator(stream: string, shardId: string, position: StartPosition): Promise<string>;
  read(stream: string, shardId: string, iterator: string, limit: number): Promise<ShardReadResult>;
}

/** One input stream and where to start reading it when a shard has no checkpoint. */
export interface RunnerStream {
  readonly name: string;
  readonly initialPosition: StartPosition;
}

/** Runner settings (config keys `runner.*`). */
export interface ShardLanesRunnerSettings {
  readonly streams: readonly RunnerStream[];
  /** Wait between polls when a shard is caught up. */
  readonly pollIntervalMs: number;
  readonly getRecordsLimit: number;
  /** How often to look for new shards (resharding). @default 10000 */
  readonly shardDiscoveryIntervalMs?: number;
  /** Backoff cap for retrying a failed batch or read. @default 30000 */
  readonly maxBackoffMs?: number;
  /**
   * Backoff cap for a batch deferred because the churn API is unavailable. Short, because the
   * scoring service paces itself (retries with backoff, a breaker that probes after its half-open
   * delay): a long wait here would only add lag after the API is back. @default 2000
   */
  readonly maxDeferredBackoffMs?: number;
}

/**
 * The wait before retrying after the `failures`-th failure in a row: full jitter over a capped
 * exponential (`baseMs` × 2^failures), capped at `maxDeferredBackoffMs` for a batch deferred by a
 * churn outage and at `maxBackoffMs` otherwise.
 */
export function retryDelayMs(
  error: unknown,
  failures: number,
  baseMs: number,
  settings: Pick<ShardLanesRunnerSettings, 'maxBackoffMs' | 'maxDeferredBackoffMs'>,
  random: () => number = Math.random,
): number {
  const cap = settings.maxBackoffMs ?? 30_000;
  const deferredCap = error instanceof ScoringUnavailableError ? Math.min(cap, settings.maxDeferredBackoffMs ?? 2_000) : cap;
  return random() * Math.min(deferredCap, baseMs * 2 ** failures);
}

/**
 * Polls every shard of every input stream, one lane per shard (records of a shard are processed in
 * order, one batch at a time; shards run concurrently). A child shard starts only once its parents
 * are read to their end, so per-company order survives resharding. A failed batch is retried, with
 * the same records, with capped exponential backoff: the checkpoint never passes a record that was
 * not processed. `stop()` lets the batches in flight finish, then resolves.
 */
export class ShardLanesRunner {
  private readonly abort = new AbortController();
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly finishedShards = new Set<string>();
  private readonly behind = new Map<string, number>();
  private running?: Promise<void>;

  constructor(
    private readonly settings: ShardLanesRunnerSettings,
    private readonly source: ShardSource,
    private readonly processor: BatchProcessor,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  /** Starts reading; resolves once shard discovery has started the first lanes. */
  async start(): Promise<void> {
    await this.discover();
    this.running = this.discoveryLoop();
  }

  /** Stops fetching, waits for the batches in flight, and resolves when every lane has stopped. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await Promise.all(this.lanes.values());
    // Leave the company items complete: a later run (or a reader of the table) needs no deferred batches.
    await this.processor.compactAll().catch((error: unknown) => {
      this.logger.warn('compacting the lanes at stop failed; their deferred batches stay listed and are compacted by the next run', { error: describeError(error) });
    });
  }

  /** The highest millisBehindLatest over the lanes at their last read. */
  get maxMillisBehindLatest(): number {
    return Math.max(0, ...this.behind.values());
  }

  private async discoveryLoop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      await sleep(this.settings.shardDiscoveryIntervalMs ?? 10_000, this.abort.signal);
      if (this.abort.signal.aborted) break;
      await this.discover().catch((error: unknown) => this.logger.warn('shard discovery failed; will retry', { error: describeError(error) }));
    }
  }

  private async discover(): Promise<void> {
    for (const stream of this.settings.streams) {
      const shards = await this.source.listShards(stream.name);
      const known = new Set(shards.map((shard) => shard.shardId));
      for (const shard of shards) {
        const laneId = laneIdOf(stream.name, shard.shardId);
        if (this.lanes.has(laneId) || this.finishedShards.has(laneId)) continue;
        // A parent still listed and not read to its end holds its children back (per-key order).
        const parents = [shard.parentShardId, shard.adjacentParentShardId].filter((id): id is string => id !== undefined && known.has(id));
        if (parents.some((parent) => !this.finishedShards.has(laneIdOf(stream.name, parent)))) continue;
        this.lanes.set(laneId, this.runLane(stream, shard));
      }
    }
  }

  private async runLane(stream: RunnerStream, shard: ShardInfo): Promise<void> {
    const laneId = laneIdOf(stream.name, shard.shardId);
    const hasParent = shard.parentShardId !== undefined;
    // A child lane's dedupe window includes its parents' (a duplicate may straddle the reshard).
    const options = { parentShardIds: [shard.parentShardId, shard.adjacentParentShardId].filter((id): id is string => id !== undefined) };
    const logger = this.logger.child({ laneId });
    const signal = this.abort.signal;
    let failures = 0;
    const backoff = async (error: unknown, what: string) => {
      failures += 1;
      const delayMs = retryDelayMs(error, failures, 100, this.settings);
      const log = isRetriableError(error) ? logger.warn.bind(logger) : logger.error.bind(logger);
      log(`${what} failed; retrying`, { error: describeError(error), failures, delayMs: Math.round(delayMs) });
      await sleep(delayMs, signal);
    };

    // Finish a batch left pending by a crash before reading on, and find where to resume.
    let checkpoint: string | undefined;
    for (;;) {
      if (signal.aborted) return;
      try {
        checkpoint = (await this.processor.process(stream.name, shard.shardId, [], options)).checkpoint;
        break;
      } catch (error) {
        await backoff(error, 'recovering the lane');
      }
    }
    // A closed shard whose checkpoint reached its end has nothing left.
    if (shard.endingSequenceNumber !== undefined && checkpoint !== undefined && compareSequenceNumbers(checkpoint, shard.endingSequenceNumber) >= 0) {
      this.markFinished(laneId);
      return;
    }
    const startAt = (): StartPosition =>
      checkpoint !== undefined
        ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint }
        : hasParent
          ? { type: 'TRIM_HORIZON' }
          : stream.initialPosition;

    let iterator: string | undefined;
    while (!signal.aborted) {
      try {
        iterator ??= await this.source.iterator(stream.name, shard.shardId, startAt());
        const result = await this.source.read(stream.name, shard.shardId, iterator, this.settings.getRecordsLimit);
        this.behind.set(laneId, result.millisBehindLatest);
        this.metrics.observe(METRIC.millisBehindLatest, result.millisBehindLatest, { laneId });
        if (result.records.length > 0) {
          checkpoint = (await this.processUntilDone(stream.name, shard.shardId, result.records, logger, options)) ?? checkpoint;
          if (signal.aborted) return;
        }
        failures = 0;
        if (result.nextIterator === undefined) {
          logger.info('shard closed and fully read');
          this.markFinished(laneId);
          return;
        }
        iterator = result.nextIterator;
        if (result.records.length === 0) {
          // A quiet shard still compacts on time: its deferred batches reach the company items.
          await this.processor.compactIfDue(stream.name, shard.shardId);
          if (result.millisBehindLatest === 0) await sleep(this.settings.pollIntervalMs, signal);
        }
      } catch (error) {
        // An iterator stays valid for 5 minutes: after a transient failure (throttling) read on with it.
        // Re-acquiring from the initial position (LATEST) would skip what arrived in between.
        if (error instanceof IteratorExpiredError || !isRetriableError(error)) iterator = undefined;
        await backoff(error, 'reading the shard');
        if (error instanceof StaleCheckpointError) {
          // Counted for an alarm, and retried from the stored checkpoint: an operator who deletes
          // the lane's items (as the error says) restarts the shard without restarting the runner.
          this.metrics.count(METRIC.staleCheckpoints, 1, { laneId });
          checkpoint = await this.processor.process(stream.name, shard.shardId, [], options).then((result) => result.checkpoint, () => checkpoint);
        }
      }
    }
  }

  /** Processes one batch, retrying until it succeeds or the runner stops. */
  private async processUntilDone(stream: string, shardId: string, records: InputRecordList, logger: Logger, options: ProcessOptions): Promise<string | undefined> {
    for (let failures = 0; ; failures++) {
      try {
        const result = await this.processor.process(stream, shardId, records, options);
        return result.checkpoint;
      } catch (error) {
        if (this.abort.signal.aborted) throw error;
        const delayMs = retryDelayMs(error, failures, 200, this.settings);
        (isRetriableError(error) ? logger.warn.bind(logger) : logger.error.bind(logger))('batch failed; retrying the same records', {
          error: describeError(error),
          records: records.length,
          failures: failures + 1,
          delayMs: Math.round(delayMs),
        });
        await sleep(delayMs, this.abort.signal);
        if (this.abort.signal.aborted) throw error;
      }
    }
  }

  private markFinished(laneId: string): void {
    this.finishedShards.add(laneId);
    this.lanes.delete(laneId);
    this.behind.delete(laneId);
    void this.discover().catch(() => undefined);
  }
}

type InputRecordList = Parameters<BatchProcessor['process']>[2];
