import { readFileSync } from 'node:fs';
import { DEFAULT_CREDENTIAL_CHAIN, LOCAL_CREDENTIALS } from '@tenant-analytics/local-endpoints';
import { z } from 'zod';
import { LocalStackConfigError } from './errors';
import { CHURN_ENDPOINT_NAME, DEFAULT_NAMES, DEFAULT_SHARDS, MAX_SHARDS_PER_STREAM } from './local-stack-options';

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://127.0.0.1:4566' });
const streamName = z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/, 'expected 1-128 characters of [a-zA-Z0-9_.-]');
const shardCount = z.number().int().min(1).max(MAX_SHARDS_PER_STREAM);
const keysSchema = z.strictObject({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) });

/**
 * The file `nx serve mocks --endpoints <file>` and `npm start -- --endpoints <file>` read: AWS-compatible
 * endpoints the user runs (LocalStack, moto, real AWS) instead of our emulators. Close to
 * `.local/endpoints.json`, with defaults for everything but the region:
 * - `endpoint`: one URL for Kinesis, S3 and DynamoDB (LocalStack's edge port, one moto_server);
 *   `kinesis`, `s3`, `dynamodb` name one service's URL and win over it. Neither: the region's AWS
 *   endpoints (real AWS).
 * - `credentials`: keys, or `"default-chain"` for the AWS SDK's default provider chain.
 *   @default - the local test keys (emulators accept any key)
 * - `tenantManager`, `churnApi` (+ `churnEndpointName`): URLs of services that run elsewhere; each one
 *   left out is started here (our mock).
 * - `bucket`, `streams`, `stateTable`, `shards`: what the stack creates when missing.
 */
export const providedEndpointsFileSchema = z
  .strictObject({
    region: z.string({ error: 'expected an AWS region such as us-east-1' }).regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as us-east-1'),
    endpoint: httpUrl.optional(),
    kinesis: httpUrl.optional(),
    s3: httpUrl.optional(),
    dynamodb: httpUrl.optional(),
    credentials: z
      .union([keysSchema, z.literal(DEFAULT_CREDENTIAL_CHAIN)], {
        error: `expected "${DEFAULT_CREDENTIAL_CHAIN}" or {"accessKeyId": "…", "secretAccessKey": "…"}`,
      })
      .optional(),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)').default(DEFAULT_NAMES.bucket),
    streams: z
      .strictObject({
        jobs: streamName.default(DEFAULT_NAMES.jobs),
        companies: streamName.default(DEFAULT_NAMES.companies),
        enriched: streamName.default(DEFAULT_NAMES.enriched),
      })
      .prefault({}),
    stateTable: z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'expected 3-255 characters of [a-zA-Z0-9_.-]').default(DEFAULT_NAMES.stateTable),
    shards: z
      .strictObject({
        jobs: shardCount.default(DEFAULT_SHARDS.jobs),
        companies: shardCount.default(DEFAULT_SHARDS.companies),
        enriched: shardCount.default(DEFAULT_SHARDS.enriched),
      })
      .prefault({}),
    tenantManager: httpUrl.optional(),
    churnApi: httpUrl.optional(),
    churnEndpointName: z.string().min(1).optional(),
  })
  .superRefine((file, context) => {
    const services = ['kinesis', 's3', 'dynamodb'] as const;
    const given = services.filter((service) => file[service] !== undefined);
    if (file.endpoint === undefined && given.length > 0) {
      for (const service of services.filter((name) => file[name] === undefined)) {
        context.addIssue({
          code: 'custom',
          path: [service],
          message: `expected a URL: ${given.join(' and ')} ${given.length === 1 ? 'is' : 'are'} given without "endpoint", so every service needs its own (or give "endpoint" for all three)`,
        });
      }
    }
    if (file.endpoint === undefined && given.length === 0 && file.credentials === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['credentials'],
        message: `expected "${DEFAULT_CREDENTIAL_CHAIN}" or keys: without "endpoint" the stack talks to real AWS, where the local test keys are refused`,
      });
    }
    if (file.churnEndpointName !== undefined && file.churnApi === undefined) {
      context.addIssue({ code: 'custom', path: ['churnEndpointName'], message: 'expected only with "churnApi" (the churn mock started here serves churn-endpoint)' });
    }
  });
