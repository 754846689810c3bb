import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { toKinesisStreamEvent, type EventSourceIdentity } from '@tenant-analytics/processor';
import type { ShardBatch } from './workload';

/** A stand-in source: AWS's documentation account in the price list's region (any valid one: the handler reads only the stream name). */
export const BENCH_EVENT_SOURCE: EventSourceIdentity = { region: 'us-west-2', accountId: '123456789012', invokeIdentityArn: 'arn:aws:iam::123456789012:role/processor' };

/** The Lambda entry point of the processor: a Kinesis event in, the records to retry out. */
export type KinesisEventHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

/**
 * A shard batch as the Kinesis event source mapping hands it to the processor Lambda: one event
 * per batch, the records of one shard in order, each in the mapping's shape (`eventID`
 * `<shardId>:<sequenceNumber>`, the stream's ARN, base64 data). The handler's `toInputRecord`
 * turns each back into the input record it came from.
 */
export function toKinesisEvent(batch: ShardBatch, source: EventSourceIdentity): KinesisStreamEvent {
  // The processor's own builder, the one its event source mapping emulator uses.
  return toKinesisStreamEvent(batch.records, source);
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
