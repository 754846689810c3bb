import { CreateTableCommand, DescribeTableCommand, ResourceInUseException as TableInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, ResourceInUseException as StreamInUseException, type KinesisClient } from '@aws-sdk/client-kinesis';
import { BucketAlreadyOwnedByYou, CreateBucketCommand, HeadBucketCommand, NotFound, type BucketLocationConstraint, type S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '@tenant-analytics/domain';
import { ComponentStartError } from './errors';
import { pollUntil } from './poll';

/** A stream to provision. */
export interface StreamPlan {
  readonly name: string;
  readonly shards: number;
}

const ACTIVE_POLL_MS = 50;

/**
 * Creates each stream unless it exists (a kept data dir already has them) and waits until all are
 * ACTIVE. An existing stream with another shard count is kept as it is, with a warning.
 *
 * @throws ComponentStartError when a stream is not ACTIVE within `timeoutMs`
 */
export async function ensureStreams(kinesis: KinesisClient, streams: readonly StreamPlan[], timeoutMs: number, logger: Logger): Promise<void> {
  await Promise.all(
    streams.map(async ({ name, shards }) => {
      try {
        await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      } catch (error) {
        if (!(error instanceof StreamInUseException)) throw error;
      }
      let openShards: number | undefined;
      const outcome = await pollUntil(
        async () => {
          const { StreamDescriptionSummary: summary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
          openShards = summary?.OpenShardCount;
          return summary?.StreamStatus === 'ACTIVE';
        },
        { timeoutMs, intervalMs: ACTIVE_POLL_MS },
      );
      if (!outcome.done) {
        throw new ComponentStartError(`Stream ${name} did not become ACTIVE within ${timeoutMs} ms`, {
          cause: outcome.lastError,
          context: { component: 'kinesis', stream: name },
        });
      }
      if (openShards !== shards) logger.warn('stream exists with another shard count; kept as is', { stream: name, openShards, wanted: shards });
    }),
  );
}

/**
 * Creates the state table unless it exists: partition key `pk` (S), sort key `sk` (S), on-demand.
 * The processor stores companies as `company#<id>`/`state` and lanes as `lane#<stream>#<shard>`.
 * No TTL: dynalite has no UpdateTimeToLive (the CDK table has `expiresAt` as its TTL attribute).
 *
 * @throws ComponentStartError when the table is not ACTIVE within `timeoutMs`
 */
export async function ensureStateTable(dynamodb: DynamoDBClient, tableName: string, timeoutMs: number): Promise<void> {
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof TableInUseException)) throw error;
  }
  const outcome = await pollUntil(
    async () => (await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus === 'ACTIVE',
    { timeoutMs, intervalMs: ACTIVE_POLL_MS },
  );
  if (!outcome.done) {
    throw new ComponentStartError(`Table ${tableName} did not become ACTIVE within ${timeoutMs} ms`, {
      cause: outcome.lastError,
      context: { component: 'dynamodb', table: tableName },
    });
  }
}

/**
 * Creates the bucket unless this account already has it (s3rver creates its own with
 * `--configure-bucket`; this is for endpoints the user gives). Outside us-east-1 the region goes in
 * the location constraint, as AWS and moto require.
 *
 * @throws the SDK's error when the bucket cannot be created (e.g. `BucketAlreadyExists`: the name is another account's)
 */
export async function ensureBucket(s3: S3Client, bucket: string, region: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    if (!(error instanceof NotFound) && (error as { name?: string }).name !== 'NotFound') throw error;
  }
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
  }
}
