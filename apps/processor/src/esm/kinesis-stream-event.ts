import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { InputRecord } from '../core/ports';

/** Who the emulated mapping invokes as, and where: the fields Lambda stamps on every record. */
export interface EventSourceIdentity {
  readonly region: string;
  readonly accountId: string;
  /** The function's execution role (`invokeIdentityArn`). */
  readonly invokeIdentityArn: string;
}

/** `arn:aws:kinesis:<region>:<account>:stream/<name>`, as Lambda puts it in `eventSourceARN`. */
export function kinesisStreamArn(identity: EventSourceIdentity, stream: string): string {
  return `arn:aws:kinesis:${identity.region}:${identity.accountId}:stream/${stream}`;
}

/**
 * One Kinesis record as Lambda delivers it (AWS Lambda Developer Guide, "Using Lambda with Kinesis",
 * example event): `eventID` is `<shardId>:<sequenceNumber>`, `data` is base64, and
 * `approximateArrivalTimestamp` is in seconds (with milliseconds as the fraction).
 */
export function toKinesisStreamRecord(record: InputRecord, identity: EventSourceIdentity): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.partitionKey,
      sequenceNumber: record.sequenceNumber,
      data: Buffer.from(record.data).toString('base64'),
      approximateArrivalTimestamp: record.arrivalTime.getTime() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${record.shardId}:${record.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: identity.invokeIdentityArn,
    awsRegion: identity.region,
    eventSourceARN: kinesisStreamArn(identity, record.stream),
  };
}

/** The invocation payload of one batch (records of one shard, in sequence order). */
export function toKinesisStreamEvent(records: readonly InputRecord[], identity: EventSourceIdentity): KinesisStreamEvent {
  return { Records: records.map((record) => toKinesisStreamRecord(record, identity)) };
}
