import type { Node } from 'constructs';
import { z } from 'zod';
import { MANAGED_PROPERTY_KEYS } from '../processor/processor-property-groups';
import { DomainError } from '@tenant-analytics/domain';

/** Log retention periods CloudWatch Logs accepts, in days (9999 = never expire). */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999];

/** Context values come typed from cdk.json and as strings from `cdk -c key=value`. */
function integer(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

function flag(defaultValue: boolean) {
  return z
    .union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])
    .default(defaultValue);
}

const streamName = z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/, 'a Kinesis stream name: 1-128 characters of [a-zA-Z0-9_.-]');
const s3Prefix = z.string().regex(/^[a-z0-9][a-z0-9_.=/-]{0,200}[a-z0-9]$/, 'an S3 key prefix without leading or trailing slash');
const startingPosition = z.enum(['LATEST', 'TRIM_HORIZON']);

/** `-c key='{"a":"b"}'` arrives as a string; cdk.json gives the object itself. */
function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') {
    return value;
  }
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Every context parameter the app reads (`cdk -c key=value` or `cdk.json`), with its default. The
 * README's "Context parameters" table lists the same keys.
 */
export const infraContextSchema = z
  .object({
    /** Prefix of the stack names (`<prefix>Data`, `<prefix>ChurnApi`, `<prefix>Processor`) and of the sink bucket's name. */
    stackPrefix: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,23}$/, '1-24 letters and digits, starting with a letter (it also names the sink bucket)').default('TenantAnalytics'),
    jobsStreamName: streamName.default('bigdatajobs'),
    companiesStreamName: streamName.default('companies'),
    enrichedStreamName: streamName.default('enrichedcompanies'),
    /** `provisioned` uses `streamShardCount` shards per stream; `on-demand` scales by itself. */
    streamMode: z.enum(['provisioned', 'on-demand']).default('provisioned'),
    streamShardCount: integer(1, 500).default(1),
    streamRetentionHours: integer(24, 8760).default(24),
    /** Key prefix of the enriched JSON Lines objects in the sink bucket. */
    sinkPrefix: s3Prefix.default('enriched'),
    /** Key prefix of the processor's dead letters in the sink bucket; expired by lifecycle. */
    deadLetterPrefix: s3Prefix.default('dead-letters'),
    deadLetterExpirationDays: integer(1, 3650).default(30),
    /** What `cdk destroy` does to the bucket, the table and the log groups. */
    removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
    jobsStartingPosition: startingPosition.default('LATEST'),
    companiesStartingPosition: startingPosition.default('LATEST'),
    batchSize: integer(1, 10_000).default(500),
    maxBatchingWindowSeconds: integer(0, 300).default(1),
    /** Bounded on purpose: -1 (retry until the record expires) would block a shard for a day. */
    retryAttempts: integer(0, 10_000).default(10),
    maxRecordAgeSeconds: integer(60, 604_800).default(3600),
    parallelizationFactor: integer(1, 10).default(1),
    /**
     * Set only once the processor keeps its effect intents per lane (ARCHITECTURE.md §3): with one
     * intent per shard, two concurrent lanes of a shard would overwrite each other's intent.
     */
    processorSupportsLanes: flag(false),
    processorMemoryMb: integer(128, 10_240).default(1024),
    processorTimeoutSeconds: integer(10, 900).default(120),
    processorReservedConcurrency: integer(1, 10_000).optional(),
    logRetentionDays: z.coerce
      .number()
      .refine((days) => LOG_RETENTION_DAYS.includes(days), `one of ${LOG_RETENTION_DAYS.join(', ')}`)
      .default(30),
    /** Base URL of the tenant manager (`GET /api/v1/tenants/{id}`); unset: asked for at deploy time. */
    tenantManagerEndpoint: z.url({ protocol: /^https?$/ }).optional(),
    scoringBatchSize: integer(1, 1000).default(25),
    /** Further processor properties (string values) added to `ApplicationConfigProperties`. */
    processorProperties: z
      .preprocess(parsedJson, z.record(z.string().regex(/^[A-Za-z0-9_.]{1,128}$/, 'a property key'), z.string(), 'a JSON object of string values'))
      .default({}),
    asyncCapacity: integer(1, 1000).default(20),
    /** How the processor calls the model: through the REST API (seed) or the SageMaker runtime. */
    churnApiMode: z.enum(['apigateway', 'sagemaker']).default('apigateway'),
    /** An existing churn API URL (`…/prod/assessChurn`): no SageMaker or API resources are created. */
    churnApiEndpointUrl: z.url({ protocol: /^https$/ }).optional(),
    /** An existing SageMaker endpoint (`churnApiMode=sagemaker`): no SageMaker or API resources are created. */
    churnSageMakerEndpointName: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'a SageMaker endpoint name').optional(),
    /** Name of the SageMaker endpoint this app creates (lowercase keeps its ARN equal to its name). */
    churnEndpointName: z.string().regex(/^[a-z0-9](-*[a-z0-9]){0,62}$/, 'lowercase letters, digits and hyphens').default('tenant-analytics-churn'),
    /** Require an API key (generated into Secrets Manager) and attach a usage plan to the API. */
    churnApiKeyRequired: flag(false),
    churnApiRateLimit: integer(1, 100_000).default(500),
    churnApiBurstLimit: integer(1, 100_000).default(1000),
    /** Alarm notifications go to an SNS topic subscribed by this address; unset: no topic. */
    alarmEmail: z.email().optional(),
    iteratorAgeAlarmThresholdMs: integer(1000, 86_400_000).default(60_000),
    deadLetterAlarmThreshold: integer(1, 1_000_000).default(1),
  })
  .superRefine((config, context) => {
    if (config.parallelizationFactor > 1 && !config.processorSupportsLanes) {
      context.addIssue({
        code: 'custom',
        path: ['parallelizationFactor'],
        input: config.parallelizationFactor,
        message: '1 unless processorSupportsLanes=true: the processor keeps one effect intent per shard',
      });
    }
    if (config.churnApiEndpointUrl !== undefined && config.churnApiMode !== 'apigateway') {
      context.addIssue({ code: 'custom', path: ['churnApiEndpointUrl'], input: config.churnApiEndpointUrl, message: 'only with churnApiMode=apigateway' });
    }
    if (config.churnSageMakerEndpointName !== undefined && config.churnApiMode !== 'sagemaker') {
      context.addIssue({ code: 'custom', path: ['churnSageMakerEndpointName'], input: config.churnSageMakerEndpointName, message: 'only with churnApiMode=sagemaker' });
    }
    const managed = Object.keys(config.processorProperties).filter((key) => MANAGED_PROPERTY_KEYS.includes(key));
    if (managed.length > 0) {
      context.addIssue({ code: 'custom', path: ['processorProperties'], input: config.processorProperties, message: `no key this app sets itself (${managed.join(', ')})` });
    }
    if (config.sinkPrefix.startsWith(config.deadLetterPrefix) || config.deadLetterPrefix.startsWith(config.sinkPrefix)) {
      context.addIssue({ code: 'custom', path: ['deadLetterPrefix'], input: config.deadLetterPrefix, message: `a prefix that neither contains nor is contained in sinkPrefix (${config.sinkPrefix})` });
    }
  });

