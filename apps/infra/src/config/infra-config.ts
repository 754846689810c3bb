import { DEFAULT_DATASET, DomainError } from '@tenant-analytics/domain';
import type { Node } from 'constructs';
import { EVENT_SOURCE_MAPPING_FIXED, eventSourceMappingContextShape } from '@tenant-analytics/domain';
import { z } from 'zod';
import { MANAGED_PROPERTY_KEYS } from '../processor/processor-property-groups';
import { processorBudgetOf, shardCountsFor, type StreamShardCounts } from './capacity-plan';

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
const infraContextObject = z
  .object({
    /** Prefix of the stack names (`<prefix>Data`, `<prefix>ChurnApi`, `<prefix>Processor`) and of the sink bucket's name. */
    stackPrefix: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,23}$/, '1-24 letters and digits, starting with a letter (it also names the sink bucket)').default('TenantAnalytics'),
    jobsStreamName: streamName.default('bigdatajobs'),
    companiesStreamName: streamName.default('companies'),
    enrichedStreamName: streamName.default('enrichedcompanies'),
    /** `provisioned` sizes each stream from the expected rate (or the `*ShardCount` overrides); `on-demand` scales by itself. */
    streamMode: z.enum(['provisioned', 'on-demand']).default('provisioned'),
    /** Job events per second the deployment is sized for: shards, warm throughput, cost figures. */
    expectedEventsPerSecond: integer(1, 1_000_000).default(1000),
    /** Company snapshots per second on `companies`. */
    expectedSnapshotsPerSecond: integer(1, 1_000_000).default(10),
    expectedEventBytes: integer(1, 1_048_576).default(200),
    expectedEnrichedRecordBytes: integer(1, 1_048_576).default(700),
    expectedSnapshotBytes: integer(1, 1_048_576).default(300),
    /** Shard count overrides per stream (provisioned mode); unset: derived from the expected rate. */
    jobsShardCount: integer(1, 500).optional(),
    companiesShardCount: integer(1, 500).optional(),
    enrichedShardCount: integer(1, 500).optional(),
    streamRetentionHours: integer(24, 8760).default(24),
    /** Key prefix of the enriched JSON Lines objects in the sink bucket. */
    sinkPrefix: s3Prefix.default('enriched'),
    /** Key prefix of the processor's dead letters in the sink bucket; expired by lifecycle. */
    deadLetterPrefix: s3Prefix.default('dead-letters'),
    deadLetterExpirationDays: integer(1, 3650).default(30),
    /** Days after which enriched objects expire; `never` keeps them. */
    enrichedExpirationDays: z.union([z.literal('never'), integer(1, 36_500)]).default(365),
    /** Days after which enriched objects move to `enrichedTransitionStorageClass`; unset: no transition. */
    enrichedTransitionDays: integer(0, 36_500).optional(),
    enrichedTransitionStorageClass: z.enum(['STANDARD_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER']).default('INTELLIGENT_TIERING'),
    /** State table capacity: `on-demand` (with warm throughput for the expected rate) or `provisioned` with auto scaling. */
    stateTableBilling: z.enum(['on-demand', 'provisioned']).default('on-demand'),
    /** Write units one event costs the state table (issue 11 measured 4.6–5.4 for a Zipf tenant mix). */
    stateWriteUnitsPerEvent: z.coerce.number().min(0.01).max(1000).default(6),
    /** Read units one event costs the state table (issue 11: 1.4–3.8). */
    stateReadUnitsPerEvent: z.coerce.number().min(0.01).max(1000).default(4),
    /** Provisioned mode: auto scaling floor of read and write capacity. */
    stateTableMinCapacity: integer(1, 40_000).default(5),
    /** Provisioned mode: auto scaling ceilings; unset: twice the expected rate's units. */
    stateTableMaxWriteCapacity: integer(1, 40_000).optional(),
    stateTableMaxReadCapacity: integer(1, 40_000).optional(),
    /** What `cdk destroy` does to the bucket, the table and the log groups. */
    removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
    jobsStartingPosition: startingPosition.default('LATEST'),
    companiesStartingPosition: startingPosition.default('LATEST'),
    /**
     * batchSize, maxBatchingWindowSeconds, retryAttempts, maxRecordAgeSeconds, parallelizationFactor,
     * processorTimeoutSeconds: shared with the local mapping emulator (libs/domain). retryAttempts
     * defaults to -1: a failing batch is retried until maxRecordAgeSeconds, so an outage of up to
     * that age is ridden out, not discarded (a fixed count is spent within seconds while a
     * dependency is down and the processor fails fast).
     */
    ...eventSourceMappingContextShape,
    /**
     * Set only once the processor keeps its effect intents per lane (ARCHITECTURE.md §3): with one
     * intent per shard, two concurrent lanes of a shard would overwrite each other's intent.
     */
    processorSupportsLanes: flag(false),
    processorMemoryMb: integer(128, 10_240).default(1024),
    processorReservedConcurrency: integer(1, 10_000).optional(),
    logRetentionDays: z.coerce
      .number()
      .refine((days) => LOG_RETENTION_DAYS.includes(days), `one of ${LOG_RETENTION_DAYS.join(', ')}`)
      .default(30),
    /** `external`: the processor calls `tenantManagerEndpoint`; `standin`: this app deploys a tenant manager stand-in. */
    tenantManager: z.enum(['external', 'standin']).default('external'),
    /** Base URL of the tenant manager (`GET /api/v1/tenants/{id}`), https only; unset: asked for at deploy time. */
    tenantManagerEndpoint: z.url({ protocol: /^https$/ }).optional(),
    /** Stand-in: the shared generator's seed and size of its tenant data set (`comp_0` … `comp_<size-1>`). */
    tenantStandinSeed: integer(0, 2_147_483_647).default(DEFAULT_DATASET.seed),
    tenantStandinSize: integer(1, 10_000_000).default(DEFAULT_DATASET.size),
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
    /**
     * Where the app hosts the churn model: `lambda` (default) serves the model trained in this
     * repository (libs/churn-model) from a Lambda function behind the REST API; `sagemaker` hosts a
     * model of your own (`churnModelDataUrl`, `churnModelImage`). Default: `sagemaker` when
     * `churnApiMode=sagemaker`, else `lambda`.
     */
    churnModelHosting: z.enum(['lambda', 'sagemaker']).optional(),
    /** SageMaker hosting: S3 URI of the model artifact (`s3://bucket/key/model.tar.gz`). */
    churnModelDataUrl: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/, 's3://<bucket>/<key>').optional(),
    /** SageMaker hosting: ECR image URI of the inference container. */
    churnModelImage: z
      .string()
      .regex(/^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/.+$/, '<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>')
      .optional(),
    churnInstanceType: z.string().regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'a SageMaker instance type such as ml.m5.large').default('ml.m5.large'),
    churnInstanceCount: integer(1, 100).default(1),
    /** Lambda hosting: memory of the churn function. */
    churnFunctionMemoryMb: integer(128, 10_240).default(512),
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
  });

