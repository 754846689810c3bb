import { Aws, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { warmThroughputFor } from '../config/capacity-plan';
import { type InfraConfig, streamShardCountsOf } from '../config/infra-config';

/** Attribute names of the processor's state table (one item per company plus checkpoints). */
export const STATE_TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk', timeToLive: 'expiresAt' } as const;

/** Days after which an incomplete multipart upload is aborted (its parts cost storage). */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/**
 * The sink bucket's name, `<prefix>-sink-<account>-<region>` (lowercase): built from the account
 * and region (literals when the stack has an environment, else pseudo parameters), so any stack can
 * name the bucket's ARNs without a cross-stack reference, and a redeploy after `cdk destroy` can
 * adopt the retained bucket (`--import-existing-resources` needs a literal name).
 */
export function sinkBucketName(stackPrefix: string, account: string = Aws.ACCOUNT_ID, region: string = Aws.REGION): string {
  return `${stackPrefix.toLowerCase()}-sink-${account}-${region}`;
}

/** The state table's name, `<prefix>-state`: fixed, so a redeploy adopts the retained table. */
export function stateTableName(stackPrefix: string): string {
  return `${stackPrefix}-state`;
}

/** Autoscaling target of provisioned capacity, in percent. */
export const STATE_TABLE_TARGET_UTILIZATION_PERCENT = 70;

/** Props of {@link DataStack}. */
export interface DataStackProps extends StackProps {
  readonly config: InfraConfig;
}

/**
 * The stateful half of the system: the three Kinesis streams, the sink bucket (enriched objects and
 * dead letters) and the processor's state table. Kept apart from the processor so that replacing
 * or destroying the compute never touches data.
 */
export class DataStack extends Stack {
  /** `bigdatajobs` (seed): job events, partition key companyID. */
  readonly jobsStream: kinesis.Stream;
  /** `companies`: company snapshots from the tenant manager. */
  readonly companiesStream: kinesis.Stream;
  /** `enrichedcompanies`: one enriched record per valid job event. */
  readonly enrichedStream: kinesis.Stream;
  /** Enriched JSON Lines under `sinkPrefix/`, dead letters under `deadLetterPrefix/`. */
  readonly sinkBucket: s3.Bucket;
  /** {@link sinkBucketName} of this deployment. */
  readonly sinkBucketName: string;
  /** Company state, dedupe watermarks and effect intents. */
  readonly stateTable: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    const shards = streamShardCountsOf(config);
    const streamProps = (streamName: string, shardCount: number): kinesis.StreamProps => ({
      streamName,
      retentionPeriod: Duration.hours(config.streamRetentionHours),
      // The AWS-managed key (alias/aws/kinesis): encrypted at rest with no key policy to manage;
      // producers and consumers need no kms:* permission.
      encryption: kinesis.StreamEncryption.MANAGED,
      removalPolicy,
      ...(config.streamMode === 'on-demand' ? { streamMode: kinesis.StreamMode.ON_DEMAND } : { streamMode: kinesis.StreamMode.PROVISIONED, shardCount }),
    });
    this.jobsStream = new kinesis.Stream(this, 'JobsStream', streamProps(config.jobsStreamName, shards.jobs));
    this.companiesStream = new kinesis.Stream(this, 'CompaniesStream', streamProps(config.companiesStreamName, shards.companies));
    this.enrichedStream = new kinesis.Stream(this, 'EnrichedStream', streamProps(config.enrichedStreamName, shards.enriched));

    const secureBucketProps = {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy,
    } as const;
    const accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      ...secureBucketProps,
      bucketName: `${config.stackPrefix.toLowerCase()}-logs-${this.account}-${this.region}`,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
    });
    Validations.of(accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the sink bucket; logging it into itself would loop.',
    });

    this.sinkBucketName = sinkBucketName(config.stackPrefix, this.account, this.region);
    this.sinkBucket = new s3.Bucket(this, 'SinkBucket', {
      ...secureBucketProps,
      bucketName: this.sinkBucketName,
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: 'sink-bucket/',
      lifecycleRules: [
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_UPLOAD_DAYS) },
        { id: 'expire-dead-letters', prefix: `${config.deadLetterPrefix}/`, expiration: Duration.days(config.deadLetterExpirationDays) },
        ...enrichedLifecycleRules(config),
      ],
    });

    this.stateTable = new dynamodb.TableV2(this, 'StateTable', {
      tableName: stateTableName(config.stackPrefix),
      partitionKey: { name: STATE_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: STATE_TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      ...stateTableCapacity(config),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: STATE_TABLE_KEYS.timeToLive,
      removalPolicy,
    });
  }
}

const TRANSITION_STORAGE_CLASSES = {
  STANDARD_IA: s3.StorageClass.INFREQUENT_ACCESS,
  INTELLIGENT_TIERING: s3.StorageClass.INTELLIGENT_TIERING,
  GLACIER_IR: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
  GLACIER: s3.StorageClass.GLACIER,
} as const;

function enrichedLifecycleRules(config: InfraConfig): s3.LifecycleRule[] {
  const transitionDays = config.enrichedTransitionDays;
  const expirationDays = config.enrichedExpirationDays;
  if (transitionDays === undefined && expirationDays === 'never') {
    return [];
  }
  return [
    {
      id: 'enriched-lifecycle',
      prefix: `${config.sinkPrefix}/`,
      ...(expirationDays === 'never' ? {} : { expiration: Duration.days(expirationDays) }),
      ...(transitionDays === undefined
        ? {}
        : { transitions: [{ storageClass: TRANSITION_STORAGE_CLASSES[config.enrichedTransitionStorageClass], transitionAfter: Duration.days(transitionDays) }] }),
    },
  ];
}

/**
 * On-demand with warm throughput for the expected rate (a new on-demand table starts at about
 * 4,000 WRU/s and 12,000 RRU/s), or provisioned with target-tracking auto scaling up to twice the
 * expected rate's units.
 */
function stateTableCapacity(config: InfraConfig): Pick<dynamodb.TablePropsV2, 'billing' | 'warmThroughput'> {
  const writeUnits = Math.ceil(config.expectedEventsPerSecond * config.stateWriteUnitsPerEvent);
  const readUnits = Math.ceil(config.expectedEventsPerSecond * config.stateReadUnitsPerEvent);
  if (config.stateTableBilling === 'provisioned') {
    const capacity = (max: number) =>
      dynamodb.Capacity.autoscaled({
        minCapacity: Math.min(config.stateTableMinCapacity, max),
        maxCapacity: max,
        targetUtilizationPercent: STATE_TABLE_TARGET_UTILIZATION_PERCENT,
      });
    return {
      billing: dynamodb.Billing.provisioned({
        readCapacity: capacity(config.stateTableMaxReadCapacity ?? Math.min(40_000, Math.max(readUnits * 2, config.stateTableMinCapacity))),
        writeCapacity: capacity(config.stateTableMaxWriteCapacity ?? Math.min(40_000, Math.max(writeUnits * 2, config.stateTableMinCapacity))),
      }),
    };
  }
  const warm = warmThroughputFor(config.expectedEventsPerSecond, config.stateWriteUnitsPerEvent, config.stateReadUnitsPerEvent);
  return { billing: dynamodb.Billing.onDemand(), ...(warm === undefined ? {} : { warmThroughput: warm }) };
}