export type ProvidedEndpointsFile = z.input<typeof providedEndpointsFileSchema>;

/** Endpoints the user runs, resolved from {@link providedEndpointsFileSchema}: what the stack works with. */
export interface ProvidedEndpoints {
  /** The file they came from (for messages). */
  readonly file: string;
  readonly region: string;
  readonly kinesis: string;
  readonly s3: string;
  readonly dynamodb: string;
  /** Keys for the SDK clients, or `default-chain`. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | typeof DEFAULT_CREDENTIAL_CHAIN;
  readonly bucket: string;
  readonly streams: { readonly jobs: string; readonly companies: string; readonly enriched: string };
  readonly stateTable: string;
  readonly shards: { readonly jobs: number; readonly companies: number; readonly enriched: number };
  /** Given: not started here. */
  readonly tenantManager: string | undefined;
  readonly churnApi: string | undefined;
  readonly churnEndpointName: string;
}

/** The region's public AWS endpoint of a service (a file without `endpoint` means real AWS). */
function awsEndpoint(service: 'kinesis' | 's3' | 'dynamodb', region: string): string {
  return `https://${service}.${region}.amazonaws.com`;
}

/**
 * Validates a provided-endpoints document and applies the defaults.
 *
 * @throws LocalStackConfigError naming every bad key, the value given and what was expected
 */
export function parseProvidedEndpoints(json: unknown, file: string): ProvidedEndpoints {
  const parsed = providedEndpointsFileSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(file)';
      const got = issue.input === undefined || issue.code === 'custom' ? '' : ` (got ${JSON.stringify(issue.input)})`;
      return `${key}: ${issue.message}${got}`;
    });
    throw new LocalStackConfigError(`The endpoints file ${file} is invalid: ${problems.join('; ')}`, {
      context: { file, keys: parsed.error.issues.map((issue) => issue.path.join('.')).join(',') },
    });
  }
  const data = parsed.data;
  const url = (service: 'kinesis' | 's3' | 'dynamodb'): string => (data[service] ?? data.endpoint ?? awsEndpoint(service, data.region)).replace(/\/+$/, '');
  return {
    file,
    region: data.region,
    kinesis: url('kinesis'),
    s3: url('s3'),
    dynamodb: url('dynamodb'),
    credentials: data.credentials ?? { ...LOCAL_CREDENTIALS },
    bucket: data.bucket,
    streams: data.streams,
    stateTable: data.stateTable,
    shards: data.shards,
    tenantManager: data.tenantManager?.replace(/\/+$/, ''),
    churnApi: data.churnApi?.replace(/\/+$/, ''),
    churnEndpointName: data.churnEndpointName ?? CHURN_ENDPOINT_NAME,
  };
}

/**
 * Reads the file of `--endpoints <file>`.
 *
 * @throws LocalStackConfigError when the file is missing, not JSON, or has a bad key (named)
 * @example
 * const stack = await startLocalStack({ provided: readProvidedEndpoints('moto.json'), services: { tenantManager: true, churnApi: true } });
 */
export function readProvidedEndpoints(file: string): ProvidedEndpoints {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new LocalStackConfigError(`The endpoints file ${file} ${reason} (--endpoints expects a JSON file of AWS-compatible endpoints: see tools/local-stack/README.md#bring-your-own-endpoints)`, {
      cause: error,
      context: { file, keys: 'endpoints' },
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LocalStackConfigError(`The endpoints file ${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      context: { file, keys: 'endpoints' },
    });
  }
  return parseProvidedEndpoints(json, file);
}
