import { Aws, CfnParameter, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { eventSourceMappingSettingsOf, type InfraConfig } from '../config/infra-config';
import { acknowledgeWildcardResources } from '../nag-acknowledgements';
import { PROCESSOR_ENTRY } from '../paths';
import { createNodeFunction } from '../shared/node-function';
import { accountServicePrincipal } from '../shared/service-principal';
import { PROCESSOR_METRICS, ProcessorObservability } from '../processor/processor-observability';
import { buildProcessorPropertyGroups, type ChurnEndpointSettings } from '../processor/processor-property-groups';

/**
 * The processor's Node.js options: source maps for stack traces, and a young generation of 3 × 64
 * MiB. A batch's objects (decoded events, states, enriched records and their JSON) live until the
 * batch is published; with V8's default semi-space (16 MiB at most, and less where the machine or
 * container has 2 GiB or less, as a 1,024 MB function does) the scavenger copies them once or
 * twice each. The local runner (`nx serve processor`) and `npm run bench` run with the same flag
 * (a bench test keeps them equal). Measured in scenario 1 (docs/benchmarks.md, "Hot path, second
 * pass"): about 10 % less CPU per event at 64 MiB, up to 20 % under a Lambda-sized heap limit, for
 * up to 144 MiB more memory.
 */
export const PROCESSOR_NODE_OPTIONS = '--enable-source-maps --max-semi-space-size=64';

/**
 * Kinesis actions an event source mapping needs on a stream it polls with shared throughput (no
 * enhanced fan-out consumer, so no SubscribeToShard or consumer actions).
 */
export const STREAM_READ_ACTIONS = ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'];

/**
 * The processor's item-level access to its state table: no Scan, no table-level actions
 * (BatchWriteItem deletes the chunks of a completed pending batch; DeleteItem is not used).
 */
export const STATE_TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
];

export { SOURCE_CONDITION } from '../shared/node-function';

/**
 * The processor role's name, `<prefix>-processor-<region>`: fixed, so the churn API's and the
 * tenant stand-in's resource policies can admit exactly this role without a reference to this
 * stack (which depends on theirs), and per region because IAM names are account-wide.
 */
export function processorRoleName(stackPrefix: string, region: string = Aws.REGION): string {
  return `${stackPrefix}-processor-${region}`;
}

/** The processor role's ARN (see {@link processorRoleName}). */
export function processorRoleArn(stackPrefix: string, account: string = Aws.ACCOUNT_ID, region: string = Aws.REGION): string {
  return `arn:${Aws.PARTITION}:iam::${account}:role/${processorRoleName(stackPrefix, region)}`;
}

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
  /** The tenant manager stand-in of this app; unset: an external one (`tenantManagerEndpoint`). */
  readonly tenantManager?: ProcessorTenantManagerAccess;
  /** @default - the processor app's `src/handler.ts` */
  readonly entry?: string;
}

/** The stand-in's base URL and the `execute-api:Invoke` ARN of its lookup method. */
export interface ProcessorTenantManagerAccess {
  readonly baseUrl: string;
  readonly lookupArn: string;
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

    const role = new iam.Role(this, 'FunctionRole', {
      roleName: processorRoleName(config.stackPrefix, this.region),
      assumedBy: accountServicePrincipal('lambda.amazonaws.com'),
      description: 'Processor: reads the input streams, writes the sinks and its state, invokes the churn model',
    });
    const tenantManagerEndpoint = tenantManagerEndpointOf(this, config, props.tenantManager);

