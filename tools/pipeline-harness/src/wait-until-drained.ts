import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { sleep } from '@tenant-analytics/domain';
import type { LocalPipelineProbe } from './local-pipeline';
import { PipelineRunError } from './pipeline-run-error';
import { hasRecordAfter } from './shard-follower';

/** Where the processor stands on one input shard. */
export interface LaneProgress {
  readonly stream: string;
  readonly shardId: string;
  /** The lane's checkpoint (last processed sequence number), if any. */
  readonly checkpoint: string | undefined;
  /** A write-ahead batch is in flight (its effects are not all published yet). */
  readonly pending: boolean;
  /** No record on the shard after the checkpoint. */
  readonly caughtUp: boolean;
}

/**
 * Reads the processor's lane items (`pk = lane#<stream>/<shardId>`, in the state table) and asks
 * each shard whether a record follows the checkpoint.
 */
export async function laneProgress(probe: LocalPipelineProbe, streams: readonly string[]): Promise<LaneProgress[]> {
  const progress: LaneProgress[] = [];
  for (const stream of streams) {
    const shards = (await probe.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
    for (const { ShardId: shardId = '' } of shards) {
      const item = (
        await probe.dynamodb.send(
          new GetItemCommand({ TableName: probe.endpoints.stateTable, Key: { pk: { S: `lane#${stream}/${shardId}` }, sk: { S: 'lane' } }, ConsistentRead: true }),
        )
      ).Item;
      const checkpoint = item?.['checkpoint']?.S;
      const pending = item?.['pendingId']?.S !== undefined;
      const caughtUp = !(await hasRecordAfter({ kinesis: probe.kinesis, stream, shardId, after: checkpoint }));
      progress.push({ stream, shardId, checkpoint, pending, caughtUp });
    }
  }
  return progress;
}

/** True when every lane is caught up with nothing pending. */
export function isDrained(lanes: readonly LaneProgress[]): boolean {
  return lanes.every((lane) => lane.caughtUp && !lane.pending);
}

/** Options of {@link waitUntilDrained}. */
export interface WaitUntilDrainedOptions {
  /** @default 120000 */
  readonly timeoutMs?: number;
  /** @default 500 */
  readonly pollIntervalMs?: number;
  /** Input streams to watch. @default - the jobs and companies streams */
  readonly streams?: readonly string[];
  /**
   * Also wait until the S3 sink holds exactly this many distinct enriched events and dead letters
   * (checked once the lanes are drained; more than expected fails at once).
   */
  readonly expected?: { readonly enriched?: number; readonly deadLetters?: number };
}

/** What the drain saw last. */
export interface DrainReport {
  readonly lanes: readonly LaneProgress[];
  readonly waitedMs: number;
}

/**
 * Waits until the processor has processed every record put so far: each input shard's lane
 * checkpoint is at the shard's tip and no write-ahead batch is pending (effects are published
 * before the checkpoint moves, so the sinks are complete then). Call it after the producer's
 * last PutRecords returned.
 *
 * @throws PipelineRunError on timeout (naming the lanes behind) or when the sink holds more than expected
 * @example
 * await sendJobEvents(options, { kinesis: pipeline.probe.kinesis });
 * await waitUntilDrained(pipeline.probe, { timeoutMs: 60_000 });
 */
export async function waitUntilDrained(probe: LocalPipelineProbe, options: WaitUntilDrainedOptions = {}): Promise<DrainReport> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const streams = options.streams ?? [probe.endpoints.streams.jobs, probe.endpoints.streams.companies];
  const startedAt = Date.now();
  let lanes: LaneProgress[] = [];
  let countsSeen = '';
  for (;;) {
    lanes = await laneProgress(probe, streams);
    if (isDrained(lanes)) {
      const counts = options.expected === undefined ? undefined : await sinkCounts(probe, options.expected);
      if (counts === undefined || counts.done) return { lanes, waitedMs: Date.now() - startedAt };
      countsSeen = counts.description;
    }
    if (Date.now() - startedAt > timeoutMs) {
      const behind = lanes.filter((lane) => !lane.caughtUp || lane.pending).map((lane) => `${lane.stream}/${lane.shardId}${lane.pending ? ' (batch pending)' : ''}`);
      throw new PipelineRunError(
        `The pipeline did not drain within ${timeoutMs} ms: ${behind.length > 0 ? `lanes behind: ${behind.join(', ')}` : `sink counts ${countsSeen}`}`,
        { context: { timeoutMs, lanesBehind: behind.join(',') } },
      );
    }
    await sleep(options.pollIntervalMs ?? 500);
  }
}

async function sinkCounts(probe: LocalPipelineProbe, expected: NonNullable<WaitUntilDrainedOptions['expected']>): Promise<{ done: boolean; description: string }> {
  const enriched = expected.enriched === undefined ? undefined : new Set((await probe.enrichedInS3()).map((record) => record.eventID)).size;
  const deadLetters = expected.deadLetters === undefined ? undefined : (await probe.deadLetters()).length;
  const description = `enriched ${enriched ?? '-'}/${expected.enriched ?? '-'}, dead letters ${deadLetters ?? '-'}/${expected.deadLetters ?? '-'}`;
  if ((enriched ?? 0) > (expected.enriched ?? Infinity) || (deadLetters ?? 0) > (expected.deadLetters ?? Infinity)) {
    throw new PipelineRunError(`The sink holds more than expected: ${description}`, { context: { enriched, deadLetters } });
  }
  return { done: enriched === expected.enriched && deadLetters === expected.deadLetters, description };
}
