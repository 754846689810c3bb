import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { setTimeout as sleep } from 'node:timers/promises';

/** Receives every record's bytes with the time its GetRecords page arrived (epoch ms). */
export type RecordHandler = (data: Uint8Array, observedAtMs: number) => void;

/**
 * A plain Kinesis consumer: polls every shard of a stream with GetRecords from where the stream
 * ended when the tap started (LATEST), and hands each record to `onRecord`. It does no work of its
 * own, so it serves both as the emulator's pass-through consumer and as the downstream reader
 * that sees when an enriched record came out.
 */
export class StreamTap {
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  /** Failed reads (retried from the last record seen). */
  errors = 0;

  private constructor(
    private readonly kinesis: KinesisClient,
    private readonly stream: string,
    private readonly onRecord: RecordHandler,
    private readonly pollIntervalMs: number,
  ) {}

  /** Takes a LATEST iterator on every shard, then starts polling; records put after this resolves are seen. */
  static async start(kinesis: KinesisClient, stream: string, onRecord: RecordHandler, pollIntervalMs = 50): Promise<StreamTap> {
    const tap = new StreamTap(kinesis, stream, onRecord, pollIntervalMs);
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
    const iterators = await Promise.all(
      shards.map(async ({ ShardId: shardId = '' }) => ({
        shardId,
        iterator: (await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'LATEST' }))).ShardIterator,
      })),
    );
    tap.loops = iterators.map(({ shardId, iterator }) => tap.follow(shardId, iterator));
    return tap;
  }

  /** Stops polling; resolves when every shard loop has ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private async follow(shardId: string, first: string | undefined): Promise<void> {
    const signal = this.abort.signal;
    let iterator = first;
    let lastSequence: string | undefined;
    const pause = (ms: number) => sleep(ms, undefined, { signal }).catch(() => undefined);
    while (!signal.aborted) {
      try {
        iterator ??= (
          await this.kinesis.send(
            new GetShardIteratorCommand({
              StreamName: this.stream,
              ShardId: shardId,
              ...(lastSequence === undefined ? { ShardIteratorType: 'LATEST' } : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: lastSequence }),
            }),
          )
        ).ShardIterator;
        if (iterator === undefined) return;
        const page = await this.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        const observedAtMs = Date.now();
        const records = page.Records ?? [];
        for (const record of records) {
          lastSequence = record.SequenceNumber ?? lastSequence;
          this.onRecord(record.Data ?? new Uint8Array(), observedAtMs);
        }
        iterator = page.NextShardIterator;
        if (records.length === 0) await pause(this.pollIntervalMs);
      } catch {
        // An expired iterator or a busy emulator: count it and continue after the last record seen.
        this.errors += 1;
        iterator = undefined;
        await pause(Math.max(this.pollIntervalMs, 250));
      }
    }
  }
}
