import { inspect } from 'node:util';
import { z } from 'zod';
import { CHURN_API_MODES, type ChurnApiMode } from './churn';
import { zonedDateTimeSchema } from './date-time';
import { ConfigError, type ConfigIssue } from './errors';
import type { JobEventLimits } from './job-event';
import { envNameForKey, loadPropertyGroups, type PropertyGroupsSource } from './property-groups';
import { isSecretName, REDACTED } from './redaction';

// ---------------------------------------------------------------------------------------------
// Value kinds: how one string from the file or the environment becomes a typed value.
// ---------------------------------------------------------------------------------------------

interface ValueKind<T> {
  readonly schema: z.ZodType<T, string>;
  /** What a valid value looks like, in words, for error messages and the README. */
  readonly expected: string;
}

const kind = <T>(schema: z.ZodType<T, string>, expected: string): ValueKind<T> => ({ schema, expected });

const integer = (min: number, max: number): ValueKind<number> =>
  kind(z.string().regex(/^-?\d+$/).transform(Number).pipe(z.number().int().min(min).max(max)), `an integer between ${min} and ${max}`);

const oneOf = <const V extends readonly [string, ...string[]]>(values: V): ValueKind<V[number]> =>
  kind(z.enum(values), `one of ${values.join(', ')}`);

const bool = kind(z.enum(['true', 'false']).transform((value) => value === 'true'), 'true or false');
const resourceName = kind(z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/), 'a name of 1-255 characters of [A-Za-z0-9_.-]');
const region = kind(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/), 'an AWS region name, e.g. us-west-2');
const httpUrl = kind(z.url({ protocol: /^https?$/ }), 'an http(s) URL, e.g. https://example.com/path');
const secretText = kind(z.string().regex(/^\S+$/), 'a value without spaces');
const zonedTimestamp = kind(
  zonedDateTimeSchema.transform((value) => new Date(value).toISOString()),
  'an ISO-8601 date-time with a zone, e.g. 2026-11-25T10:00:00Z',
);

/** An S3 location parsed from `s3://bucket/prefix`. */
export interface S3Location {
  /** As configured, without a trailing slash. */
  readonly uri: string;
  readonly bucket: string;
  /** The key prefix without leading or trailing slashes; empty for the bucket root. */
  readonly prefix: string;
}

const s3Location = kind(
  z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/)
    .transform((uri): S3Location => {
      const [bucket = '', ...rest] = uri.slice('s3://'.length).split('/');
      const prefix = rest.filter((segment) => segment !== '').join('/');
      return { uri: `s3://${bucket}${prefix === '' ? '' : `/${prefix}`}`, bucket, prefix };
    }),
  's3://bucket/prefix (a bucket name of 3-63 characters of [a-z0-9.-])',
);

// ---------------------------------------------------------------------------------------------
// The keys.
// ---------------------------------------------------------------------------------------------

interface KeySpec<T = unknown> {
  readonly kind: ValueKind<T>;
  readonly description: string;
  readonly default?: string;
  readonly required?: true;
  readonly secret?: true;
  /** For the README: the default when it is computed from other keys. */
  readonly derivedDefault?: string;
}

const withDefault = <T>(valueKind: ValueKind<T>, defaultValue: string, description: string): KeySpec<T> & { readonly default: string } => ({
  kind: valueKind,
  default: defaultValue,
  description,
});
const required = <T>(valueKind: ValueKind<T>, description: string): KeySpec<T> & { readonly required: true } => ({
  kind: valueKind,
  required: true,
  description,
});
const optional = <T>(valueKind: ValueKind<T>, description: string, extra: Pick<KeySpec, 'secret' | 'derivedDefault'> = {}): KeySpec<T> => ({
  kind: valueKind,
  description,
  ...extra,
});