    this.function = createNodeFunction(this, 'Function', {
      description: 'Enriches job events with company state and churn scores (Kinesis event source)',
      entry: props.entry ?? PROCESSOR_ENTRY,
      memorySize: config.processorMemoryMb,
      timeout: Duration.seconds(config.processorTimeoutSeconds),
      reservedConcurrentExecutions: config.processorReservedConcurrency,
      role,
      logRetention: config.logRetentionDays,
      removalPolicy,
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
          tenantManagerEndpoint,
          tenantManagerSigned: props.tenantManager !== undefined,
          scoringBatchSize: config.scoringBatchSize,
          asyncCapacity: config.asyncCapacity,
          extraProperties: config.processorProperties,
        })),
        POWERTOOLS_SERVICE_NAME: PROCESSOR_METRICS.dimensions.service,
        POWERTOOLS_METRICS_NAMESPACE: PROCESSOR_METRICS.namespace,
        NODE_OPTIONS: PROCESSOR_NODE_OPTIONS,
      },
    });

    role.addToPolicy(new iam.PolicyStatement({ actions: STREAM_READ_ACTIONS, resources: [data.jobsStream.streamArn, data.companiesStream.streamArn] }));
    data.enrichedStream.grantWrite(role);
    const sinkObjectArns = [config.sinkPrefix, config.deadLetterPrefix].map((prefix) => `arn:${Aws.PARTITION}:s3:::${data.sinkBucketName}/${prefix}/*`);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: sinkObjectArns }));
    acknowledgeWildcardResources(role, sinkObjectArns, 'Object keys under exactly the sink and dead-letter prefixes: the processor writes one object per batch or dead letter.');
    data.stateTable.grant(role, ...STATE_TABLE_ACTIONS);
    grantChurnInvoke(role, churn);
    if (props.tenantManager !== undefined) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources: [props.tenantManager.lookupArn] }));
      acknowledgeWildcardResources(role, [props.tenantManager.lookupArn], 'GET /api/v1/tenants/{tenantID} of the stand-in API only: the path parameter is any company id.');
    }

    this.onFailureQueue = new sqs.Queue(this, 'OnFailureQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const mappingSettings = eventSourceMappingSettingsOf(config);
    const eventSourceProps = {
      target: this.function,
      batchSize: mappingSettings.batchSize,
      maxBatchingWindow: Duration.seconds(mappingSettings.maxBatchingWindowSeconds),
      reportBatchItemFailures: mappingSettings.reportBatchItemFailures,
      bisectBatchOnError: mappingSettings.bisectBatchOnError,
      // -1: retried until maxRecordAge, so an outage shorter than that is ridden out.
      retryAttempts: mappingSettings.retryAttempts,
      maxRecordAge: Duration.seconds(mappingSettings.maxRecordAgeSeconds),
      parallelizationFactor: mappingSettings.parallelizationFactor,
      onFailure: new SqsDlq(this.onFailureQueue),
    } as const;
    this.jobsEventSource = new lambda.EventSourceMapping(this, 'JobsEventSource', {
      ...eventSourceProps,
      eventSourceArn: data.jobsStream.streamArn,
      startingPosition: lambda.StartingPosition[mappingSettings.startingPositions.jobs],
    });
    this.companiesEventSource = new lambda.EventSourceMapping(this, 'CompaniesEventSource', {
      ...eventSourceProps,
      eventSourceArn: data.companiesStream.streamArn,
      startingPosition: lambda.StartingPosition[mappingSettings.startingPositions.companies],
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

/**
 * The tenant manager's base URL: the stand-in's, or the `TenantManagerEndpoint` parameter (https
 * only; default: the context value). The processor cannot start without one, so with no context
 * value CloudFormation asks for it at deploy time instead of the function failing at its first cold
 * start.
 */
function tenantManagerEndpointOf(stack: Stack, config: InfraConfig, standin: ProcessorTenantManagerAccess | undefined): string {
  if (standin !== undefined) {
    return standin.baseUrl;
  }
  return new CfnParameter(stack, 'TenantManagerEndpoint', {
    description: 'Base URL of the tenant manager (GET /api/v1/tenants/{id}), https only; default: the tenantManagerEndpoint context value',
    allowedPattern: '^https://[^\\s]+$',
    constraintDescription: 'an https URL',
    default: config.tenantManagerEndpoint,
  }).valueAsString;
}
