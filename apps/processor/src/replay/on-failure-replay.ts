import { readFile } from 'node:fs/promises';
import type { KinesisShardReader } from '../adapters/kinesis-shard-reader';
import type { BatchProcessor, DiscardedReplay } from '../core/batch-processor';
import type { Logger } from '../core/ports';
import { kinesisOnFailureRecordSchema, type KinesisOnFailureRecord } from '../esm/on-failure-destination';
import type { QueueDrain } from './on-failure-queue';
import { kinesisRangeReader } from './shard-range-reader';

/** One on-failure record and what its replay did. */
export interface OnFailureReplayEntry {
  readonly stream: string;
  readonly shardId: string;
  readonly first: string;
  readonly last: string;
  /** `planned` in a dry run. */
  readonly outcome: DiscardedReplay['outcome'] | 'planned';
  readonly records?: number;
  readonly enriched?: number;
  readonly deadLetters?: number;
}

export interface OnFailureReplaySummary {
  readonly records: readonly OnFailureReplayEntry[];
  /** With `--from-on-failure-queue`: what draining the queue did. */
  readonly queue?: QueueDrain;
}

/** The stream name of a Kinesis stream ARN (`arn:aws:kinesis:<region>:<account>:stream/<name>`). */
export function streamNameOfArn(arn: string): string {
  const match = /^arn:aws[a-z-]*:kinesis:[^:]*:[^:]*:stream\/(.+)$/.exec(arn);
  if (match === null) throw new Error(`not a Kinesis stream ARN: ${JSON.stringify(arn)}`);
  return match[1] as string;
}

/**
 * Reads on-failure records from a JSON Lines file: one record per line (the document Lambda sends
 * to the mapping's destination). A line that is not one fails the whole run, naming the line,
 * before anything is processed.
 */
export async function readOnFailureRecords(file: string): Promise<KinesisOnFailureRecord[]> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new Error(`cannot read the on-failure records ${file}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const records: KinesisOnFailureRecord[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${index + 1}: not JSON`);
    }
    const parsed = kinesisOnFailureRecordSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${file}:${index + 1}: not an on-failure record of a Kinesis mapping: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    records.push(parsed.data);
  }
  return records;
}

/** What replaying on-failure records needs. */
export interface OnFailureReplayDependencies {
  readonly processor: BatchProcessor;
  readonly reader: KinesisShardReader;
  readonly dryRun: boolean;
  readonly logger: Logger;
}

/** Replays the batch one on-failure record names, through {@link BatchProcessor.replayDiscarded} (exactly once, however often it runs). */
export async function replayOnFailureRecord(record: KinesisOnFailureRecord, deps: OnFailureReplayDependencies): Promise<OnFailureReplayEntry> {
  const { shardId, startSequenceNumber: first, endSequenceNumber: last, streamArn } = record.KinesisBatchInfo;
  const stream = streamNameOfArn(streamArn);
  if (deps.dryRun) return { stream, shardId, first, last, outcome: 'planned' };
  const result = await deps.processor.replayDiscarded(stream, shardId, { first, last }, kinesisRangeReader(deps.reader, stream, shardId));
  deps.logger.info('on-failure record replayed', { stream, shardId, first, last, outcome: result.outcome, records: result.records });
  return { stream, shardId, first, last, outcome: result.outcome, records: result.records, enriched: result.enriched, deadLetters: result.deadLetters };
}
