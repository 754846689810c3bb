import { ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { followShard, shardIterator, type ShardPosition } from '@tenant-analytics/pipeline-harness';

/** Receives every record's bytes with the time its GetRecords page arrived (epoch ms). */
export type RecordHandler = (data: Uint8Array, observedAtMs: number) => void;

/**
 * A plain Kinesis consumer: polls every shard of a stream with GetRecords from where the stream
 * ended when the tap started (LATEST), and hands each record to `onRecord`. It does no work of its
 * own, so it serves both as the emulator's pass-through consumer and as the downstream reader
 * that sees when an enriched record came out. Each shard is read by the harness's `followShard`.
 */
export class StreamTap {
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  /** Failed reads (retried from the last record seen). */
  errors = 0;

  private constructor(
    private readonly onRecord: RecordHandler,
    private readonly pollIntervalMs: number,
  ) {}

  /** Takes a LATEST iterator on every shard, then starts polling; records put after this resolves are seen. */
  static async start(kinesis: KinesisClient, stream: string, onRecord: RecordHandler, pollIntervalMs = 50): Promise<StreamTap> {
    const tap = new StreamTap(onRecord, pollIntervalMs);
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
    const positions = shards.map(({ ShardId: shardId = '' }) => ({ kinesis, stream, shardId, from: 'LATEST' as const }));
    const iterators = await Promise.all(positions.map((position) => shardIterator(position)));
    tap.loops = positions.map((position, index) => tap.follow(position, iterators[index]));
    return tap;
  }

  /** Stops polling; resolves when every shard loop has ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private follow(position: ShardPosition, iterator: string | undefined): Promise<void> {
    return followShard({
      ...position,
      ...(iterator === undefined ? {} : { iterator }),
      limit: 10_000,
      until: this.abort.signal,
      pollIntervalMs: this.pollIntervalMs,
      onRecords: (records) => {
        const observedAtMs = Date.now();
        for (const record of records) this.onRecord(record.Data ?? new Uint8Array(), observedAtMs);
      },
      // An expired iterator or a busy emulator: count it; the read goes on after the last record seen.
      onError: () => void (this.errors += 1),
    });
  }
}
