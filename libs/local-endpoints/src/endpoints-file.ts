import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EndpointsFileError } from './errors';
import { DEFAULT_ENDPOINTS_FILE } from './repo-paths';

/**
 * Kinesis emulators of the local stack: `kinesalite` keeps up with a real producer;
 * `kinesis-local` (kinesis-mock) is the most faithful but slows as a stream fills.
 */
export const KINESIS_BACKENDS = ['kinesis-local', 'kinesalite'] as const;
export type KinesisBackend = (typeof KINESIS_BACKENDS)[number];

/** Local test credentials (not secrets): s3rver accepts only these; the other emulators accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * The `kinesisBackend` of endpoints given by the user (`nx serve mocks --endpoints <file>`:
 * LocalStack, moto, real AWS): no emulator of ours serves them.
 */
export const EXTERNAL_KINESIS = 'external';

/**
 * `awsCredentials` value meaning: AWS SDK clients on these endpoints take the SDK's default credential
 * provider chain (environment, shared profile, SSO, container or instance role), not `credentials`.
 */
export const DEFAULT_CREDENTIAL_CHAIN = 'default-chain';

const httpUrlSchema = z.url({ protocol: /^https?$/ });
const nameSchema = z.string().min(1);

/**
 * What a running local stack serves, as written to `.local/endpoints.json` by the local stack
 * (`tools/local-stack`). The processor's local runner and the tools read it with
 * {@link readEndpointsFile}; this library is the contract between them, so that product code does
 * not depend on a dev tool.
 */
export const localEndpointsSchema = z.object({
  region: nameSchema,
  credentials: z.object({ accessKeyId: nameSchema, secretAccessKey: nameSchema }),
  kinesis: httpUrlSchema,
  s3: httpUrlSchema,
  dynamodb: httpUrlSchema,
  bucket: nameSchema,
  streams: z.object({ jobs: nameSchema, companies: nameSchema, enriched: nameSchema }),
  stateTable: nameSchema,
  /** Which emulator serves Kinesis, or `external` for endpoints the user gave (`--endpoints`). */
  kinesisBackend: z.enum([...KINESIS_BACKENDS, EXTERNAL_KINESIS]),
  /**
   * Absent: AWS SDK clients use `credentials`. `default-chain`: they use the SDK's default provider
   * chain, and `credentials` only signs churn API calls (the keys the churn mock checks).
   */
  awsCredentials: z.literal(DEFAULT_CREDENTIAL_CHAIN).optional(),
  /** Base URL of the tenant manager mock, when it runs. */
  tenantManager: httpUrlSchema.optional(),
  /** Base URL of the churn API mock, when it runs. */
  churnApi: httpUrlSchema.optional(),
  /** SageMaker endpoint name served by the churn mock, when it runs. */
  churnEndpointName: nameSchema.optional(),
});
export type LocalEndpoints = z.infer<typeof localEndpointsSchema>;

/**
 * Reads and validates the endpoints a running local stack wrote.
 *
 * @param file - @default '<repo>/.local/endpoints.json'
 * @throws EndpointsFileError when the file is missing, not JSON, or has a bad or missing key
 * @example
 * const endpoints = readEndpointsFile();
 * const kinesis = new KinesisClient(clientConfig(endpoints, 'kinesis'));
 */
export function readEndpointsFile(file: string = DEFAULT_ENDPOINTS_FILE): LocalEndpoints {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EndpointsFileError(`Cannot read the local endpoints file ${file}: is the local stack running (npx nx serve mocks)?`, {
      cause: error,
      context: { file },
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EndpointsFileError(`The local endpoints file ${file} is not JSON`, { cause: error, context: { file } });
  }
  const parsed = localEndpointsSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new EndpointsFileError(`The local endpoints file ${file} is invalid: ${problems.join('; ')}`, {
      cause: parsed.error,
      context: { file },
    });
  }
  return parsed.data;
}

/**
 * The credentials an AWS SDK client on these endpoints takes: the file's keys, or undefined for the
 * SDK's default provider chain (`awsCredentials: 'default-chain'`).
 *
 * @example
 * const credentials = awsCredentialsOf(endpoints);
 * new KinesisClient({ endpoint: endpoints.kinesis, region: endpoints.region, ...(credentials === undefined ? {} : { credentials }) });
 */
export function awsCredentialsOf(endpoints: Pick<LocalEndpoints, 'credentials' | 'awsCredentials'>): LocalEndpoints['credentials'] | undefined {
  return endpoints.awsCredentials === DEFAULT_CREDENTIAL_CHAIN ? undefined : { ...endpoints.credentials };
}

/** Writes the endpoints file atomically (readers never see half a file), creating its folder. */
export function writeEndpointsFile(file: string, endpoints: LocalEndpoints): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(endpoints, null, 2)}\n`);
  renameSync(partial, file);
}

/** Removes the endpoints file; a missing file is fine. */
export function removeEndpointsFile(file: string): void {
  rmSync(file, { force: true });
}

/**
 * Where the processor's local runner writes in the stack's bucket: its `S3SinkPath` and `dlqPath`
 * are `s3://<bucket>/<prefix>`. Readers of the local sink (the harness, the demo) list these.
 */
export const LOCAL_SINK_PREFIXES = { enriched: 'churn/data', deadLetters: 'dead-letters' } as const;
