import { Annotations, Aws, type Environment, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type ChurnBackend, churnBackendOf, type InfraConfig } from './config/infra-config';
import { ChurnApiStack } from './stacks/churn-api-stack';
import { DataStack } from './stacks/data-stack';
import { type ProcessorChurnAccess, ProcessorStack, processorRoleArn } from './stacks/processor-stack';
import { tenantLookupArn, TenantManagerStack } from './stacks/tenant-manager-stack';

/** The stacks of one deployment. */
export interface TenantAnalyticsStacks {
  readonly data: DataStack;
  /** Absent when the context names an existing churn API or SageMaker endpoint. */
  readonly churnApi?: ChurnApiStack;
  /** Only with `tenantManager=standin`. */
  readonly tenantManager?: TenantManagerStack;
  readonly processor: ProcessorStack;
}

/** Options of {@link addTenantAnalyticsStacks}. */
export interface TenantAnalyticsOptions {
  /** @default - environment-agnostic stacks (synthesis needs no credentials) */
  readonly env?: Environment;
  /** @default - the processor app's `src/handler.ts` */
  readonly processorEntry?: string;
}

const EXECUTE_API_URL = /^https:\/\/([a-z0-9]+)\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^/]+)\/(.+?)\/?$/;

/**
 * The `execute-api:Invoke` ARN of `POST <path>` behind an API Gateway default URL
 * (`https://<id>.execute-api.<region>.amazonaws.com/<stage>/<path>`) in `account`.
 *
 * @returns undefined for any other URL (custom domain, another service)
 */
export function executeApiArnOf(url: string, account: string = Aws.ACCOUNT_ID, partition: string = Aws.PARTITION): string | undefined {
  const match = EXECUTE_API_URL.exec(url);
  if (match === null) {
    return undefined;
  }
  const [, apiId, region, stage, path] = match;
  return `arn:${partition}:execute-api:${region}:${account}:${apiId}/${stage}/POST/${path}`;
}

/** What the processor calls and may invoke when the context names an existing model. */
function existingChurnAccessOf(backend: Exclude<ChurnBackend, { kind: 'managed' }>, account: string | undefined): ProcessorChurnAccess {
  if (backend.kind === 'existing-api') {
    return { mode: 'apigateway', url: backend.url, invokeArn: executeApiArnOf(backend.url, account) };
  }
  // SageMaker ARNs carry the endpoint name in lowercase.
  const endpointArn = `arn:${Aws.PARTITION}:sagemaker:${Aws.REGION}:${account ?? Aws.ACCOUNT_ID}:endpoint/${backend.endpointName.toLowerCase()}`;
  return { mode: 'sagemaker', endpointName: backend.endpointName, endpointArn };
}

/** What the processor calls and may invoke on the churn stack of this app. */
function managedChurnAccessOf(config: InfraConfig, churnApi: ChurnApiStack): ProcessorChurnAccess {
  if (config.churnApiMode === 'sagemaker' && churnApi.endpointName !== undefined && churnApi.endpointArn !== undefined) {
    return { mode: 'sagemaker', endpointName: churnApi.endpointName, endpointArn: churnApi.endpointArn };
  }
  return { mode: 'apigateway', url: churnApi.assessChurnUrl, invokeArn: churnApi.assessChurnMethodArn, apiKeySecret: churnApi.apiKeySecret };
}

/**
 * Adds the whole system to `scope` (an App or a Stage): `<prefix>Data` (streams, bucket, table),
 * `<prefix>ChurnApi` (the churn model, a Lambda function or a SageMaker endpoint, behind the REST
 * API, unless an existing one is named), `<prefix>TenantManager` (the stand-in, on request) and
 * `<prefix>Processor` (Lambda, event source mappings, dashboard, alarms).
 */
export function addTenantAnalyticsStacks(scope: Construct, config: InfraConfig, options: TenantAnalyticsOptions = {}): TenantAnalyticsStacks {
  const prefix = config.stackPrefix;
  const env = options.env;
  const data = new DataStack(scope, `${prefix}Data`, {
    env,
    config,
    description: 'Tenant analytics: Kinesis streams, sink bucket and processor state table',
    terminationProtection: config.removalPolicy === 'retain',
  });

  // The processor role has a fixed name, so the APIs' resource policies can name it before it exists.
  const processorRole = processorRoleArn(prefix, env?.account, env?.region);
  const backend = churnBackendOf(config);
  let churnApi: ChurnApiStack | undefined;
  let churn: ProcessorChurnAccess;
  if (backend.kind === 'managed') {
    churnApi = new ChurnApiStack(scope, `${prefix}ChurnApi`, {
      env,
      config,
      callerRoleArns: [processorRole],
      description: `Tenant analytics: churn model (${backend.hosting === 'lambda' ? 'Lambda' : 'SageMaker endpoint'}) behind the REST API`,
    });
    churn = managedChurnAccessOf(config, churnApi);
  } else {
    churn = existingChurnAccessOf(backend, env?.account);
  }

  const tenantManager =
    config.tenantManager === 'standin'
      ? new TenantManagerStack(scope, `${prefix}TenantManager`, {
          env,
          config,
          companiesStream: data.companiesStream,
          lookupCallerRoleArns: [processorRole],
          description: 'Tenant analytics: tenant manager stand-in (IAM-authorized REST API, DynamoDB, snapshots to companies)',
        })
      : undefined;

  const processor = new ProcessorStack(scope, `${prefix}Processor`, {
    env,
    config,
    data,
    entry: options.processorEntry,
    description: 'Tenant analytics: processor Lambda, event source mappings, dashboard and alarms',
    churn,
    tenantManager: tenantManager === undefined ? undefined : { baseUrl: tenantManager.baseUrl, lookupArn: tenantLookupArn(tenantManager) },
  });
  if (tenantManager !== undefined) {
    // The lookup ARN reads the stand-in's output without a CDK reference: order the stacks by hand.
    processor.addStackDependency(tenantManager);
  }
  if (backend.kind === 'existing-api' && executeApiArnOf(backend.url) === undefined) {
    Annotations.of(processor).addWarningV2(
      '@tenant-analytics/infra:churnApiNotGranted',
      `churnApiEndpointUrl ${backend.url} is not an API Gateway default URL: the processor role gets no execute-api:Invoke grant for it.`,
    );
  }
  Tags.of(scope).add('project', 'tenant-analytics');
  return { data, churnApi, tenantManager, processor };
}
