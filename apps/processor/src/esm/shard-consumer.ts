import type { InputRecord, Logger } from '../core/ports';
import { IteratorExpiredError, type ShardReadResult, type StartPosition } from '../adapters/kinesis-shard-reader';
import { decideAfterInvocation, splitExpired, type BatchAttempt, type Discard } from './batch-retry-policy';
import { batchVerdictOf, type BatchVerdict, type InvocationResult } from './invocation-verdict';

/** The two reads a shard consumer needs (the processor's `KinesisShardReader` has them). */
export interface ShardRecordSource {
  iterator(stream: string, shardId: string, position: StartPosition): Promise<string>;
  read(stream: string, shardId: string, iterator: string, limit: number): Promise<ShardReadResult>;
}

/** The mapping settings one shard's consumer applies, in milliseconds. */
export interface ShardConsumerSettings {
  readonly batchSize: number;
  readonly maxBatchingWindowMs: number;
  readonly retryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly maxRecordAgeMs: number;
  /** Delay between GetRecords calls of a caught-up shard (Lambda: "a base rate of once per second"). */
  readonly pollIntervalMs: number;
  /** Delay before a failed batch is retried. */
  readonly retryDelayMs: number;
}

/** One invocation, as reported to listeners (tests wait on these). */
export interface InvocationReport {
  readonly stream: string;
  readonly shardId: string;
  readonly firstSequenceNumber: string;
  readonly lastSequenceNumber: string;
  readonly records: number;
  readonly retries: number;
  readonly result: InvocationResult;
  readonly verdict: BatchVerdict;
}

/** What a shard consumer uses; built by the mapping emulator. */
export interface ShardConsumerDependencies {
  readonly source: ShardRecordSource;
  readonly invoke: (records: readonly InputRecord[]) => Promise<InvocationResult>;
  readonly discard: (discard: Discard<InputRecord>) => Promise<void>;
  readonly settings: ShardConsumerSettings;
  readonly now: () => number;
  readonly logger: Logger;
  readonly onInvocation: (report: InvocationReport) => void;
}

/**
 * One shard of an emulated event source mapping with `ParallelizationFactor` 1: it gathers a batch
 * (batch size or batching window, whichever comes first), invokes the function with it and applies
 * the mapping's error handling before it reads anything newer, so one batch of the shard is in
 * flight at a time (a timed-out invocation may still run behind it). Records are read exactly up to
 * the batch size, so the iterator always points just after the batch in hand.
 */
export class ShardConsumer {
  private stopping = false;
  private wake: (() => void) | undefined;
  private checkpointSequence: string | undefined;

  constructor(
    readonly stream: string,
    readonly shardId: string,
    private readonly startPosition: StartPosition,
    private readonly deps: ShardConsumerDependencies,
  ) {}

  /** The last sequence number the mapping is done with (succeeded or discarded). */
  get checkpoint(): string | undefined {
    return this.checkpointSequence;
  }

  /** Asks the consumer to stop after the invocation in flight (no further retries). */
  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  /** Runs until the shard is closed and fully processed (`closed`) or {@link stop} (`stopped`). */
  async run(): Promise<'closed' | 'stopped'> {
    const { settings } = this.deps;
    let lastRead: string | undefined;
    let iterator = await this.withRetries(() => this.deps.source.iterator(this.stream, this.shardId, this.startPosition));
    if (iterator === undefined) return 'stopped';
    while (!this.stopping) {
      const batch: InputRecord[] = [];
      let closed = false;
      let deadline: number | undefined;
      while (!this.stopping && batch.length < settings.batchSize) {
        let result: ShardReadResult;
        try {
          result = await this.deps.source.read(this.stream, this.shardId, iterator, settings.batchSize - batch.length);
        } catch (error) {
          if (error instanceof IteratorExpiredError) {
            const position: StartPosition = lastRead === undefined ? this.startPosition : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastRead };
            const renewed = await this.withRetries(() => this.deps.source.iterator(this.stream, this.shardId, position));
            if (renewed === undefined) return 'stopped';
            iterator = renewed;
            continue;
          }
          this.deps.logger.warn('GetRecords failed; polling again', { error: String(error) });
          await this.sleep(settings.pollIntervalMs);
          continue;
        }
        batch.push(...result.records);
        lastRead = batch.at(-1)?.sequenceNumber ?? lastRead;
        if (result.nextIterator === undefined) {
          closed = true;
          break;
        }
        iterator = result.nextIterator;
        if (batch.length === 0) {
          await this.sleep(settings.pollIntervalMs);
          continue;
        }
        deadline ??= this.deps.now() + settings.maxBatchingWindowMs;
        const left = deadline - this.deps.now();
        if (left <= 0) break;
        if (result.records.length === 0) await this.sleep(Math.min(settings.pollIntervalMs, left));
      }
      if (batch.length > 0) await this.resolve(batch);
      if (closed && !this.stopping) return 'closed';
    }
    return 'stopped';
  }

  /** Invokes with `records` and retries, bisects or discards until every record is done with. */
  private async resolve(records: readonly InputRecord[]): Promise<void> {
    const { settings } = this.deps;
    const queue: BatchAttempt<InputRecord>[] = [{ records, retries: 0, invocations: 0 }];
    for (let attempt = queue.shift(); attempt !== undefined && !this.stopping; attempt = queue.shift()) {
      const { expired, fresh } = splitExpired(attempt.records, this.deps.now(), settings.maxRecordAgeMs);
      if (expired.length > 0) await this.discard({ records: expired, condition: 'RecordAgeExceeded', invocations: attempt.invocations, functionError: false });
      if (fresh.length === 0) continue;
      const current = { ...attempt, records: fresh };
      const result = await this.deps.invoke(current.records);
      const verdict = batchVerdictOf(current.records, result);
      this.deps.onInvocation({
        stream: this.stream,
        shardId: this.shardId,
        firstSequenceNumber: current.records[0]?.sequenceNumber ?? '',
        lastSequenceNumber: current.records.at(-1)?.sequenceNumber ?? '',
        records: current.records.length,
        retries: current.retries,
        result,
        verdict,
      });
      const decision = decideAfterInvocation(current, verdict, settings);
      const lastSucceeded = decision.succeeded.at(-1);
      if (lastSucceeded !== undefined) this.checkpointSequence = lastSucceeded.sequenceNumber;
      if (decision.discarded !== undefined) await this.discard(decision.discarded);
      if (verdict.kind !== 'success') {
        this.deps.logger.warn('batch failed', { records: current.records.length, retries: current.retries, verdict });
      }
      queue.unshift(...decision.next);
      if (decision.next.length > 0 && decision.next[0]?.retries !== current.retries) await this.sleep(settings.retryDelayMs);
    }
  }

  /** Sends discarded records to the on-failure destination (retrying until it accepts) and moves past them. */
  private async discard(discard: Discard<InputRecord>): Promise<void> {
    this.deps.logger.error('discarding records', { condition: discard.condition, records: discard.records.length });
    const sent = await this.withRetries(async () => {
      await this.deps.discard(discard);
      return true;
    });
    if (sent === true) this.checkpointSequence = discard.records.at(-1)?.sequenceNumber ?? this.checkpointSequence;
  }

  /** Runs `operation` until it succeeds or the consumer stops (undefined). */
  private async withRetries<T>(operation: () => Promise<T>): Promise<T | undefined> {
    while (!this.stopping) {
      try {
        return await operation();
      } catch (error) {
        this.deps.logger.warn('shard operation failed; retrying', { error: String(error) });
        await this.sleep(this.deps.settings.pollIntervalMs);
      }
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
