import { sleep } from '@tenant-analytics/domain';
import type { ShardReadResult, ShardSource } from '@tenant-analytics/processor';

/** The event source mapping's batching, as {@link BatchingWindowSource} emulates it. */
export interface BatchingWindow {
  /** Records per batch at most (the mapping's `BatchSize`). */
  readonly maxBatchSize: number;
  /** How long records are gathered before the batch goes (the mapping's `MaximumBatchingWindowInSeconds`). */
  readonly windowMs: number;
  /** How often the shard is read while gathering (Kinesis allows 5 reads per second per shard). */
  readonly pollMs: number;
}

/** The clock of a {@link BatchingWindowSource}; fake in tests. */
export interface WindowClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: WindowClock = { now: () => performance.now(), sleep: (ms) => sleep(ms) };

/**
 * A shard source that hands the local runner batches the way a Lambda event source mapping with a
 * batching window would: it keeps reading a shard until it has `maxBatchSize` records or
 * `windowMs` has passed since the read began, then returns everything gathered as one batch. The
 * runner's own settings cannot do that: its poll interval only applies after an empty read, so at
 * 250 events/s per shard it would process whatever arrived during the previous batch — batches a
 * fraction of the size Lambda delivers, and so more company writes per event.
 */
export class BatchingWindowSource implements ShardSource {
  constructor(
    private readonly inner: ShardSource,
    private readonly window: BatchingWindow,
    private readonly clock: WindowClock = realClock,
  ) {}

  listShards(stream: string): ReturnType<ShardSource['listShards']> {
    return this.inner.listShards(stream);
  }

  iterator(...args: Parameters<ShardSource['iterator']>): ReturnType<ShardSource['iterator']> {
    return this.inner.iterator(...args);
  }

  async read(stream: string, shardId: string, iterator: string, limit: number): Promise<ShardReadResult> {
    const max = Math.min(limit, this.window.maxBatchSize);
    const deadline = this.clock.now() + this.window.windowMs;
    const records: ShardReadResult['records'] = [];
    let next: string | undefined = iterator;
    let millisBehindLatest = 0;
    for (;;) {
      const page: ShardReadResult = await this.inner.read(stream, shardId, next, max - records.length);
      records.push(...page.records);
      next = page.nextIterator;
      millisBehindLatest = page.millisBehindLatest;
      if (next === undefined || records.length >= max) break;
      const remaining = deadline - this.clock.now();
      if (remaining <= 0) break;
      // A shard that is behind has more to give at once; one that is caught up is read again shortly.
      if (page.records.length === 0 || millisBehindLatest === 0) await this.clock.sleep(Math.min(this.window.pollMs, remaining));
    }
    return { records, ...(next === undefined ? {} : { nextIterator: next }), millisBehindLatest };
  }
}
