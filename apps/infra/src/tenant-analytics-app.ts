import { Annotations, Aws, type Environment, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type ChurnBackend, churnBackendOf, type InfraConfig } from './config/infra-config';
import { ChurnApiStack } from './stacks/churn-api-stack';
import { DataStack } from './stacks/data-stack';
import { type ProcessorChurnAccess, ProcessorStack } from './stacks/processor-stack';

/** The stacks of one deployment. */
export interface TenantAnalyticsStacks {
  readonly data: DataStack;
  /** Absent when the context names an existing churn API or SageMaker endpoint. */
  readonly churnApi?: ChurnApiStack;
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
  return config.churnApiMode === 'sagemaker'
    ? { mode: 'sagemaker', endpointName: churnApi.endpointName, endpointArn: churnApi.endpointArn }
    : { mode: 'apigateway', url: churnApi.assessChurnUrl, invokeArn: churnApi.assessChurnMethodArn, apiKeySecret: churnApi.apiKeySecret };
}

/**
 * Adds the whole system to `scope` (an App or a Stage): `<prefix>Data` (streams, bucket, table),
 * `<prefix>ChurnApi` (SageMaker endpoint and REST API, unless an existing one is named) and
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

  const backend = churnBackendOf(config);
  let churnApi: ChurnApiStack | undefined;
  let churn: ProcessorChurnAccess;
  if (backend.kind === 'managed') {
    churnApi = new ChurnApiStack(scope, `${prefix}ChurnApi`, { env, config, description: 'Tenant analytics: churn model endpoint and REST API' });
    churn = managedChurnAccessOf(config, churnApi);
  } else {
    churn = existingChurnAccessOf(backend, env?.account);
  }

  const processor = new ProcessorStack(scope, `${prefix}Processor`, {
    env,
    config,
    data,
    entry: options.processorEntry,
    description: 'Tenant analytics: processor Lambda, event source mappings, dashboard and alarms',
    churn,
  });
  if (backend.kind === 'existing-api' && executeApiArnOf(backend.url) === undefined) {
    Annotations.of(processor).addWarningV2(
      '@tenant-analytics/infra:churnApiNotGranted',
      `churnApiEndpointUrl ${backend.url} is not an API Gateway default URL: the processor role gets no execute-api:Invoke grant for it.`,
    );
  }
  Tags.of(scope).add('project', 'tenant-analytics');
  return { data, churnApi, processor };
}
