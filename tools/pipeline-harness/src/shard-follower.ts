import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient, type _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import { sleep } from '@tenant-analytics/domain';

/** Where to read a shard from. */
export interface ShardPosition {
  readonly kinesis: KinesisClient;
  readonly stream: string;
  readonly shardId: string;
  /** Start after this sequence number. @default - `from` */
  readonly after?: string;
  /**
   * Where to start without `after`: the shard's first record, or only the records put from now on
   * (a consumer that joins a running stream).
   * @default 'TRIM_HORIZON'
   */
  readonly from?: 'TRIM_HORIZON' | 'LATEST';
}

/** Options of {@link followShard}. */
export interface FollowShardOptions extends ShardPosition {
  /** Records per GetRecords call. */
  readonly limit: number;
  /** Called with each non-empty page's records, in shard order. */
  readonly onRecords: (records: readonly KinesisRecord[]) => void;
  /**
   * `caught-up`: return at the first empty page, a read of everything put so far (kinesalite
   * always reports MillisBehindLatest 0, so an empty page is the only sign); any error is thrown.
   * An AbortSignal: keep polling, `pollIntervalMs` apart while caught up, until it aborts.
   */
  readonly until: 'caught-up' | AbortSignal;
  /** @default 100 */
  readonly pollIntervalMs?: number;
  /**
   * When following (an AbortSignal): a failed call (expired iterator, throttling, a restarted
   * emulator) is reported here and the shard is read again after the last record seen. Without
   * it, the error is thrown.
   */
  readonly onError?: (error: unknown) => void;
  /**
   * A shard iterator to read first, taken beforehand with {@link shardIterator}: the read then
   * covers every record put after that moment, even if the loop starts later.
   * @default - one taken at the start position
   */
  readonly iterator?: string;
}

/** A shard iterator at `position` (after `after` when given), or undefined when the emulator gives none. */
export async function shardIterator(position: ShardPosition, after: string | undefined = position.after): Promise<string | undefined> {
  const { ShardIterator: iterator } = await position.kinesis.send(
    new GetShardIteratorCommand({
      StreamName: position.stream,
      ShardId: position.shardId,
      ...(after === undefined ? { ShardIteratorType: position.from ?? 'TRIM_HORIZON' } : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }),
    }),
  );
  return iterator;
}

/**
 * Reads one shard in order with GetShardIterator/GetRecords, as a consumer would: until it is
 * caught up, or on and on until a signal aborts. A closed shard ends the read at its last record.
 * The one shard-reading loop of the workspace's tools (the output-stream reader, the stream tail,
 * the benchmark's stream tap).
 *
 * @example
 * await followShard({ kinesis, stream: 'enrichedcompanies', shardId, limit: 1_000, until: 'caught-up', onRecords: (page) => records.push(...page) });
 */
export async function followShard(options: FollowShardOptions): Promise<void> {
  const signal = options.until === 'caught-up' ? undefined : options.until;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  let after = options.after;
  let iterator = options.iterator;
  while (!signal?.aborted) {
    try {
      iterator ??= await shardIterator(options, after);
      if (iterator === undefined) return;
      const page = await options.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: options.limit }));
      const records = page.Records ?? [];
      if (records.length > 0) {
        after = records.at(-1)?.SequenceNumber ?? after;
        options.onRecords(records);
      }
      iterator = page.NextShardIterator;
      if (iterator === undefined) return; // a closed shard, read to its end
      if (records.length === 0) {
        if (signal === undefined) return;
        await sleep(pollIntervalMs, signal);
      }
    } catch (error) {
      if (signal === undefined || options.onError === undefined) throw error;
      options.onError(error);
      iterator = undefined;
      await sleep(Math.max(pollIntervalMs, 250), signal);
    }
  }
}

/** Whether a record follows `position.after` (or the shard holds any record, without it): one GetRecords of 1. */
export async function hasRecordAfter(position: ShardPosition): Promise<boolean> {
  const iterator = await shardIterator(position);
  if (iterator === undefined) return false;
  const page = await position.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1 }));
  return (page.Records ?? []).length > 0;
}