/** Where a Kinesis consumer starts on a shard it has no checkpoint for. */
export const INITIAL_POSITIONS = ['LATEST', 'TRIM_HORIZON', 'AT_TIMESTAMP'] as const;
export type InitialPosition = (typeof INITIAL_POSITIONS)[number];
/** pino's level names. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const SAGEMAKER_CONTENT_TYPES = ['text/csv', 'application/json'] as const;
export type SageMakerContentType = (typeof SAGEMAKER_CONTENT_TYPES)[number];
/** What the processor does with a record whose churn score could not be obtained. */
export const SCORING_FAILURE_ACTIONS = ['dead-letter', 'emit-unscored'] as const;
export type ScoringFailureAction = (typeof SCORING_FAILURE_ACTIONS)[number];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Every configuration key: seed keys keep their names (ARCHITECTURE.md §4). */
const KEY_SPECS = {
  'aws.region': withDefault(region, 'us-west-2', 'AWS region of the streams, bucket, table and request signing.'),
  'jobs.stream.name': withDefault(resourceName, 'bigdatajobs', 'Kinesis stream of job events.'),
  'jobs.stream.initial.position': withDefault(oneOf(INITIAL_POSITIONS), 'LATEST', 'Where to start reading a jobs shard without a checkpoint.'),
  'jobs.stream.initial.timestamp': optional(zonedTimestamp, 'Start time on the jobs stream; required iff its position is AT_TIMESTAMP.'),
  'companies.stream.name': withDefault(resourceName, 'companies', 'Kinesis stream of company snapshots.'),
  'companies.stream.initial.position': withDefault(oneOf(INITIAL_POSITIONS), 'LATEST', 'Where to start reading a companies shard without a checkpoint.'),
  'companies.stream.initial.timestamp': optional(zonedTimestamp, 'Start time on the companies stream; required iff its position is AT_TIMESTAMP.'),
  'enrichedcompanies.stream.name': withDefault(resourceName, 'enrichedcompanies', 'Kinesis stream the enriched records are published to.'),
  'enrichedcompanies.enabled': withDefault(bool, 'true', 'Whether enriched records are published to the output stream.'),
  'kinesis.endpoint': optional(httpUrl, 'Kinesis endpoint override (local emulator); absent = the AWS default.'),
  's3.endpoint': optional(httpUrl, 'S3 endpoint override (local emulator); absent = the AWS default.'),
  'dynamodb.endpoint': optional(httpUrl, 'DynamoDB endpoint override (local emulator); absent = the AWS default.'),
  's3.force.path.style': withDefault(bool, 'false', 'Path-style S3 addressing (needed by s3rver).'),
  S3SinkPath: required(s3Location, 'Where enriched records are written (JSON Lines, gzip, partitioned by event time).'),
  dlqPath: optional(s3Location, 'Where dead letters are written.', { derivedDefault: 's3://<bucket of S3SinkPath>/dead-letters' }),
  predictChurnApiEndpoint: optional(
    httpUrl,
    'Churn API: the full POST URL in apigateway mode (required; …/prod/assessChurn), the runtime base URL in sagemaker mode.',
    { derivedDefault: 'apigateway: none (required); sagemaker: https://runtime.sagemaker.<aws.region>.amazonaws.com' },
  ),
  predictChurnApiKey: optional(secretText, 'API Gateway key sent as x-api-key; blank (the seed\'s " ") = none.', { secret: true }),
  'churn.api.mode': withDefault(oneOf(CHURN_API_MODES), 'apigateway', 'How the churn model is called.'),
  'churn.sagemaker.endpoint.name': optional(resourceName, 'SageMaker endpoint name; required iff churn.api.mode is sagemaker.'),
  'churn.sagemaker.content.type': withDefault(oneOf(SAGEMAKER_CONTENT_TYPES), 'text/csv', 'Request format in sagemaker mode.'),
  'churn.signing.enabled': withDefault(bool, 'true', 'Sign churn calls with SigV4.'),
  'churn.signing.service': optional(resourceName, 'SigV4 service name of churn calls.', { derivedDefault: 'execute-api (apigateway) or sagemaker' }),
  'scoring.batch.size': withDefault(integer(1, 1000), '25', 'Companies per churn call.'),
  'async.capacity': withDefault(integer(1, 1000), '20', 'Churn calls in flight at most (seed name and default).'),
  'scoring.attempt.timeout.ms': withDefault(integer(1, 10 * MINUTE_MS), '2000', 'Timeout of one churn call attempt.'),
  'scoring.total.timeout.ms': withDefault(integer(1, HOUR_MS), '30000', 'Budget for a churn call with its retries (seed: 30 s).'),
  'scoring.retry.max.attempts': withDefault(integer(1, 100), '5', 'Churn call attempts in all, the first included.'),
  'scoring.retry.initial.delay.ms': withDefault(integer(0, 10 * MINUTE_MS), '100', 'First retry delay (exponential backoff with jitter).'),
  'scoring.retry.max.delay.ms': withDefault(integer(0, 10 * MINUTE_MS), '5000', 'Cap of the retry delay.'),
  'scoring.breaker.consecutive.failures': withDefault(integer(1, 1000), '5', 'Consecutive failed churn calls that open the circuit breaker.'),
  'scoring.breaker.half.open.after.ms': withDefault(integer(1, HOUR_MS), '10000', 'How long the breaker stays open before a trial call.'),
  'scoring.on.failure': withDefault(oneOf(SCORING_FAILURE_ACTIONS), 'dead-letter', 'Records whose scoring failed: dead-letter them, or emit them unscored.'),
  tenantManagerEndpoint: required(httpUrl, 'Tenant manager base URL (GET /api/v1/tenants/{id}).'),
  'tenant.signing.enabled': withDefault(bool, 'false', 'Sign tenant lookups with SigV4 (service execute-api), for a tenant manager behind IAM auth such as the CDK stand-in.'),
  'tenant.lookup.concurrency': withDefault(integer(1, 1000), '10', 'Tenant lookups in flight at most.'),
  'tenant.lookup.attempt.timeout.ms': withDefault(integer(1, 10 * MINUTE_MS), '2000', 'Timeout of one tenant lookup attempt.'),
  'tenant.lookup.retry.max.attempts': withDefault(integer(1, 100), '4', 'Tenant lookup attempts in all, the first included.'),
  'tenant.lookup.retry.initial.delay.ms': withDefault(integer(0, 10 * MINUTE_MS), '100', 'First tenant lookup retry delay.'),
  'tenant.lookup.retry.max.delay.ms': withDefault(integer(0, 10 * MINUTE_MS), '2000', 'Cap of the tenant lookup retry delay.'),
  'tenant.cache.max.entries': withDefault(integer(1, 10_000_000), '10000', 'Tenant profiles kept in the in-memory LRU cache.'),
  'tenant.cache.ttl.ms': withDefault(integer(1, 7 * DAY_MS), '300000', 'How long a cached tenant profile is trusted.'),
  'state.table.name': withDefault(resourceName, 'company-state', 'DynamoDB table of per-company state.'),
  'dedupe.window.minutes': withDefault(integer(1, 7 * 24 * 60), '60', 'How long producer eventIDs are remembered: a second event with the same eventID for the same company within this window is skipped as a duplicate (per lane, persisted; memory and cost grow with the window, see the README).'),
  'state.compaction.interval.seconds': withDefault(integer(0, 3600), '60', 'State compaction: how long a jobs lane keeps completed batches out of the company items before it writes them, spread over its next batches (a quarter as many as the interval held), so that a busy company costs one state write per interval instead of one per batch (0 = write every batch). A company snapshot reaches the counts of a jobs lane that cached the company when that lane next writes the company.'),
  'state.compaction.max.batches': withDefault(integer(1, 500), '120', 'State compaction: deferred batches a lane lists at most (a compaction starts early enough to end below it; each adds ~25 bytes to the lane item, written twice per batch, and one body read to a cold start).'),
  'validation.nbjobs.min': withDefault(integer(0, Number.MAX_SAFE_INTEGER), '1', 'Smallest accepted nbJobs.'),
  'validation.nbjobs.max': withDefault(integer(1, Number.MAX_SAFE_INTEGER), '100000', 'Largest accepted nbJobs.'),
  'validation.max.age.days': withDefault(integer(1, 3650), '365', 'Oldest accepted creationDate, in days before now.'),
  'validation.max.future.skew.ms': withDefault(integer(0, DAY_MS), '300000', 'Furthest accepted creationDate ahead of now (clock skew).'),
  'validation.max.record.bytes': withDefault(integer(1, 1024 * 1024), '65536', 'Largest accepted record payload.'),
  'runner.poll.interval.ms': withDefault(integer(0, 10 * MINUTE_MS), '1000', 'Local runner: delay between polls of a caught-up shard.'),
  'runner.getrecords.limit': withDefault(integer(1, 10_000), '10000', 'Local runner: GetRecords limit per call (10,000, the Kinesis maximum: a lane that fell behind catches up in larger batches, where the events of one company are one state write).'),
  'runner.checkpoint.table.name': optional(resourceName, 'DynamoDB table of lane checkpoints and pending (write-ahead) batches, both runtimes.', { derivedDefault: 'state.table.name' }),
  'runner.shutdown.timeout.ms': withDefault(integer(0, 10 * MINUTE_MS), '30000', 'Local runner: how long a graceful drain may take.'),
  'log.level': withDefault(oneOf(LOG_LEVELS), 'info', 'Log level.'),
} as const;

