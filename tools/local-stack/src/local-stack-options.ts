import path from 'node:path';
import { SILENT_LOGGER, type Logger } from '@tenant-analytics/domain';
import { z } from 'zod';
import { DEFAULT_ENDPOINTS_FILE, KINESIS_BACKENDS, type KinesisBackend } from '@tenant-analytics/local-endpoints';
import { LocalStackConfigError } from './errors';
import type { ProvidedEndpoints } from './provided-endpoints';

/**
 * Where dynalite keeps the state table. `memory` (the default) because dynalite 4 with an on-disk
 * LevelDB store (`--path`) was measured to acknowledge conditional PutItems of items of 10 KB and
 * more under concurrent load and later serve an older version (28 of 75,529 writes lost in 60 s; 0 in
 * memory), which breaks exactly-once counters in long runs. `disk` keeps the table in the data dir
 * across restarts of the stack, accepting that risk.
 */
export const DYNAMODB_STORAGES = ['memory', 'disk'] as const;
export type DynamoDbStorage = (typeof DYNAMODB_STORAGES)[number];

/**
 * Where the emulators and services run. `processes`: child processes of this Node (no Docker).
 * `containers`: containers of locally built images (`npm run images`) through testcontainers;
 * needs a Docker engine. `auto`: containers when an engine answers, processes otherwise.
 */
export const LOCAL_STACK_BACKENDS = ['processes', 'containers', 'auto'] as const;
export type LocalStackBackend = (typeof LOCAL_STACK_BACKENDS)[number];
/** What `auto` resolves to. */
export type ResolvedBackend = Exclude<LocalStackBackend, 'auto'>;
/** The environment variable that chooses the backend when the option is not given. */
export const BACKEND_VARIABLE = 'LOCAL_STACK_BACKEND';

/**
 * The backend named by `LOCAL_STACK_BACKEND`, `auto` when it is unset or empty.
 *
 * @throws LocalStackConfigError naming the variable, its value and the choices
 */
export function backendFromEnvironment(env: NodeJS.ProcessEnv = process.env): LocalStackBackend {
  const value = env[BACKEND_VARIABLE];
  if (value === undefined || value === '') return 'auto';
  if ((LOCAL_STACK_BACKENDS as readonly string[]).includes(value)) return value as LocalStackBackend;
  throw new LocalStackConfigError(`${BACKEND_VARIABLE}=${JSON.stringify(value)}: expected one of ${LOCAL_STACK_BACKENDS.join(', ')}`, {
    context: { keys: BACKEND_VARIABLE },
  });
}

/** The seed's region; the emulators keep streams per region, so clients must use the same one. */
export const DEFAULT_REGION = 'us-west-2';

/**
 * Fixed ports, so that a person can point the AWS CLI at a running `nx serve mocks`. Pass 0 for a
 * free port (tests do).
 */
export const DEFAULT_PORTS = { kinesis: 4567, dynamodb: 4568, s3: 4569, tenantManager: 4010, churnApi: 4011 } as const;
export type PortName = keyof typeof DEFAULT_PORTS;

/** Shard counts of the three streams (ARCHITECTURE.md: 2/1/1). */
export const DEFAULT_SHARDS = { jobs: 2, companies: 1, enriched: 1 } as const;

/** The seed's stream names, our bucket and state table. */
export const DEFAULT_NAMES = {
  jobs: 'bigdatajobs',
  companies: 'companies',
  enriched: 'enrichedcompanies',
  bucket: 'tenant-analytics',
  stateTable: 'company-state',
} as const;

/** The SageMaker endpoint name the churn mock serves. */
export const CHURN_ENDPOINT_NAME = 'churn-endpoint';

/** How long a child may take to answer its first request. */
export const DEFAULT_START_TIMEOUT_MS = 60_000;

/** Kinesis allows at most this many shards per stream here (the emulators' account limits are raised to match). */
export const MAX_SHARDS_PER_STREAM = 50;

