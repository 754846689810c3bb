import { Aws, CfnParameter, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { EVENT_SOURCE_MAPPING_FIXED } from '@tenant-analytics/domain';
import type { InfraConfig } from '../config/infra-config';
import { acknowledgeWildcardResources } from '../nag-acknowledgements';
import { LOCK_FILE, PROCESSOR_ENTRY, REPOSITORY_ROOT } from '../paths';
import { PROCESSOR_METRICS, ProcessorObservability } from '../processor/processor-observability';
import { buildProcessorPropertyGroups, type ChurnEndpointSettings } from '../processor/processor-property-groups';

/**
 * Kinesis actions an event source mapping needs on a stream it polls with shared throughput (no
 * enhanced fan-out consumer, so no SubscribeToShard or consumer actions).
 */
export const STREAM_READ_ACTIONS = ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'];

/**
 * The processor's item-level access to its state table: no Scan, no table-level actions
 * (BatchWriteItem deletes the chunks of a completed pending batch).
 */
export const STATE_TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
];

/** The esbuild export condition under which workspace libraries resolve to their TypeScript source. */
export const SOURCE_CONDITION = '@tenant-analytics/source';

/** How the processor reaches the churn model and what it may invoke there. */
export type ProcessorChurnAccess =
  | {
      readonly mode: 'apigateway';
      readonly url: string;
      /** The API method ARN for `execute-api:Invoke`; unset: the URL is not an API Gateway URL we can name. */
      readonly invokeArn?: string;
      readonly apiKeySecret?: secretsmanager.ISecret;
    }
  | { readonly mode: 'sagemaker'; readonly endpointName: string; readonly endpointArn: string };

/** The data resources the processor reads and writes. */
export interface ProcessorDataResources {
  readonly jobsStream: kinesis.IStream;
  readonly companiesStream: kinesis.IStream;
  readonly enrichedStream: kinesis.IStream;
  /** Named, not referenced: see `sinkBucketName`. */
  readonly sinkBucketName: string;
  readonly stateTable: dynamodb.ITableV2;
}

/** Props of {@link ProcessorStack}. */
export interface ProcessorStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly data: ProcessorDataResources;
  readonly churn: ProcessorChurnAccess;
  /** @default - the processor app's `src/handler.ts` */
  readonly entry?: string;
}

/**
 * The processor Lambda with one Kinesis event source mapping per input stream, the mappings'
 * on-failure queue, a least-privilege role, and its dashboard and alarms.
 */
export class ProcessorStack extends Stack {
  readonly function: nodejs.NodejsFunction;
  readonly onFailureQueue: sqs.Queue;
  readonly jobsEventSource: lambda.EventSourceMapping;
  readonly companiesEventSource: lambda.EventSourceMapping;
  readonly observability: ProcessorObservability;