type KeyName = keyof typeof KEY_SPECS;
type ValueOf<S> = S extends KeySpec<infer T> ? (S extends { readonly default: string } | { readonly required: true } ? T : T | undefined) : never;
type ConfigValues = { [K in KeyName]: ValueOf<(typeof KEY_SPECS)[K]> };

/**
 * Keys that mean nothing here: the seed's Flink application's, and ours that an upgrade retired.
 * They are accepted (and ignored) so that existing property groups load unchanged.
 */
export const IGNORED_SEED_KEYS: Readonly<Record<string, string>> = Object.freeze({
  'flink.stream.initpos': 'Flink consumer start position; use jobs.stream.initial.position',
  AggregationEnabled: 'Flink Kinesis producer aggregation (KPL); records are never aggregated here',
  'dedupe.event.ttl.days': 'remembered eventIDs per company (before state layer v2); use dedupe.window.minutes',
  'dedupe.max.events.per.company': 'remembered eventIDs per company (before state layer v2); use dedupe.window.minutes',
});

/** Keys under this prefix are accepted unchecked, for extensions; they land in `extensions`. */
export const EXTENSION_KEY_PREFIX = 'x.';

/** One configuration key, for documentation and tooling (the README's config table). */
export interface ConfigKeyInfo {
  readonly key: string;
  readonly envName: string;
  /** The default as written in the file, or how it is derived; absent when there is none. */
  readonly default?: string;
  readonly required: boolean;
  readonly secret: boolean;
  /** What a valid value looks like. */
  readonly expected: string;
  readonly description: string;
}