type InfraContextValues = z.output<typeof infraContextObject>;

/**
 * The shard counts a schema-valid context asks for (provisioned mode): the explicit overrides, else
 * derived from the expected traffic.
 */
function shardCountsOfValues(config: InfraContextValues): StreamShardCounts {
  const derived = shardCountsFor({
    eventsPerSecond: config.expectedEventsPerSecond,
    snapshotsPerSecond: config.expectedSnapshotsPerSecond,
    eventBytes: config.expectedEventBytes,
    enrichedRecordBytes: config.expectedEnrichedRecordBytes,
    snapshotBytes: config.expectedSnapshotBytes,
  });
  return {
    jobs: config.jobsShardCount ?? derived.jobs,
    companies: config.companiesShardCount ?? derived.companies,
    enriched: config.enrichedShardCount ?? derived.enriched,
  };
}

/** The processor's `scoring.total.timeout.ms`: from `processorProperties`, else the processor's default. */
export const DEFAULT_SCORING_TOTAL_TIMEOUT_MS = 30_000;

function scoringTotalTimeoutMsOf(config: Pick<InfraContextValues, 'processorProperties'>): number {
  const value = Number(config.processorProperties['scoring.total.timeout.ms'] ?? DEFAULT_SCORING_TOTAL_TIMEOUT_MS);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_SCORING_TOTAL_TIMEOUT_MS;
}

