import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { BatchProcessor } from '../core/batch-processor';
import { describeError } from '../core/errors';
import type { InputRecord, Logger } from '../core/ports';

/** The stream name of an event source ARN (`arn:aws:kinesis:<region>:<account>:stream/<name>`). */
export function streamNameOf(eventSourceArn: string): string {
  const name = eventSourceArn.split(':stream/')[1];
  if (name === undefined || name.length === 0) throw new Error(`not a Kinesis stream ARN: ${eventSourceArn}`);
  return name.split('/')[0] as string;
}

/** The shard of a Kinesis Lambda record (`eventID` is `<shardId>:<sequenceNumber>`). */
export function shardIdOf(record: KinesisStreamRecord): string {
  return record.eventID.slice(0, record.eventID.lastIndexOf(':'));
}

/** A Lambda Kinesis record as the core's input record. */
export function toInputRecord(record: KinesisStreamRecord): InputRecord {
  return {
    stream: streamNameOf(record.eventSourceARN),
    shardId: shardIdOf(record),
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    arrivalTime: new Date(record.kinesis.approximateArrivalTimestamp * 1000),
    data: Buffer.from(record.kinesis.data, 'base64'),
  };
}

/**
 * Handles one event source mapping batch. Records are grouped by shard (an invocation normally
 * carries one) and each group goes through the core, which finishes any pending batch of that lane
 * first. When a group fails, its first record is reported in `batchItemFailures` (with
 * `ReportBatchItemFailures` the mapping then retries from there, so nothing after it is
 * checkpointed); records the lane had already completed are skipped on the retry.
 */
export function createKinesisEventHandler(processor: BatchProcessor, logger: Logger) {
  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const groups = new Map<string, { stream: string; shardId: string; records: KinesisStreamRecord[] }>();
    for (const record of event.Records) {
      const stream = streamNameOf(record.eventSourceARN);
      const shardId = shardIdOf(record);
      const key = `${stream}/${shardId}`;
      const group = groups.get(key) ?? { stream, shardId, records: [] };
      group.records.push(record);
      groups.set(key, group);
    }
    const batchItemFailures: KinesisStreamBatchResponse['batchItemFailures'] = [];
    for (const { stream, shardId, records } of groups.values()) {
      try {
        const result = await processor.process(stream, shardId, records.map(toInputRecord));
        logger.info('batch processed', { stream, shardId, records: records.length, ...result });
      } catch (error) {
        const first = records[0];
        logger.error('batch failed; reporting it for retry', { stream, shardId, error: describeError(error), records: records.length });
        if (first !== undefined) batchItemFailures.push({ itemIdentifier: first.kinesis.sequenceNumber });
      }
    }
    return { batchItemFailures };
  };
}