/** Every configuration key with its environment variable, default and meaning, in file order. */
export const CONFIG_KEYS: readonly ConfigKeyInfo[] = Object.freeze(
  Object.entries(KEY_SPECS).map(([key, spec]: [string, KeySpec]) => {
    const defaultText = spec.default ?? spec.derivedDefault;
    return Object.freeze({
      key,
      envName: envNameForKey(key),
      ...(defaultText === undefined ? {} : { default: defaultText }),
      required: spec.required === true,
      secret: spec.secret === true || isSecretName(key),
      expected: spec.kind.expected,
      description: spec.description,
    });
  }),
);

// ---------------------------------------------------------------------------------------------
// The typed configuration.
// ---------------------------------------------------------------------------------------------

/** A Kinesis stream the pipeline reads. */
export interface StreamSourceConfig {
  readonly name: string;
  readonly initialPosition: InitialPosition;
  /** ISO-8601 UTC; present iff `initialPosition` is `AT_TIMESTAMP`. */
  readonly initialTimestamp?: string;
}

/** Retries with capped exponential backoff and jitter. */
export interface RetryConfig {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

interface ChurnCommonConfig {
  /** apigateway: the full POST URL; sagemaker: the runtime base URL. */
  readonly endpoint: string;
  /** Sent as `x-api-key`. Secret: log the config through {@link redactConfig}. */
  readonly apiKey?: string;
  readonly signing: { readonly enabled: boolean; readonly service: string };
  readonly batchSize: number;
  readonly asyncCapacity: number;
  readonly attemptTimeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly retry: RetryConfig;
  readonly breaker: { readonly consecutiveFailures: number; readonly halfOpenAfterMs: number };
  readonly onFailure: ScoringFailureAction;
}

/** How the churn model is reached; the SageMaker settings exist only in sagemaker mode. */
export type ChurnConfig = ChurnCommonConfig &
  (
    | { readonly mode: Extract<ChurnApiMode, 'apigateway'> }
    | { readonly mode: Extract<ChurnApiMode, 'sagemaker'>; readonly sageMaker: { readonly endpointName: string; readonly contentType: SageMakerContentType } }
  );

/** The whole pipeline's configuration: parsed once at start-up, frozen. */
export interface PipelineConfig {
  readonly region: string;
  readonly streams: {
    readonly jobs: StreamSourceConfig;
    readonly companies: StreamSourceConfig;
    readonly enriched: { readonly name: string; readonly enabled: boolean };
  };
  /** Endpoint overrides for local emulators; absent = the AWS default endpoint. */
  readonly endpoints: { readonly kinesis?: string; readonly s3?: string; readonly dynamodb?: string; readonly s3ForcePathStyle: boolean };
  readonly sink: { readonly path: S3Location; readonly deadLetterPath: S3Location };
  readonly churn: ChurnConfig;
  readonly tenantManager: {
    readonly endpoint: string;
    readonly signing: { readonly enabled: boolean };
    readonly concurrency: number;
    readonly attemptTimeoutMs: number;
    readonly retry: RetryConfig;
    readonly cache: { readonly maxEntries: number; readonly ttlMs: number };
  };
  readonly state: { readonly tableName: string; readonly dedupeWindowMinutes: number; readonly compaction: { readonly intervalMs: number; readonly maxBatches: number } };
  readonly validation: JobEventLimits;
  /** The local polling runner only. */
  readonly runner: {
    readonly pollIntervalMs: number;
    readonly getRecordsLimit: number;
    readonly checkpointTableName: string;
    readonly shutdownTimeoutMs: number;
  };
  readonly log: { readonly level: LogLevel };
  /** `x.`-prefixed keys, unchecked, for extensions. */
  readonly extensions: Readonly<Record<string, string>>;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known key closest to a typo, if one is close enough to be a plausible intent. */
function suggestKey(unknown: string): string | undefined {
  const byEnvName = Object.keys(KEY_SPECS).find((key) => envNameForKey(key) === envNameForKey(unknown));
  if (byEnvName !== undefined) {
    return byEnvName;
  }
  let best: { key: string; distance: number } | undefined;
  for (const key of Object.keys(KEY_SPECS)) {
    const distance = editDistance(unknown.toLowerCase(), key.toLowerCase());
    if (best === undefined || distance < best.distance) {
      best = { key, distance };
    }
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(unknown.length / 4)) ? best.key : undefined;
}

const isKnownKey = (key: string): key is KeyName => Object.hasOwn(KEY_SPECS, key);

/** Parses every known key (blank = unset), collecting one issue per bad or missing key. */
function parseKeys(flat: Readonly<Record<string, string>>, issues: ConfigIssue[]): Partial<ConfigValues> {
  const values: Partial<Record<KeyName, unknown>> = {};
  for (const [key, spec] of Object.entries(KEY_SPECS) as [KeyName, KeySpec][]) {
    const given = flat[key]?.trim();
    const raw = given === undefined || given === '' ? spec.default : given;
    if (raw === undefined) {
      if (spec.required) {
        issues.push({ key, problem: 'missing', expected: spec.kind.expected });
      }
      continue;
    }
    const parsed = spec.kind.schema.safeParse(raw);
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      issues.push({ key, problem: 'invalid', value: raw, expected: spec.kind.expected });
    }
  }
  // Each value was produced by its key's own schema, so the map matches ConfigValues key by key.
  return values as Partial<ConfigValues>;
}

/** Whether a key has no value and no issue yet, so that a cross-key rule may report it missing. */
function isUnreported(values: Partial<ConfigValues>, issues: readonly ConfigIssue[], key: KeyName): boolean {
  return values[key] === undefined && !issues.some((issue) => issue.key === key);
}

function checkStartPosition(values: Partial<ConfigValues>, flat: Readonly<Record<string, string>>, stream: 'jobs' | 'companies', issues: ConfigIssue[]): void {
  const positionKey = `${stream}.stream.initial.position` as const;
  const timestampKey = `${stream}.stream.initial.timestamp` as const;
  const position = values[positionKey];
  if (position === 'AT_TIMESTAMP' && isUnreported(values, issues, timestampKey)) {
    issues.push({ key: timestampKey, problem: 'missing', expected: `${KEY_SPECS[timestampKey].kind.expected}, because ${positionKey} is AT_TIMESTAMP` });
  }
  if (position !== undefined && position !== 'AT_TIMESTAMP' && values[timestampKey] !== undefined) {
    issues.push({ key: timestampKey, problem: 'invalid', value: flat[timestampKey]?.trim(), expected: `no value unless ${positionKey} is AT_TIMESTAMP (it is ${position})` });
  }
}

function checkAtLeast(values: Partial<ConfigValues>, key: KeyName, floorKey: KeyName, issues: ConfigIssue[]): void {
  const value = values[key];
  const floor = values[floorKey];
  if (typeof value === 'number' && typeof floor === 'number' && value < floor) {
    issues.push({ key, problem: 'invalid', value: String(value), expected: `at least ${floorKey} (${floor})` });
  }
}

/** Rules that involve several keys. */
function checkCrossKeyRules(values: Partial<ConfigValues>, flat: Readonly<Record<string, string>>, issues: ConfigIssue[]): void {
  checkStartPosition(values, flat, 'jobs', issues);
  checkStartPosition(values, flat, 'companies', issues);
  const mode = values['churn.api.mode'];
  const endpointName = values['churn.sagemaker.endpoint.name'];
  if (mode === 'apigateway' && isUnreported(values, issues, 'predictChurnApiEndpoint')) {
    issues.push({ key: 'predictChurnApiEndpoint', problem: 'missing', expected: `${httpUrl.expected}, because churn.api.mode is apigateway` });
  }
  if (mode === 'sagemaker' && isUnreported(values, issues, 'churn.sagemaker.endpoint.name')) {
    issues.push({ key: 'churn.sagemaker.endpoint.name', problem: 'missing', expected: `${resourceName.expected}, because churn.api.mode is sagemaker` });
  }
  if (mode === 'apigateway' && endpointName !== undefined) {
    issues.push({ key: 'churn.sagemaker.endpoint.name', problem: 'invalid', value: endpointName, expected: 'no value unless churn.api.mode is sagemaker' });
  }
  checkAtLeast(values, 'scoring.total.timeout.ms', 'scoring.attempt.timeout.ms', issues);
  checkAtLeast(values, 'scoring.retry.max.delay.ms', 'scoring.retry.initial.delay.ms', issues);
  checkAtLeast(values, 'tenant.lookup.retry.max.delay.ms', 'tenant.lookup.retry.initial.delay.ms', issues);
  checkAtLeast(values, 'validation.nbjobs.max', 'validation.nbjobs.min', issues);
}

function unknownKeyIssues(flat: Readonly<Record<string, string>>): ConfigIssue[] {
  return Object.keys(flat)
    .filter((key) => !isKnownKey(key) && !Object.hasOwn(IGNORED_SEED_KEYS, key) && !key.startsWith(EXTENSION_KEY_PREFIX))
    .map((key) => {
      const suggestion = suggestKey(key);
      const hint = suggestion === undefined ? `known keys are listed in the README; prefix extensions with "${EXTENSION_KEY_PREFIX}"` : `did you mean ${suggestion}?`;
      // The value is left out: a misspelt secret key would not be recognised as secret.
      return { key, problem: 'unknown', expected: hint };
    });
}

function churnConfig(v: ConfigValues): ChurnConfig {
  const common: ChurnCommonConfig = {
    endpoint: v.predictChurnApiEndpoint ?? `https://runtime.sagemaker.${v['aws.region']}.amazonaws.com`,
    ...(v.predictChurnApiKey === undefined ? {} : { apiKey: v.predictChurnApiKey }),
    signing: {
      enabled: v['churn.signing.enabled'],
      service: v['churn.signing.service'] ?? (v['churn.api.mode'] === 'sagemaker' ? 'sagemaker' : 'execute-api'),
    },
    batchSize: v['scoring.batch.size'],
    asyncCapacity: v['async.capacity'],
    attemptTimeoutMs: v['scoring.attempt.timeout.ms'],
    totalTimeoutMs: v['scoring.total.timeout.ms'],
    retry: { maxAttempts: v['scoring.retry.max.attempts'], initialDelayMs: v['scoring.retry.initial.delay.ms'], maxDelayMs: v['scoring.retry.max.delay.ms'] },
    breaker: { consecutiveFailures: v['scoring.breaker.consecutive.failures'], halfOpenAfterMs: v['scoring.breaker.half.open.after.ms'] },
    onFailure: v['scoring.on.failure'],
  };
  const endpointName = v['churn.sagemaker.endpoint.name'];
  return v['churn.api.mode'] === 'sagemaker' && endpointName !== undefined
    ? { ...common, mode: 'sagemaker', sageMaker: { endpointName, contentType: v['churn.sagemaker.content.type'] } }
    : { ...common, mode: 'apigateway' };
}

function streamSource(name: string, initialPosition: InitialPosition, initialTimestamp: string | undefined): StreamSourceConfig {
  return initialTimestamp === undefined ? { name, initialPosition } : { name, initialPosition, initialTimestamp };
}

function optionalEntries<T extends Record<string, string | undefined>>(entries: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as Partial<Record<keyof T, string>>;
}

function buildConfig(v: ConfigValues, flat: Readonly<Record<string, string>>): PipelineConfig {
  const sinkPath = v.S3SinkPath;
  return {
    region: v['aws.region'],
    streams: {
      jobs: streamSource(v['jobs.stream.name'], v['jobs.stream.initial.position'], v['jobs.stream.initial.timestamp']),
      companies: streamSource(v['companies.stream.name'], v['companies.stream.initial.position'], v['companies.stream.initial.timestamp']),
      enriched: { name: v['enrichedcompanies.stream.name'], enabled: v['enrichedcompanies.enabled'] },
    },
    endpoints: {
      ...optionalEntries({ kinesis: v['kinesis.endpoint'], s3: v['s3.endpoint'], dynamodb: v['dynamodb.endpoint'] }),
      s3ForcePathStyle: v['s3.force.path.style'],
    },
    sink: {
      path: sinkPath,
      deadLetterPath: v.dlqPath ?? { uri: `s3://${sinkPath.bucket}/dead-letters`, bucket: sinkPath.bucket, prefix: 'dead-letters' },
    },
    churn: churnConfig(v),
    tenantManager: {
      endpoint: v.tenantManagerEndpoint,
      signing: { enabled: v['tenant.signing.enabled'] },
      concurrency: v['tenant.lookup.concurrency'],
      attemptTimeoutMs: v['tenant.lookup.attempt.timeout.ms'],
      retry: {
        maxAttempts: v['tenant.lookup.retry.max.attempts'],
        initialDelayMs: v['tenant.lookup.retry.initial.delay.ms'],
        maxDelayMs: v['tenant.lookup.retry.max.delay.ms'],
      },
      cache: { maxEntries: v['tenant.cache.max.entries'], ttlMs: v['tenant.cache.ttl.ms'] },
    },
    state: {
      tableName: v['state.table.name'],
      dedupeWindowMinutes: v['dedupe.window.minutes'],
      compaction: { intervalMs: v['state.compaction.interval.seconds'] * 1000, maxBatches: v['state.compaction.max.batches'] },
    },
    validation: {
      minJobs: v['validation.nbjobs.min'],
      maxJobs: v['validation.nbjobs.max'],
      maxAgeMs: v['validation.max.age.days'] * DAY_MS,
      maxFutureSkewMs: v['validation.max.future.skew.ms'],
      maxRecordBytes: v['validation.max.record.bytes'],
    },
    runner: {
      pollIntervalMs: v['runner.poll.interval.ms'],
      getRecordsLimit: v['runner.getrecords.limit'],
      checkpointTableName: v['runner.checkpoint.table.name'] ?? v['state.table.name'],
      shutdownTimeoutMs: v['runner.shutdown.timeout.ms'],
    },
    log: { level: v['log.level'] },
    extensions: Object.fromEntries(Object.entries(flat).filter(([key]) => key.startsWith(EXTENSION_KEY_PREFIX))),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) {
      deepFreeze(nested);
    }
  }
  return value;
}

