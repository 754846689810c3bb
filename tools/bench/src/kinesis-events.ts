import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { InputRecord } from '@tenant-analytics/processor';
import type { ShardBatch } from './workload';

/** The account and region the event source mapping's records name (any valid pair: the handler reads only the stream name). */
export interface KinesisEventSource {
  readonly region: string;
  readonly accountId: string;
}

/** A stand-in source: AWS's documentation account in the price list's region. */
export const BENCH_EVENT_SOURCE: KinesisEventSource = { region: 'us-west-2', accountId: '123456789012' };

/** The Lambda entry point of the processor: a Kinesis event in, the records to retry out. */
export type KinesisEventHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

/** `arn:aws:kinesis:<region>:<account>:stream/<name>`, the mapping's `eventSourceARN`. */
export function streamArnOf(source: KinesisEventSource, stream: string): string {
  return `arn:aws:kinesis:${source.region}:${source.accountId}:stream/${stream}`;
}

/** One input record as the event source mapping delivers it: data in base64, arrival time in epoch seconds. */
function toKinesisRecord(record: InputRecord, source: KinesisEventSource): KinesisStreamRecord {
  return {
    eventID: `${record.shardId}:${record.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    eventVersion: '1.0',
    eventSource: 'aws:kinesis',
    awsRegion: source.region,
    invokeIdentityArn: `arn:aws:iam::${source.accountId}:role/processor`,
    eventSourceARN: streamArnOf(source, record.stream),
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.partitionKey,
      sequenceNumber: record.sequenceNumber,
      data: Buffer.from(record.data).toString('base64'),
      approximateArrivalTimestamp: record.arrivalTime.getTime() / 1_000,
    },
  };
}

/**
 * A shard batch as the Kinesis event source mapping hands it to the processor Lambda: one event
 * per batch, the records of one shard in order, each in the mapping's shape (`eventID`
 * `<shardId>:<sequenceNumber>`, the stream's ARN, base64 data). The handler's `toInputRecord`
 * turns each back into the input record it came from.
 */
export function toKinesisEvent(batch: ShardBatch, source: KinesisEventSource): KinesisStreamEvent {
  return { Records: batch.records.map((record) => toKinesisRecord(record, source)) };
}

/**
 * Invokes `handler` with each event in turn, as one warm container takes a mapping's batches;
 * returns how many records the handler reported for retry (0 when every batch went through).
 */
export async function invokeInOrder(handler: KinesisEventHandler, events: readonly KinesisStreamEvent[]): Promise<number> {
  let failures = 0;
  for (const event of events) failures += (await handler(event)).batchItemFailures.length;
  return failures;
}
