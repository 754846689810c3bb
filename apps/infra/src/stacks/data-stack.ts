import { Aws, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config/infra-config';

/** Attribute names of the processor's state table (one item per company plus checkpoints). */
export const STATE_TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk', timeToLive: 'expiresAt' } as const;

/** Days after which an incomplete multipart upload is aborted (its parts cost storage). */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/**
 * The sink bucket's name, `<prefix>-sink-<account>-<region>` (lowercase): built from pseudo
 * parameters, so any stack can name the bucket's ARNs without a cross-stack reference.
 */
export function sinkBucketName(stackPrefix: string): string {
  return `${stackPrefix.toLowerCase()}-sink-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

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

    const streamProps = (streamName: string): kinesis.StreamProps => ({
      streamName,
      retentionPeriod: Duration.hours(config.streamRetentionHours),
      // The AWS-managed key (alias/aws/kinesis): encrypted at rest with no key policy to manage;
      // producers and consumers need no kms:* permission.
      encryption: kinesis.StreamEncryption.MANAGED,
      ...(config.streamMode === 'on-demand'
        ? { streamMode: kinesis.StreamMode.ON_DEMAND }
        : { streamMode: kinesis.StreamMode.PROVISIONED, shardCount: config.streamShardCount }),
    });
    this.jobsStream = new kinesis.Stream(this, 'JobsStream', streamProps(config.jobsStreamName));
    this.companiesStream = new kinesis.Stream(this, 'CompaniesStream', streamProps(config.companiesStreamName));
    this.enrichedStream = new kinesis.Stream(this, 'EnrichedStream', streamProps(config.enrichedStreamName));

    const secureBucketProps = {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy,
    } as const;
    const accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      ...secureBucketProps,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
    });
    Validations.of(accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the sink bucket; logging it into itself would loop.',
    });

    this.sinkBucketName = sinkBucketName(config.stackPrefix);
    this.sinkBucket = new s3.Bucket(this, 'SinkBucket', {
      ...secureBucketProps,
      bucketName: this.sinkBucketName,
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: 'sink-bucket/',
      lifecycleRules: [
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_UPLOAD_DAYS) },
        { id: 'expire-dead-letters', prefix: `${config.deadLetterPrefix}/`, expiration: Duration.days(config.deadLetterExpirationDays) },
      ],
    });

    this.stateTable = new dynamodb.TableV2(this, 'StateTable', {
      partitionKey: { name: STATE_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: STATE_TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: STATE_TABLE_KEYS.timeToLive,
      removalPolicy,
    });
  }
}