/**
 * A copy of a configuration fit for logs: every string under a secret-looking name (`apiKey`,
 * `*secret*`, `*token*`…) becomes `***`.
 *
 * @example
 * logger.info('configuration loaded', { config: redactConfig(config) });
 */
export function redactConfig<T>(config: T): T {
  const redact = (value: unknown, name: string): unknown => {
    if (typeof value === 'string') {
      return isSecretName(name) ? REDACTED : value;
    }
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, nested]) => [key, redact(nested, key)]));
    }
    return value;
  };
  // redact() rebuilds the same shape with strings replaced by strings.
  return redact(config, '') as T;
}

/**
 * Validates a flat key → value map (from {@link loadPropertyGroups}) into the typed, frozen
 * {@link PipelineConfig}: defaults applied, strings coerced to numbers, booleans, URLs and S3
 * locations, cross-key rules checked. The result redacts its secrets when printed or serialised
 * (`JSON.stringify`, `util.inspect`), so an accidental `logger.info({ config })` leaks nothing.
 *
 * @throws {ConfigError} listing every bad, missing, unknown or inconsistent key at once
 */
export function parsePipelineConfig(flat: Readonly<Record<string, string>>): PipelineConfig {
  const issues = unknownKeyIssues(flat);
  const values = parseKeys(flat, issues);
  checkCrossKeyRules(values, flat, issues);
  if (issues.length > 0) {
    throw new ConfigError(issues);
  }
  // No issue means every required and defaulted key parsed, which is what ConfigValues states.
  const config = buildConfig(values as ConfigValues, flat);
  Object.defineProperties(config, {
    toJSON: { value: () => redactConfig(config), enumerable: false },
    [inspect.custom]: { value: () => redactConfig(config), enumerable: false },
  });
  return deepFreeze(config);
}

/** Where {@link loadPipelineConfig} reads from. */
export type PipelineConfigSource = Omit<PropertyGroupsSource, 'knownKeys'>;

/**
 * Loads and validates the pipeline configuration: property groups from a file and/or a JSON
 * string, environment overrides for every known key, then {@link parsePipelineConfig}.
 *
 * @example
 * const config = loadPipelineConfig({ file: process.env.CONFIG_FILE, env: process.env });
 */
export function loadPipelineConfig(source: PipelineConfigSource): PipelineConfig {
  return parsePipelineConfig(loadPropertyGroups({ ...source, knownKeys: Object.keys(KEY_SPECS) }));
}