function checkSizing(config: InfraContextValues, context: z.RefinementCtx): void {
  const budget = processorBudgetOf({
    batchSize: config.batchSize,
    scoringBatchSize: config.scoringBatchSize,
    asyncCapacity: config.asyncCapacity,
    scoringTotalTimeoutMs: scoringTotalTimeoutMsOf(config),
  });
  if (config.processorTimeoutSeconds < budget.minimumTimeoutSeconds) {
    context.addIssue({
      code: 'custom',
      path: ['processorTimeoutSeconds'],
      input: config.processorTimeoutSeconds,
      message:
        `at least ${budget.minimumTimeoutSeconds} s for batchSize=${config.batchSize}: ceil(batchSize / scoringBatchSize=${config.scoringBatchSize}) = ` +
        `${budget.scoringCalls} churn calls, ${budget.scoringWaves} wave(s) at asyncCapacity=${config.asyncCapacity}, ` +
        `× scoring.total.timeout.ms=${scoringTotalTimeoutMsOf(config)} + 30 s for state and sinks; lower batchSize or raise processorTimeoutSeconds (max 900)`,
    });
  }
  if (config.processorMemoryMb < budget.minimumMemoryMb) {
    context.addIssue({
      code: 'custom',
      path: ['processorMemoryMb'],
      input: config.processorMemoryMb,
      message: `at least ${budget.minimumMemoryMb} MB for batchSize=${config.batchSize} (256 MB + 40 KB per record); lower batchSize or raise processorMemoryMb`,
    });
  }
  if (config.maxRecordAgeSeconds > config.streamRetentionHours * 3600) {
    context.addIssue({
      code: 'custom',
      path: ['maxRecordAgeSeconds'],
      input: config.maxRecordAgeSeconds,
      message: `at most streamRetentionHours × 3600 = ${config.streamRetentionHours * 3600} (records expire from the stream first)`,
    });
  }
  if (config.streamMode === 'on-demand') {
    for (const key of ['jobsShardCount', 'companiesShardCount', 'enrichedShardCount'] as const) {
      if (config[key] !== undefined) {
        context.addIssue({ code: 'custom', path: [key], input: config[key], message: 'no value with streamMode=on-demand (on-demand streams have no shard count)' });
      }
    }
  }
  const shards = shardCountsOfValues(config);
  if (config.streamMode === 'provisioned' && shards.jobs > 500) {
    context.addIssue({ code: 'custom', path: ['expectedEventsPerSecond'], input: config.expectedEventsPerSecond, message: `a rate that needs at most 500 shards (needs ${shards.jobs}); use streamMode=on-demand` });
  }
}

function checkChurnHosting(config: InfraContextValues, context: z.RefinementCtx): void {
  const hosting = config.churnModelHosting ?? (config.churnApiMode === 'sagemaker' ? 'sagemaker' : 'lambda');
  const existing = config.churnApiEndpointUrl !== undefined || config.churnSageMakerEndpointName !== undefined;
  if (hosting === 'lambda' && config.churnApiMode === 'sagemaker' && !existing) {
    context.addIssue({ code: 'custom', path: ['churnModelHosting'], input: config.churnModelHosting, message: 'sagemaker (or unset) with churnApiMode=sagemaker: the Lambda-hosted model is reached through the REST API only' });
  }
  if (hosting === 'sagemaker' && !existing) {
    for (const key of ['churnModelDataUrl', 'churnModelImage'] as const) {
      if (config[key] === undefined) {
        context.addIssue({
          code: 'custom',
          path: [key],
          input: undefined,
          message: `a value with SageMaker hosting (churnModelHosting=sagemaker or churnApiMode=sagemaker): both churnModelDataUrl and churnModelImage, or churnModelHosting=lambda for the model trained in this repository`,
        });
      }
    }
  }
  if (hosting === 'lambda') {
    for (const key of ['churnModelDataUrl', 'churnModelImage'] as const) {
      if (config[key] !== undefined) {
        context.addIssue({ code: 'custom', path: [key], input: config[key], message: 'only with churnModelHosting=sagemaker' });
      }
    }
  }
}

