import { existsSync } from 'node:fs';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { loadPipelineConfig, type Logger, type PipelineConfig } from '@tenant-analytics/domain';
import { DEFAULT_CREDENTIAL_CHAIN, EXTERNAL_KINESIS, LOCAL_CREDENTIALS, LOCAL_SINK_PREFIXES, readEndpointsFile, type LocalEndpoints } from '@tenant-analytics/local-endpoints';

/**
 * The processor's property groups for a running local stack (`.local/endpoints.json`): the same
 * shape as the seed's application properties, pointing every endpoint at the emulators and mock
 * services. Streams are read from TRIM_HORIZON because the local streams are created fresh with the
 * stack (the seed's LATEST would skip what the producer sent before the processor started);
 * `JOBS_STREAM_INITIAL_POSITION=LATEST` restores the seed's behaviour.
 */
export function localPropertyGroups(endpoints: LocalEndpoints): string {
  if (endpoints.tenantManager === undefined || endpoints.churnApi === undefined) {
    throw new Error('the local stack runs without the mock services (started with --no-services?): the processor needs tenantManager and churnApi in the endpoints file');
  }
  const groups = {
    ConsumerConfigProperties: {
      'aws.region': endpoints.region,
      'jobs.stream.name': endpoints.streams.jobs,
      'jobs.stream.initial.position': 'TRIM_HORIZON',
      'companies.stream.name': endpoints.streams.companies,
      'companies.stream.initial.position': 'TRIM_HORIZON',
      'kinesis.endpoint': endpoints.kinesis,
    },
    ProducerConfigProperties: {
      'aws.region': endpoints.region,
      'enrichedcompanies.stream.name': endpoints.streams.enriched,
    },
    ApplicationConfigProperties: {
      S3SinkPath: `s3://${endpoints.bucket}/${LOCAL_SINK_PREFIXES.enriched}`,
      dlqPath: `s3://${endpoints.bucket}/${LOCAL_SINK_PREFIXES.deadLetters}`,
      's3.endpoint': endpoints.s3,
      's3.force.path.style': 'true',
      'dynamodb.endpoint': endpoints.dynamodb,
      'state.table.name': endpoints.stateTable,
      predictChurnApiEndpoint: `${endpoints.churnApi.replace(/\/+$/, '')}/prod/assessChurn`,
      tenantManagerEndpoint: endpoints.tenantManager,
      'runner.poll.interval.ms': '200',
    },
  };
  return JSON.stringify({
    PropertyGroups: Object.entries(groups).map(([PropertyGroupId, PropertyMap]) => ({ PropertyGroupId, PropertyMap })),
  });
}

/** How long churn credentials read from the endpoints file are reused before the file is read again. */
export const CHURN_CREDENTIALS_REFRESH_MS = 1_000;

/**
 * The local runner's two credential sources, kept apart on purpose: the emulators and the churn API
 * authenticate differently, and a key rotated for one must not reach the other.
 */
export interface LocalRunnerCredentials {
  /**
   * For the AWS SDK clients (Kinesis, S3, DynamoDB): on the emulators, the stack's fixed local
   * credentials (s3rver accepts only these, and SDK clients keep what they resolve first anyway);
   * on endpoints given with `nx serve mocks --endpoints`, the file's keys at start-up, or undefined
   * for the SDK's default provider chain ({@link sdkCredentialsFor}).
   */
  readonly aws: AwsCredentialIdentity | undefined;
  /**
   * For SigV4 signing of churn calls: the endpoints file's `credentials`, re-read at most every
   * `refreshMs`, so that a key pair rotated there reaches the churn API without a restart (the role a
   * refreshing provider plays on AWS).
   */
  readonly churn: AwsCredentialIdentityProvider;
}

/**
 * The SDK clients' credentials: `local`, the emulators' fixed keys; `file`, the endpoints file's
 * keys at start-up; `default-chain`, the SDK's default provider chain.
 */
export type SdkCredentials = 'local' | 'file' | typeof DEFAULT_CREDENTIAL_CHAIN;

/**
 * What the SDK clients use on a stack's endpoints: the default chain when the file says so, the
 * file's keys on endpoints the user gave (`--endpoints`: LocalStack, moto, AWS), else the fixed
 * local keys of our emulators.
 */
export function sdkCredentialsFor(endpoints: Pick<LocalEndpoints, 'awsCredentials' | 'kinesisBackend'>): SdkCredentials {
  if (endpoints.awsCredentials === DEFAULT_CREDENTIAL_CHAIN) return DEFAULT_CREDENTIAL_CHAIN;
  return endpoints.kinesisBackend === EXTERNAL_KINESIS ? 'file' : 'local';
}

/** Where {@link localRunnerCredentials} reads the churn keys from. */
export interface LocalRunnerCredentialsOptions {
  /** The local stack's endpoints file. */
  readonly endpointsFile: string;
  /** The credentials read from it at start-up. */
  readonly initial: AwsCredentialIdentity;
  /** What the SDK clients use (see {@link sdkCredentialsFor}). @default 'local' */
  readonly sdk?: SdkCredentials;
  /** Told once when the file cannot be read (the last keys are kept meanwhile). */
  readonly logger: Logger;
  /** @default CHURN_CREDENTIALS_REFRESH_MS */
  readonly refreshMs?: number;
}

/**
 * Credentials of the local runner against a local stack: fixed local ones for the SDK clients, and a
 * provider re-reading the endpoints file for churn signing. While the file cannot be read (the stack
 * may be restarting) the churn provider keeps the last keys it read, warning once per outage.
 *
 * @example
 * const credentials = localRunnerCredentials({ endpointsFile, initial: endpoints.credentials, logger });
 * const clients = createAwsClients(config, credentials.aws);
 * const processor = createBatchProcessor(config, clients, { logger, metrics, credentials: credentials.churn });
 */
export function localRunnerCredentials(options: LocalRunnerCredentialsOptions): LocalRunnerCredentials {
  const refreshMs = options.refreshMs ?? CHURN_CREDENTIALS_REFRESH_MS;
  let current = options.initial;
  let readAtMs = Date.now();
  let unreadable = false;
  const churn: AwsCredentialIdentityProvider = async () => {
    if (Date.now() - readAtMs < refreshMs) return current;
    readAtMs = Date.now();
    try {
      current = readEndpointsFile(options.endpointsFile).credentials;
      unreadable = false;
    } catch (error) {
      if (!unreadable) {
        options.logger.warn('endpoints file unreadable: churn calls keep the last credentials read', {
          endpointsFile: options.endpointsFile,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      unreadable = true;
    }
    return current;
  };
  const sdk = options.sdk ?? 'local';
  const aws = sdk === DEFAULT_CREDENTIAL_CHAIN ? undefined : sdk === 'file' ? { ...options.initial } : { ...LOCAL_CREDENTIALS };
  return { aws, churn };
}

/** Loads config: a property-group file if given, else derived from the local stack's endpoints file. */
export function loadRunnerConfig(options: { config?: string; endpointsFile: string }): { config: PipelineConfig; endpoints?: LocalEndpoints } {
  if (options.config !== undefined) return { config: loadPipelineConfig({ file: options.config, env: process.env }) };
  if (!existsSync(options.endpointsFile)) {
    throw new Error(`no --config given and no local stack endpoints at ${options.endpointsFile}: start the stack with 'npx nx serve mocks' or pass --config <property-groups.json>`);
  }
  const endpoints = readEndpointsFile(options.endpointsFile);
  return { config: loadPipelineConfig({ json: localPropertyGroups(endpoints), env: process.env }), endpoints };
}