/** The app's validated, defaulted configuration. */
export type InfraConfig = Readonly<z.infer<typeof infraContextSchema>>;

/** The context keys the app reads. */
export const INFRA_CONTEXT_KEYS = Object.keys(infraContextSchema.shape) as readonly (keyof InfraConfig)[];

/** One bad context parameter. */
export interface InfraConfigIssue {
  readonly key: string;
  readonly value: unknown;
  readonly expected: string;
}

/** Bad context parameters, all listed at once. Not retriable: fix the context and synthesize again. */
export class InfraConfigError extends DomainError {
  readonly issues: readonly InfraConfigIssue[];

  constructor(issues: readonly InfraConfigIssue[], options: { readonly cause?: unknown } = {}) {
    const lines = issues.map((issue) => `  - ${issue.key} = ${JSON.stringify(issue.value) ?? 'undefined'}: expected ${issue.expected}`);
    super(`Invalid CDK context (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, { ...options, context: { keys: issues.map((issue) => issue.key) } });
    this.issues = issues;
  }
}

/**
 * Validates raw context values and applies the defaults.
 *
 * @throws {InfraConfigError} naming each bad key, its value and what was expected
 */
export function parseInfraConfig(raw: Readonly<Record<string, unknown>>): InfraConfig {
  const result = infraContextSchema.safeParse(raw);
  if (result.success) {
    return Object.freeze(result.data);
  }
  const issues = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    return { key, value: raw[key], expected: issue.message };
  });
  throw new InfraConfigError(issues, { cause: result.error });
}

/** Reads every {@link INFRA_CONTEXT_KEYS} entry from the construct tree's context and validates it. */
export function readInfraConfig(node: Node): InfraConfig {
  return parseInfraConfig(Object.fromEntries(INFRA_CONTEXT_KEYS.map((key) => [key, node.tryGetContext(key)])));
}

/** Where the churn model lives, derived from the context. */
export type ChurnBackend =
  | { readonly kind: 'managed' }
  | { readonly kind: 'existing-api'; readonly url: string }
  | { readonly kind: 'existing-endpoint'; readonly endpointName: string };

/**
 * The app creates the SageMaker endpoint and the REST API unless an existing API URL
 * (`churnApiEndpointUrl`) or endpoint name (`churnSageMakerEndpointName`) is given.
 */
export function churnBackendOf(config: InfraConfig): ChurnBackend {
  if (config.churnApiEndpointUrl !== undefined) {
    return { kind: 'existing-api', url: config.churnApiEndpointUrl };
  }
  if (config.churnSageMakerEndpointName !== undefined) {
    return { kind: 'existing-endpoint', endpointName: config.churnSageMakerEndpointName };
  }
  return { kind: 'managed' };
}