/** S3 moves objects to these classes no earlier than this many days after creation. */
const MINIMUM_TRANSITION_DAYS: Readonly<Record<string, number>> = { STANDARD_IA: 30, INTELLIGENT_TIERING: 0, GLACIER_IR: 0, GLACIER: 0 };

function checkLifecycle(config: InfraContextValues, context: z.RefinementCtx): void {
  const transitionDays = config.enrichedTransitionDays;
  if (transitionDays === undefined) {
    return;
  }
  const minimum = MINIMUM_TRANSITION_DAYS[config.enrichedTransitionStorageClass] ?? 0;
  if (transitionDays < minimum) {
    context.addIssue({ code: 'custom', path: ['enrichedTransitionDays'], input: transitionDays, message: `at least ${minimum} for ${config.enrichedTransitionStorageClass}` });
  }
  if (config.enrichedExpirationDays !== 'never' && transitionDays >= config.enrichedExpirationDays) {
    context.addIssue({ code: 'custom', path: ['enrichedTransitionDays'], input: transitionDays, message: `fewer days than enrichedExpirationDays (${config.enrichedExpirationDays})` });
  }
}

/**
 * Every context parameter the app reads (`cdk -c key=value` or `cdk.json`), with its default. The
 * README's "Context parameters" table lists the same keys.
 */
export const infraContextSchema = infraContextObject.superRefine((config, context) => {
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
    checkSizing(config, context);
    checkChurnHosting(config, context);
    checkLifecycle(config, context);
    if (config.tenantManager === 'standin' && config.tenantManagerEndpoint !== undefined) {
      context.addIssue({ code: 'custom', path: ['tenantManagerEndpoint'], input: config.tenantManagerEndpoint, message: 'no value with tenantManager=standin (the stand-in is the endpoint)' });
    }
    if (config.sinkPrefix.startsWith(config.deadLetterPrefix) || config.deadLetterPrefix.startsWith(config.sinkPrefix)) {
      context.addIssue({ code: 'custom', path: ['deadLetterPrefix'], input: config.deadLetterPrefix, message: `a prefix that neither contains nor is contained in sinkPrefix (${config.sinkPrefix})` });
    }
  });

/** The app's validated, defaulted configuration. */
export type InfraConfig = Readonly<z.infer<typeof infraContextSchema>>;

/** The context keys the app reads. */
export const INFRA_CONTEXT_KEYS = Object.keys(infraContextObject.shape) as readonly (keyof InfraConfig)[];

