import { DEFAULT_MODEL_PATH, loadChurnModel } from '@tenant-analytics/churn-model';
import { ConfigError } from '@tenant-analytics/domain';
import {
  addServiceOptions,
  closeOnSignals,
  createLogger,
  decodeFlags,
  envOption,
  FaultInjector,
  readServiceOptions,
  runCommand,
  startServer,
} from '@tenant-analytics/service-kit';
import { Command } from 'commander';
import { z } from 'zod';
import { createApp } from './create-app';
import { credentialPairsSchema, CredentialStore, LOCAL_TEST_CREDENTIALS, type CredentialPair } from './credential-store';

const SERVICE_NAME = 'churn-mock';

function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const churnFlagsSchema = z.object({
  region: z.string().min(1),
  endpointName: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'a SageMaker endpoint name (1-63 of [a-zA-Z0-9-])'),
  apiKey: z.string().min(1).optional(),
  model: z.string().min(1),
  accessKeyId: z.array(z.string().min(1)).default([]),
  secretAccessKey: z.array(z.string().min(1)).default([]),
  credentials: z.string().optional(),
});

/** Pairs `--access-key-id` with `--secret-access-key` by position, adds `--credentials`, defaults to S3RVER/S3RVER. */
function credentialPairs(flags: z.output<typeof churnFlagsSchema>): CredentialPair[] {
  if (flags.accessKeyId.length !== flags.secretAccessKey.length) {
    throw new ConfigError([
      { key: '--secret-access-key', problem: 'conflict', expected: `one per --access-key-id (got ${flags.accessKeyId.length} ids, ${flags.secretAccessKey.length} secrets)` },
    ]);
  }
  const pairs: CredentialPair[] = flags.accessKeyId.map((accessKeyId, index) => ({ accessKeyId, secretAccessKey: flags.secretAccessKey[index] ?? '' }));
  if (flags.credentials !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(flags.credentials);
    } catch (cause) {
      throw new ConfigError([{ key: '--credentials', problem: 'invalid', expected: 'JSON: [{"accessKeyId","secretAccessKey"}, …]' }], { cause });
    }
    pairs.push(...decodeFlags(z.object({ credentials: credentialPairsSchema }), { credentials: json }).credentials);
  }
  return decodeFlags(z.object({ credentials: credentialPairsSchema }), { credentials: pairs.length > 0 ? pairs : LOCAL_TEST_CREDENTIALS }).credentials;
}

async function serve(values: Record<string, unknown>): Promise<void> {
  const service = readServiceOptions(values);
  const flags = decodeFlags(churnFlagsSchema, values);
  const credentials = new CredentialStore(credentialPairs(flags));
  const logger = createLogger(SERVICE_NAME, service.logLevel);
  const model = loadChurnModel(flags.model);
  const faults = new FaultInjector(service.faults, logger.child({ component: 'faults' }));
  const app = createApp({
    logger,
    model,
    credentials,
    region: flags.region,
    endpointName: flags.endpointName,
    apiKey: flags.apiKey,
    faults,
    bodyLimitBytes: service.bodyLimitBytes,
  });
  const handle = await startServer(app, { host: service.host, port: service.port, logger, closeables: [faults] });
  logger.info(
    { model: { kind: model.kind, path: flags.model }, region: flags.region, endpointName: flags.endpointName, accessKeyIds: credentials.accessKeyIds(), apiKeyRequired: flags.apiKey !== undefined },
    'churn mock ready',
  );
  closeOnSignals(handle, logger);
}

const program = addServiceOptions(new Command(SERVICE_NAME), { envPrefix: 'CHURN_MOCK', defaultPort: 8090 })
  .description('Churn model stand-in: the trained model behind API Gateway (/prod/assessChurn) and SageMaker runtime (/endpoints/{name}/invocations) routes, SigV4-authenticated.')
  .addOption(envOption('--region <region>', 'region requests must be signed for', 'CHURN_MOCK_REGION').default('us-west-2'))
  .addOption(envOption('--access-key-id <id>', 'accepted access key id (repeatable, paired with --secret-access-key)', 'CHURN_MOCK_ACCESS_KEY_ID').argParser(collect))
  .addOption(envOption('--secret-access-key <secret>', 'secret of the --access-key-id at the same position (repeatable)', 'CHURN_MOCK_SECRET_ACCESS_KEY').argParser(collect))
  .addOption(envOption('--credentials <json>', 'more accepted pairs: [{"accessKeyId","secretAccessKey"}, …] (default without any: S3RVER/S3RVER)', 'CHURN_MOCK_CREDENTIALS'))
  .addOption(envOption('--api-key <key>', 'also require this x-api-key on /prod/assessChurn', 'CHURN_MOCK_API_KEY'))
  .addOption(envOption('--endpoint-name <name>', 'the SageMaker endpoint name served', 'CHURN_MOCK_ENDPOINT_NAME').default('churn-endpoint'))
  .addOption(envOption('--model <path>', 'trained model artifact (JSON)', 'CHURN_MOCK_MODEL').default(DEFAULT_MODEL_PATH, 'the committed artifact'))
  .action((_options, command: Command) => serve(command.opts()));

void runCommand(program, { name: SERVICE_NAME });
