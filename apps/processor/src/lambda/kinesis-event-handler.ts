import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { BatchProcessor } from '../core/batch-processor';
import { describeError } from '../core/errors';
import type { InputRecord, Logger } from '../core/ports';
import type { ShardLineage } from './shard-lineage';

/** Stream names by event source ARN: every record of a batch carries the same ARN. */
const streamNames = new Map<string, string>();
/** ARNs remembered at most (a function reads a handful of streams). */
const MAX_REMEMBERED_ARNS = 64;

/** The stream name of an event source ARN (`arn:aws:kinesis:<region>:<account>:stream/<name>`). */
export function streamNameOf(eventSourceArn: string): string {
  const known = streamNames.get(eventSourceArn);
  if (known !== undefined) return known;
  const name = eventSourceArn.split(':stream/')[1]?.split('/')[0];
  if (name === undefined || name.length === 0) throw new Error(`not a Kinesis stream ARN: ${eventSourceArn}`);
  if (streamNames.size < MAX_REMEMBERED_ARNS) streamNames.set(eventSourceArn, name);
  return name;
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
 * checkpointed); records the lane had already completed are skipped on the retry. With a
 * `lineage`, a child shard's lane gets its parents (their dedupe windows are its own, and a pending
 * batch a parent left is finished first).
 */
export function createKinesisEventHandler(processor: BatchProcessor, logger: Logger, lineage?: ShardLineage) {
  /** Lanes whose parents this container has already finished (a closed shard gets no new pending batch). */
  const parentsSettled = new Set<string>();
  /**
   * The parents of a lane (when the handler knows the lineage), after finishing any pending batch
   * a parent left: the mapping reads a parent to its end before its children, but a parent's last
   * batch may have been given up with its pending batch durable (its counts applied, its outputs
   * not yet published); finishing it from the child publishes them.
   */
  const parentsOf = async (stream: string, shardId: string): Promise<readonly string[]> => {
    if (lineage === undefined) return [];
    const parents = await lineage.parentsOf(stream, shardId);
    const lane = `${stream}/${shardId}`;
    if (!parentsSettled.has(lane)) {
      for (const parent of parents) {
        const finished = await processor.process(stream, parent, []);
        if (finished.recoveredPending) logger.warn("finished a parent shard's pending batch before its child", { stream, shardId, parent });
      }
      parentsSettled.add(lane);
    }
    return parents;
  };
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
        const parentShardIds = await parentsOf(stream, shardId);
        const result = await processor.process(stream, shardId, records.map(toInputRecord), { parentShardIds });
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