  constructor(scope: Construct, id: string, props: ProcessorStackProps) {
    super(scope, id, props);
    const { config, data, churn } = props;
    const removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    const logGroup = new logs.LogGroup(this, 'FunctionLogs', { retention: config.logRetentionDays, removalPolicy });
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Processor: reads the input streams, writes the sinks and its state, invokes the churn model',
    });
    logGroup.grantWrite(role);
    // The processor cannot start without a tenant manager: with no context value, CloudFormation
    // asks for one at deploy time instead of the function failing at its first cold start.
    const tenantManagerEndpoint = new CfnParameter(this, 'TenantManagerEndpoint', {
      description: 'Base URL of the tenant manager (GET /api/v1/tenants/{id}); default: the tenantManagerEndpoint context value',
      allowedPattern: '^https?://[^\\s]+$',
      constraintDescription: 'an http(s) URL',
      default: config.tenantManagerEndpoint,
    });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: 'Enriches job events with company state and churn scores (Kinesis event source)',
      entry: props.entry ?? PROCESSOR_ENTRY,
      handler: 'handler',
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: LOCK_FILE,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: config.processorMemoryMb,
      timeout: Duration.seconds(config.processorTimeoutSeconds),
      reservedConcurrentExecutions: config.processorReservedConcurrency,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        PROPERTY_GROUPS: this.toJsonString(buildProcessorPropertyGroups({
          region: this.region,
          jobsStreamName: data.jobsStream.streamName,
          companiesStreamName: data.companiesStream.streamName,
          enrichedStreamName: data.enrichedStream.streamName,
          sinkBucketName: data.sinkBucketName,
          sinkPrefix: config.sinkPrefix,
          deadLetterPrefix: config.deadLetterPrefix,
          stateTableName: data.stateTable.tableName,
          churn: churnEndpointSettings(churn),
          tenantManagerEndpoint: tenantManagerEndpoint.valueAsString,
          scoringBatchSize: config.scoringBatchSize,
          asyncCapacity: config.asyncCapacity,
          extraProperties: config.processorProperties,
        })),
        POWERTOOLS_SERVICE_NAME: PROCESSOR_METRICS.dimensions.service,
        POWERTOOLS_METRICS_NAMESPACE: PROCESSOR_METRICS.namespace,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        format: nodejs.OutputFormat.CJS,
        // Ship the SDK v3 clients the lockfile pins instead of whatever the runtime carries.
        bundleAwsSDK: true,
        esbuildArgs: { '--conditions': SOURCE_CONDITION },
      },
    });

    role.addToPolicy(new iam.PolicyStatement({ actions: STREAM_READ_ACTIONS, resources: [data.jobsStream.streamArn, data.companiesStream.streamArn] }));
    data.enrichedStream.grantWrite(role);
    const sinkObjectArns = [config.sinkPrefix, config.deadLetterPrefix].map((prefix) => `arn:${Aws.PARTITION}:s3:::${data.sinkBucketName}/${prefix}/*`);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: sinkObjectArns }));
    acknowledgeWildcardResources(role, sinkObjectArns, 'Object keys under exactly the sink and dead-letter prefixes: the processor writes one object per batch or dead letter.');
    data.stateTable.grant(role, ...STATE_TABLE_ACTIONS);
    grantChurnInvoke(role, churn);

    this.onFailureQueue = new sqs.Queue(this, 'OnFailureQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const eventSourceProps = {
      target: this.function,
      batchSize: config.batchSize,
      maxBatchingWindow: Duration.seconds(config.maxBatchingWindowSeconds),
      reportBatchItemFailures: EVENT_SOURCE_MAPPING_FIXED.reportBatchItemFailures,
      bisectBatchOnError: EVENT_SOURCE_MAPPING_FIXED.bisectBatchOnFunctionError,
      retryAttempts: config.retryAttempts,
      maxRecordAge: Duration.seconds(config.maxRecordAgeSeconds),
      parallelizationFactor: config.parallelizationFactor,
      onFailure: new SqsDlq(this.onFailureQueue),
    } as const;
    this.jobsEventSource = new lambda.EventSourceMapping(this, 'JobsEventSource', {
      ...eventSourceProps,
      eventSourceArn: data.jobsStream.streamArn,
      startingPosition: lambda.StartingPosition[config.jobsStartingPosition],
    });
    this.companiesEventSource = new lambda.EventSourceMapping(this, 'CompaniesEventSource', {
      ...eventSourceProps,
      eventSourceArn: data.companiesStream.streamArn,
      startingPosition: lambda.StartingPosition[config.companiesStartingPosition],
    });
    // Lambda checks the role's stream permissions when it creates a mapping.
    for (const mapping of [this.jobsEventSource, this.companiesEventSource]) {
      mapping.node.addDependency(role);
    }

    Validations.of(this.onFailureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the event source mappings.',
    });

    this.observability = new ProcessorObservability(this, 'Observability', {
      function: this.function,
      onFailureQueue: this.onFailureQueue,
      inputStreamNames: [config.jobsStreamName, config.companiesStreamName],
      outputStreamName: config.enrichedStreamName,
      iteratorAgeThresholdMs: config.iteratorAgeAlarmThresholdMs,
      deadLetterThreshold: config.deadLetterAlarmThreshold,
      alarmEmail: config.alarmEmail,
    });
  }
}

function churnEndpointSettings(churn: ProcessorChurnAccess): ChurnEndpointSettings {
  if (churn.mode === 'sagemaker') {
    return { mode: 'sagemaker', endpointName: churn.endpointName };
  }
  // A deploy-time dynamic reference: the key reaches the function's environment, never the template.
  const apiKey = churn.apiKeySecret?.secretValue.unsafeUnwrap();
  return { mode: 'apigateway', url: churn.url, ...(apiKey === undefined ? {} : { apiKey }) };
}

function grantChurnInvoke(role: iam.IRole, churn: ProcessorChurnAccess): void {
  if (churn.mode === 'sagemaker') {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: [churn.endpointArn] }));
  } else if (churn.invokeArn !== undefined) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources: [churn.invokeArn] }));
  }
}
