import type { PutRecordCommandInput, PutRecordsCommandInput, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { utf8Bytes } from './dynamodb-item-size';

/** Kinesis Data Streams bills PUT payload units of 25 KB: every record takes at least one. */
export const PUT_PAYLOAD_UNIT_BYTES = 25 * 1_024;

/** PUT payload units of one record: its data and partition key, per started 25 KB (a 5 KB record is 1, a 45 KB record 2). */
export function putPayloadUnits(dataBytes: number, partitionKey: string): number {
  return Math.max(1, Math.ceil((dataBytes + utf8Bytes(partitionKey)) / PUT_PAYLOAD_UNIT_BYTES));
}

/** What one PutRecord(s) call put on one stream. */
export interface KinesisPut {
  readonly stream: string;
  readonly records: number;
  readonly payloadUnits: number;
}

/** The stream a request names: `StreamName`, else the last part of `StreamARN`. */
function streamOf(input: { readonly StreamName?: string | undefined; readonly StreamARN?: string | undefined }): string {
  return input.StreamName ?? input.StreamARN?.split('/').pop() ?? '(unknown)';
}

const byteLength = (data: Uint8Array | undefined) => data?.byteLength ?? 0;

/** Records and payload units a successful PutRecord call put. */
export function putRecordUnits(input: PutRecordCommandInput): KinesisPut {
  return { stream: streamOf(input), records: 1, payloadUnits: putPayloadUnits(byteLength(input.Data), input.PartitionKey ?? '') };
}

/** Records and payload units a PutRecords call put: the entries the response does not mark as failed. */
export function putRecordsUnits(input: PutRecordsCommandInput, output: PutRecordsCommandOutput | undefined): KinesisPut {
  const results = output?.Records ?? [];
  let records = 0;
  let payloadUnits = 0;
  (input.Records ?? []).forEach((record, index) => {
    if (results[index]?.ErrorCode !== undefined) return;
    records += 1;
    payloadUnits += putPayloadUnits(byteLength(record.Data), record.PartitionKey ?? '');
  });
  return { stream: streamOf(input), records, payloadUnits };
}
