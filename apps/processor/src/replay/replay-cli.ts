import { SQSClient } from '@aws-sdk/client-sqs';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_ENDPOINTS_FILE } from '@tenant-analytics/local-endpoints';
import { InMemoryMetrics } from '../adapters/in-memory-metrics';
import { KinesisEnrichedStream } from '../adapters/kinesis-enriched-stream';
import { createLogger } from '../adapters/pino-logger';
import { KinesisShardReader } from '../adapters/kinesis-shard-reader';
import { createAwsClients, createBatchProcessor, createChurnScoring } from '../composition';
import type { Logger } from '../core/ports';
import { loadRunnerConfig, localRunnerCredentials, sdkCredentialsFor } from '../local-config';
import { KinesisRecordResender, S3DeadLetterArchive } from './aws-replay-adapters';
import { DeadLetterReplay, type ReplaySummary } from './dead-letter-replay';
import { drainOnFailureQueue, type QueueDrain } from './on-failure-queue';
import { readOnFailureRecords, replayOnFailureRecord, type OnFailureReplayDependencies, type OnFailureReplayEntry, type OnFailureReplaySummary } from './on-failure-replay';

/** The command line of `npx nx run processor:replay`. */
export interface ReplayOptions {
  /** `s3://bucket/prefix` of the dead letters to replay (a `dt=` partition narrows it). */
  readonly fromDeadLetters?: { readonly bucket: string; readonly prefix: string };
  /** A JSON Lines file of on-failure records (the local runtime's file, or messages saved from the SQS queue). */
  readonly fromOnFailure?: string;
  /** The on-failure SQS queue's URL: read until empty, each message deleted once its batch is replayed. */
  readonly fromOnFailureQueue?: string;
  readonly config?: string;
  readonly endpointsFile: string;
  readonly dryRun: boolean;
}