/** One of our HTTP services: `true` starts it, `{ args }` starts it with extra command-line flags. */
export type ServiceOption = boolean | { readonly args?: readonly string[] };

/** Options of {@link startLocalStack}; every field is optional. */
export interface LocalStackOptions {
  /**
   * Child processes, containers, or containers when a Docker engine answers.
   * @default - `LOCAL_STACK_BACKEND`, else 'auto'
   */
  readonly backend?: LocalStackBackend;
  /** @default 'kinesis-local' */
  readonly kinesisBackend?: KinesisBackend;
  /** @default 'us-west-2' */
  readonly region?: string;
  /**
   * Where dynalite keeps the state table: `disk` (in the data dir, kept across restarts) loses large
   * conditional writes under load, see {@link DYNAMODB_STORAGES}.
   * @default 'memory' - the table lives as long as the dynalite process
   */
  readonly dynamodbStorage?: DynamoDbStorage;
  /** 0 picks a free port. @default DEFAULT_PORTS */
  readonly ports?: Partial<Record<PortName, number>>;
  /** @default DEFAULT_SHARDS (2/1/1) */
  readonly shards?: Partial<Record<keyof typeof DEFAULT_SHARDS, number>>;
  /** @default DEFAULT_NAMES */
  readonly names?: Partial<Record<keyof typeof DEFAULT_NAMES, string>>;
  /** Our two mock services, run from `apps/*\/src/main.ts` with tsx. @default both false */
  readonly services?: { readonly tenantManager?: ServiceOption; readonly churnApi?: ServiceOption };
  /** Emulator data (persisted streams, S3 files, the state table if `dynamodbStorage` is `disk`). Given: kept after stop, reused by the next start. @default - a temp dir removed on stop */
  readonly dataDir?: string;
  /** Where to write the endpoints on start (deleted on stop); false writes nothing. @default '<repo>/.local/endpoints.json' */
  readonly endpointsFile?: string | false;
  /** @default 60000 */
  readonly startTimeoutMs?: number;
  /** @default - a silent logger */
  readonly logger?: Logger;
  /**
   * AWS-compatible endpoints the user runs (LocalStack, moto, AWS; {@link readProvidedEndpoints}):
   * no emulator is started; the streams, bucket and table are created there when missing, and
   * `region`, `names`, `shards`, `kinesisBackend`, `dynamodbStorage`, `dataDir` and the emulator
   * ports are taken from it or unused. The services it does not name run as child processes
   * (`backend: 'containers'` is refused: a container could not reach endpoints on the host's loopback).
   * @default - none: the stack runs its emulators
   */
  readonly provided?: ProvidedEndpoints;
}

/** {@link LocalStackOptions} with every default applied. */
export interface ResolvedLocalStackOptions {
  readonly backend: LocalStackBackend;
  readonly kinesisBackend: KinesisBackend;
  readonly region: string;
  readonly dynamodbStorage: DynamoDbStorage;
  readonly ports: Readonly<Record<PortName, number>>;
  readonly shards: Readonly<Record<keyof typeof DEFAULT_SHARDS, number>>;
  readonly names: Readonly<Record<keyof typeof DEFAULT_NAMES, string>>;
  /** `false` = not started; otherwise the extra flags. */
  readonly services: { readonly tenantManager: readonly string[] | false; readonly churnApi: readonly string[] | false };
  readonly dataDir: string | undefined;
  readonly endpointsFile: string | false;
  readonly startTimeoutMs: number;
  readonly logger: Logger;
  readonly provided: ProvidedEndpoints | undefined;
}

const portSchema = z.number().int().min(0).max(65_535);
const shardsSchema = z.number().int().min(1).max(MAX_SHARDS_PER_STREAM);
// The AWS naming rules of streams, tables and (path-style) buckets.
const streamNameSchema = z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/, 'expected 1-128 characters of [a-zA-Z0-9_.-]');
const tableNameSchema = z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'expected 3-255 characters of [a-zA-Z0-9_.-]');
const bucketNameSchema = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)');
const serviceSchema = z
  .union([z.boolean(), z.strictObject({ args: z.array(z.string()).optional() })])
  .default(false)
  .transform((value) => (value === false ? false : value === true ? [] : (value.args ?? [])));

