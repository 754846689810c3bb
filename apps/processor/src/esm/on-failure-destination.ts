import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { InputRecord } from '../core/ports';
import type { Discard } from './batch-retry-policy';

/**
 * The document Lambda sends to a stream mapping's on-failure destination (SQS or SNS) when it
 * discards a batch (Developer Guide, "Using Lambda with Kinesis", error handling: example
 * invocation record). It names the records; it does not carry them: read them from the stream
 * (`startSequenceNumber` … `endSequenceNumber` of `shardId`) before they expire.
 */
export const kinesisOnFailureRecordSchema = z.object({
  requestContext: z.object({
    requestId: z.string(),
    functionArn: z.string(),
    condition: z.enum(['RetryAttemptsExhausted', 'RecordAgeExceeded']),
    approximateInvokeCount: z.number().int().nonnegative(),
  }),
  responseContext: z.object({
    statusCode: z.number().int().optional(),
    executedVersion: z.string(),
    functionError: z.string().optional(),
  }),
  version: z.literal('1.0'),
  timestamp: z.string(),
  KinesisBatchInfo: z.object({
    shardId: z.string(),
    startSequenceNumber: z.string(),
    endSequenceNumber: z.string(),
    approximateArrivalOfFirstRecord: z.string(),
    approximateArrivalOfLastRecord: z.string(),
    batchSize: z.number().int().positive(),
    streamArn: z.string(),
  }),
});
export type KinesisOnFailureRecord = z.infer<typeof kinesisOnFailureRecordSchema>;

/** Builds the on-failure record of a discarded batch. */
export function toOnFailureRecord(discard: Discard<InputRecord>, context: { readonly functionArn: string; readonly streamArn: string; readonly now: Date }): KinesisOnFailureRecord {
  const first = discard.records[0];
  const last = discard.records.at(-1);
  if (first === undefined || last === undefined) throw new Error('an on-failure record needs at least one record');
  return {
    requestContext: { requestId: randomUUID(), functionArn: context.functionArn, condition: discard.condition, approximateInvokeCount: discard.invocations },
    responseContext: {
      ...(discard.invocations > 0 ? { statusCode: 200 } : {}),
      executedVersion: '$LATEST',
      ...(discard.functionError ? { functionError: 'Unhandled' } : {}),
    },
    version: '1.0',
    timestamp: context.now.toISOString(),
    KinesisBatchInfo: {
      shardId: first.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: first.arrivalTime.toISOString(),
      approximateArrivalOfLastRecord: last.arrivalTime.toISOString(),
      batchSize: discard.records.length,
      streamArn: context.streamArn,
    },
  };
}

/** Where discarded batches are reported: the local stand-in of the mapping's SQS destination. */
export interface OnFailureDestination {
  send(record: KinesisOnFailureRecord): Promise<void>;
}

/**
 * An on-failure destination that appends one JSON document per line to a file, in the order the
 * mapping sends them (a local stand-in for the SQS queue the CDK app configures).
 */
export class JsonLinesOnFailureDestination implements OnFailureDestination {
  constructor(readonly file: string) {}

  async send(record: KinesisOnFailureRecord): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(record)}\n`, 'utf8');
  }
}

/**
 * Reads the records of a JSON Lines on-failure file; a missing file has none. A line that is not
 * an on-failure record throws, naming the line.
 */
export async function readOnFailureRecords(file: string): Promise<KinesisOnFailureRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = kinesisOnFailureRecordSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${index + 1} is not an on-failure record: ${parsed.error.message}`);
      return parsed.data;
    });
}