function s3Uri(value: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(value);
  if (match === null) throw new InvalidArgumentError(`expected s3://bucket/prefix, got ${JSON.stringify(value)}`);
  return { bucket: match[1] as string, prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

/** Parses the command line (commander exits with a usage error on a bad one). */
export function parseReplayArgs(argv: readonly string[]): ReplayOptions {
  const options = new Command('replay')
    .description(
      'Replays dead letters exactly once: score-failed ones are scored and written (their events are already counted); ' +
        'unknown-company and lookup-failed ones go back to their stream; invalid records are listed, not replayed. ' +
        'A replayed letter gets a marker (replay-markers/<key>, same bucket), so the command can be run again after any failure.',
    )
    .option('--from-dead-letters <s3-uri>', 'dead letters to replay, e.g. s3://bucket/dead-letters or …/dead-letters/dt=2026-12-02', s3Uri)
    .option(
      '--from-on-failure <file>',
      'on-failure records (JSON Lines: the local Lambda runtime\'s .local/esm-on-failure.jsonl, or the SQS messages\' bodies, one per line): the batches an event source mapping gave up on, re-read from the stream and processed exactly once',
    )
    .option('--from-on-failure-queue <queue-url>', 'the on-failure SQS queue (its URL): read until empty; a message is deleted once its batch is replayed, and left when it is not an on-failure record')
    .option('-c, --config <file>', 'property-group JSON file (the seed shape), as the processor takes it; environment variables override single keys')
    .option('-e, --endpoints-file <file>', 'without --config: derive the config from this local stack endpoints file', DEFAULT_ENDPOINTS_FILE)
    .option('--dry-run', 'read and classify the dead letters, change nothing', false)
    .exitOverride()
    .parse(argv)
    .opts<{ fromDeadLetters?: { bucket: string; prefix: string }; fromOnFailure?: string; fromOnFailureQueue?: string; config?: string; endpointsFile: string; dryRun: boolean }>();
  if (options.fromDeadLetters === undefined && options.fromOnFailure === undefined && options.fromOnFailureQueue === undefined) {
    throw new InvalidArgumentError('give --from-dead-letters <s3-uri>, --from-on-failure <file> or --from-on-failure-queue <queue-url> (any of them together)');
  }
  return { ...options, dryRun: options.dryRun === true };
}

/** What a replay run did, by input. */
export interface ReplayRun {
  readonly deadLetters?: ReplaySummary;
  readonly onFailure?: OnFailureReplaySummary;
}

/** Runs a replay with the processor's config, clients and churn service. */
export async function runReplay(options: ReplayOptions, logger?: Logger): Promise<ReplayRun> {
  const { config, endpoints } = loadRunnerConfig(options);
  const log = logger ?? createLogger(config.log.level);
  const metrics = new InMemoryMetrics();
  const credentials = endpoints === undefined ? undefined : localRunnerCredentials({ endpointsFile: options.endpointsFile, initial: endpoints.credentials, sdk: sdkCredentialsFor(endpoints), logger: log });
  const clients = createAwsClients(config, credentials?.aws);
  try {
    // Batches first: their records may leave dead letters the second step then replays.
    const onFailure = await replayBatches(options, {
      processor: createBatchProcessor(config, clients, { logger: log, metrics, ...(credentials === undefined ? {} : { credentials: credentials.churn }) }),
      reader: new KinesisShardReader(clients.kinesis),
      dryRun: options.dryRun,
      logger: log,
    }, () => new SQSClient({ region: config.region, ...(credentials?.aws === undefined ? {} : { credentials: credentials.aws }) }));
    if (options.fromDeadLetters === undefined) return { ...(onFailure === undefined ? {} : { onFailure }) };
    const replay = new DeadLetterReplay({
      archive: new S3DeadLetterArchive(clients.s3),
      scoring: createChurnScoring(config, { logger: log, metrics, ...(credentials === undefined ? {} : { credentials: credentials.churn }) }),
      resender: new KinesisRecordResender(clients.kinesis),
      ...(config.streams.enriched.enabled ? { enrichedStream: new KinesisEnrichedStream(clients.kinesis, config.streams.enriched.name, metrics) } : {}),
      clock: { now: () => new Date() },
      logger: log,
    });
    const deadLetters = await replay.replay(options.fromDeadLetters, { sink: { bucket: config.sink.path.bucket, prefix: config.sink.path.prefix } }, { dryRun: options.dryRun });
    return { deadLetters, ...(onFailure === undefined ? {} : { onFailure }) };
  } finally {
    clients.kinesis.destroy();
    clients.s3.destroy();
    clients.dynamodb.destroy();
  }
}

/**
 * The batches of the on-failure file and queue, in that order, then a compaction of the lanes the
 * replay wrote (so the company items hold the result); undefined when neither is given.
 */
async function replayBatches(options: ReplayOptions, deps: OnFailureReplayDependencies, sqsClient: () => SQSClient): Promise<OnFailureReplaySummary | undefined> {
  if (options.fromOnFailure === undefined && options.fromOnFailureQueue === undefined) return undefined;
  if (deps.dryRun && options.fromOnFailureQueue !== undefined) {
    throw new InvalidArgumentError('--dry-run cannot read --from-on-failure-queue (receiving a message hides it from other readers); save the messages to a file');
  }
  const records: OnFailureReplayEntry[] = [];
  if (options.fromOnFailure !== undefined) {
    for (const record of await readOnFailureRecords(options.fromOnFailure)) records.push(await replayOnFailureRecord(record, deps));
  }
  let queue: QueueDrain | undefined;
  if (options.fromOnFailureQueue !== undefined) {
    const sqs = sqsClient();
    try {
      queue = await drainOnFailureQueue(sqs, options.fromOnFailureQueue, async (record) => void records.push(await replayOnFailureRecord(record, deps)), deps.logger);
    } finally {
      sqs.destroy();
    }
  }
  if (!deps.dryRun) await deps.processor.compactAll();
  return { records, ...(queue === undefined ? {} : { queue }) };
}

/** The summary for a person; the JSON goes to stdout as well. */
export function describeRun(run: ReplayRun, dryRun: boolean): string {
  const lines: string[] = [];
  if (run.onFailure !== undefined) lines.push(describeOnFailure(run.onFailure, dryRun));
  if (run.deadLetters !== undefined) lines.push(describeSummary(run.deadLetters, dryRun));
  return lines.join('\n');
}

function describeOnFailure(summary: OnFailureReplaySummary, dryRun: boolean): string {
  const lines = [`${summary.records.length} on-failure record(s)${dryRun ? ' (dry run: nothing processed)' : ''}`];
  if (summary.queue !== undefined && summary.queue.invalid.count > 0) lines.push(`  ${summary.queue.invalid.count} queue message(s) are not on-failure records, left in the queue (e.g. ${summary.queue.invalid.messageIds.join(', ')})`);
  for (const entry of summary.records) lines.push(`  ${entry.stream}/${entry.shardId} ${entry.first}…${entry.last}: ${entry.outcome}${entry.records === undefined ? '' : `, ${entry.records} record(s) read, ${entry.enriched ?? 0} enriched, ${entry.deadLetters ?? 0} dead-lettered`}`);
  return lines.join('\n');
}

function describeSummary(summary: ReplaySummary, dryRun: boolean): string {
  const lines = [
    `${summary.deadLetters} dead letter(s); ${summary.alreadyReplayed} replayed earlier; ` +
      (dryRun ? 'dry run: nothing changed' : `${summary.rescored} scored and written, ${summary.resent} sent back to their stream`),
  ];
  for (const [reason, { count, why, keys }] of Object.entries(summary.notReplayable)) lines.push(`not replayable: ${count} × ${reason}: ${why} (e.g. ${keys.join(', ')})`);
  if (summary.failed.count > 0) lines.push(`failed, run again later: ${summary.failed.count} (${summary.failed.firstError ?? ''}; e.g. ${summary.failed.keys.join(', ')})`);
  if (summary.unreadable.count > 0) lines.push(`not a dead letter of this pipeline: ${summary.unreadable.count} (e.g. ${summary.unreadable.keys.join(', ')})`);
  return lines.join('\n');
}

/** 0 when everything replayable was replayed; 1 when a dead letter failed or could not be read. */
export function exitCodeOf(run: ReplayRun): number {
  const letters = run.deadLetters;
  return letters !== undefined && (letters.failed.count > 0 || letters.unreadable.count > 0) ? 1 : 0;
}