/** Context keys of earlier versions, with what replaced them: given one, synthesis fails. */
export const REMOVED_CONTEXT_KEYS: Readonly<Record<string, string>> = {
  streamShardCount: 'jobsShardCount, companiesShardCount and enrichedShardCount, or expectedEventsPerSecond to derive them',
};

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
    super(`Invalid CDK context (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, {
      cause: options.cause,
      context: { keys: issues.map((issue) => issue.key) },
    });
    this.issues = issues;
  }
}

/**
 * Validates raw context values and applies the defaults.
 *
 * @throws {InfraConfigError} naming each bad key, its value and what was expected
 */
export function parseInfraConfig(raw: Readonly<Record<string, unknown>>): InfraConfig {
  const removed = Object.entries(REMOVED_CONTEXT_KEYS)
    .filter(([key]) => raw[key] !== undefined)
    .map(([key, replacement]) => ({ key, value: raw[key], expected: `no value: removed, use ${replacement}` }));
  const result = infraContextSchema.safeParse(raw);
  if (result.success && removed.length === 0) {
    return Object.freeze(result.data);
  }
  const issues = (result.success ? [] : result.error.issues).map((issue) => {
    const key = issue.path.map(String).join('.');
    return { key, value: raw[key], expected: issue.message };
  });
  throw new InfraConfigError([...removed, ...issues], { cause: result.success ? undefined : result.error });
}

/** Reads every {@link INFRA_CONTEXT_KEYS} entry (and removed ones, to reject them) from the construct tree's context and validates it. */
export function readInfraConfig(node: Node): InfraConfig {
  return parseInfraConfig(Object.fromEntries([...INFRA_CONTEXT_KEYS, ...Object.keys(REMOVED_CONTEXT_KEYS)].map((key) => [key, node.tryGetContext(key)])));
}

/** Shards per stream in provisioned mode: `jobsShardCount` etc. when given, else derived from the expected traffic. */
export function streamShardCountsOf(config: InfraConfig): StreamShardCounts {
  return shardCountsOfValues(config);
}

/** The processor's per-call scoring budget the timeout check assumed. */
export function scoringTotalTimeoutMsOfConfig(config: InfraConfig): number {
  return scoringTotalTimeoutMsOf(config);
}

/** Where the app hosts the churn model it creates. */
export function churnModelHostingOf(config: InfraConfig): 'lambda' | 'sagemaker' {
  return config.churnModelHosting ?? (config.churnApiMode === 'sagemaker' ? 'sagemaker' : 'lambda');
}

/**
 * The settings of both Kinesis event source mappings, in one place: the processor stack applies
 * them, and a local event source mapping emulator can read them from here.
 */
export interface EventSourceMappingSettings {
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** -1: until the record reaches {@link maxRecordAgeSeconds} (Lambda's "infinite"). */
  readonly retryAttempts: number;
  readonly maxRecordAgeSeconds: number;
  readonly bisectBatchOnError: true;
  readonly reportBatchItemFailures: true;
  readonly parallelizationFactor: number;
  readonly startingPositions: { readonly jobs: 'LATEST' | 'TRIM_HORIZON'; readonly companies: 'LATEST' | 'TRIM_HORIZON' };
}

/** {@link EventSourceMappingSettings} of a configuration. */
export function eventSourceMappingSettingsOf(config: InfraConfig): EventSourceMappingSettings {
  return {
    batchSize: config.batchSize,
    maxBatchingWindowSeconds: config.maxBatchingWindowSeconds,
    retryAttempts: config.retryAttempts,
    maxRecordAgeSeconds: config.maxRecordAgeSeconds,
    bisectBatchOnError: EVENT_SOURCE_MAPPING_FIXED.bisectBatchOnFunctionError,
    reportBatchItemFailures: EVENT_SOURCE_MAPPING_FIXED.reportBatchItemFailures,
    parallelizationFactor: config.parallelizationFactor,
    startingPositions: { jobs: config.jobsStartingPosition, companies: config.companiesStartingPosition },
  };
}

/** The event source mapping settings with no context given (the defaults `npx nx deploy infra` uses). */
export const EVENT_SOURCE_MAPPING_DEFAULTS: EventSourceMappingSettings = eventSourceMappingSettingsOf(parseInfraConfig({}));

/** Where the churn model lives, derived from the context. */
export type ChurnBackend =
  | { readonly kind: 'managed'; readonly hosting: 'lambda' | 'sagemaker' }
  | { readonly kind: 'existing-api'; readonly url: string }
  | { readonly kind: 'existing-endpoint'; readonly endpointName: string };

/**
 * The app creates the churn model (a Lambda function, or a SageMaker endpoint on request) and the
 * REST API unless an existing API URL
 * (`churnApiEndpointUrl`) or endpoint name (`churnSageMakerEndpointName`) is given.
 */
export function churnBackendOf(config: InfraConfig): ChurnBackend {
  if (config.churnApiEndpointUrl !== undefined) {
    return { kind: 'existing-api', url: config.churnApiEndpointUrl };
  }
  if (config.churnSageMakerEndpointName !== undefined) {
    return { kind: 'existing-endpoint', endpointName: config.churnSageMakerEndpointName };
  }
  return { kind: 'managed', hosting: churnModelHostingOf(config) };
}