const optionsSchema = z.strictObject({
  backend: z.enum(LOCAL_STACK_BACKENDS).optional(),
  kinesisBackend: z.enum(KINESIS_BACKENDS).default('kinesis-local'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as us-west-2').default(DEFAULT_REGION),
  dynamodbStorage: z.enum(DYNAMODB_STORAGES).default('memory'),
  ports: z
    .strictObject({
      kinesis: portSchema.default(DEFAULT_PORTS.kinesis),
      s3: portSchema.default(DEFAULT_PORTS.s3),
      dynamodb: portSchema.default(DEFAULT_PORTS.dynamodb),
      tenantManager: portSchema.default(DEFAULT_PORTS.tenantManager),
      churnApi: portSchema.default(DEFAULT_PORTS.churnApi),
    })
    .prefault({}),
  shards: z
    .strictObject({
      jobs: shardsSchema.default(DEFAULT_SHARDS.jobs),
      companies: shardsSchema.default(DEFAULT_SHARDS.companies),
      enriched: shardsSchema.default(DEFAULT_SHARDS.enriched),
    })
    .prefault({}),
  names: z
    .strictObject({
      jobs: streamNameSchema.default(DEFAULT_NAMES.jobs),
      companies: streamNameSchema.default(DEFAULT_NAMES.companies),
      enriched: streamNameSchema.default(DEFAULT_NAMES.enriched),
      bucket: bucketNameSchema.default(DEFAULT_NAMES.bucket),
      stateTable: tableNameSchema.default(DEFAULT_NAMES.stateTable),
    })
    .prefault({}),
  services: z.strictObject({ tenantManager: serviceSchema, churnApi: serviceSchema }).prefault({}),
  dataDir: z.string().min(1).transform((dir) => path.resolve(dir)).optional(),
  endpointsFile: z
    .union([z.string().min(1), z.literal(false)])
    .default(DEFAULT_ENDPOINTS_FILE)
    .transform((file) => (file === false ? false : path.resolve(file))),
  startTimeoutMs: z.number().int().positive().default(DEFAULT_START_TIMEOUT_MS),
});

/**
 * Applies the defaults to {@link LocalStackOptions} and validates them.
 *
 * @throws LocalStackConfigError naming every bad key, its value and what was expected
 * @example
 * resolveLocalStackOptions({ ports: { kinesis: 0 } }).ports; // { kinesis: 0, s3: 4569, … }
 */
export function resolveLocalStackOptions(options: LocalStackOptions = {}): ResolvedLocalStackOptions {
  const { logger, provided, ...rest } = options;
  const parsed = optionsSchema.safeParse(rest, { reportInput: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(options)';
      const got = issue.input === undefined ? '' : ` (got ${JSON.stringify(issue.input)})`;
      return `${key}: ${issue.message}${got}`;
    });
    throw new LocalStackConfigError(`Invalid local stack options: ${problems.join('; ')}`, {
      context: { keys: parsed.error.issues.map((issue) => issue.path.join('.')).join(',') },
    });
  }
  if (provided !== undefined && parsed.data.backend === 'containers') {
    throw new LocalStackConfigError(
      `Invalid local stack options: backend: "containers" cannot serve endpoints given in ${provided.file} (a container cannot reach endpoints on this host's loopback); use "processes" or "auto": the services then run as child processes`,
      { context: { keys: 'backend' } },
    );
  }
  // With provided endpoints no emulator runs: LOCAL_STACK_BACKEND (where emulators run) has nothing to choose.
  const backend = provided !== undefined ? 'processes' : (parsed.data.backend ?? backendFromEnvironment());
  return { ...parsed.data, backend, dataDir: parsed.data.dataDir, logger: logger ?? SILENT_LOGGER, provided };
}
