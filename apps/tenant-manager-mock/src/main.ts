import { companyToTenant, DEFAULT_DATASET, generateCompanies } from '@tenant-analytics/domain';
import {
  addServiceOptions,
  closeOnSignals,
  createLogger,
  decodeFlags,
  envOption,
  FaultInjector,
  parseNumberFlag,
  readServiceOptions,
  runCommand,
  startServer,
} from '@tenant-analytics/service-kit';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { createKinesisClient, KinesisSnapshotPublisher } from './adapters/kinesis-snapshot-publisher';
import { createApp } from './create-app';
import { toSnapshot } from './snapshot-publisher';
import { TenantStore } from './tenant-store';

const SERVICE_NAME = 'tenant-manager-mock';

/** Flags shared by `serve` and `publish-all`: the data set and the `companies` stream. */
function addDatasetAndStreamOptions(command: Command): Command {
  return command
    .addOption(envOption('--seed <seed>', 'seed of the generated data set', 'TENANT_MANAGER_SEED').argParser(parseNumberFlag).default(DEFAULT_DATASET.seed))
    .addOption(envOption('--size <count>', 'tenants in the generated data set (comp_0 … comp_{size-1})', 'TENANT_MANAGER_SIZE').argParser(parseNumberFlag).default(DEFAULT_DATASET.size))
    .addOption(envOption('--kinesis-endpoint <url>', 'Kinesis endpoint (unset: the AWS endpoint of --region)', 'KINESIS_ENDPOINT'))
    .addOption(envOption('--region <region>', 'AWS region', 'AWS_REGION').default('us-west-2'))
    .addOption(envOption('--companies-stream <name>', 'stream that receives company snapshots', 'COMPANIES_STREAM').default('companies'));
}

const datasetAndStreamSchema = z.object({
  seed: z.number().int().nonnegative(),
  size: z.number().int().nonnegative().max(10_000_000),
  kinesisEndpoint: z.url().optional(),
  region: z.string().min(1),
  companiesStream: z.string().min(1).max(128),
});

async function serve(values: Record<string, unknown>): Promise<void> {
  const service = readServiceOptions(values);
  const settings = decodeFlags(datasetAndStreamSchema.extend({ publishOnWrite: z.boolean() }), values);
  const logger = createLogger(SERVICE_NAME, service.logLevel);
  const faults = new FaultInjector(service.faults, logger.child({ component: 'faults' }));
  const publisher = settings.publishOnWrite
    ? new KinesisSnapshotPublisher({
        client: createKinesisClient({ endpoint: settings.kinesisEndpoint, region: settings.region }),
        streamName: settings.companiesStream,
        logger: logger.child({ component: 'publisher' }),
      })
    : undefined;
  const app = createApp({
    logger,
    faults,
    store: new TenantStore({ seed: settings.seed, size: settings.size }),
    publisher,
    bodyLimitBytes: service.bodyLimitBytes,
  });
  const handle = await startServer(app, { host: service.host, port: service.port, logger, closeables: [faults] });
  logger.info({ dataset: { seed: settings.seed, size: settings.size }, publishOnWrite: settings.publishOnWrite, stream: settings.companiesStream }, 'tenant manager ready');
  closeOnSignals(handle, logger);
}

async function publishAll(values: Record<string, unknown>): Promise<void> {
  const settings = decodeFlags(datasetAndStreamSchema.extend({ concurrency: z.number().int().min(1).max(64) }), values);
  const logger = createLogger(SERVICE_NAME);
  const client = createKinesisClient({ endpoint: settings.kinesisEndpoint, region: settings.region });
  try {
    const publisher = new KinesisSnapshotPublisher({ client, streamName: settings.companiesStream, logger, concurrency: settings.concurrency });
    const asOf = new Date();
    const snapshots = generateCompanies(settings.seed, settings.size).map((company) => toSnapshot(companyToTenant(company), asOf));
    const startedAt = performance.now();
    const summary = await publisher.publishAll(snapshots);
    logger.info({ ...summary, stream: settings.companiesStream, asOf: asOf.toISOString(), durationMs: Math.round(performance.now() - startedAt) }, 'data set published');
  } finally {
    client.destroy();
  }
}

const program = new Command(SERVICE_NAME).description('Tenant manager stand-in: the seed tenant API over a generated data set, publishing snapshots to Kinesis.');

addServiceOptions(addDatasetAndStreamOptions(program.command('serve', { isDefault: true })), { envPrefix: 'TENANT_MANAGER', defaultPort: 8081 })
  .description('serve the tenant API (the default command)')
  .addOption(new Option('--publish-on-write', 'publish a snapshot to --companies-stream on every create and update').env('TENANT_MANAGER_PUBLISH_ON_WRITE').default(false))
  .action((_options, command: Command) => serve(command.opts()));

addDatasetAndStreamOptions(program.command('publish-all'))
  .description('publish the whole generated data set once to --companies-stream (PutRecords, 500 per call)')
  .addOption(envOption('--concurrency <calls>', 'PutRecords calls in flight', 'TENANT_MANAGER_PUBLISH_CONCURRENCY').argParser(parseNumberFlag).default(4))
  .action((_options, command: Command) => publishAll(command.opts()));

void runCommand(program, { name: SERVICE_NAME });
