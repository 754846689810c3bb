import {
  DEFAULT_ENDPOINTS_FILE,
  DEFAULT_PORTS,
  DYNAMODB_STORAGES,
  REPO_ROOT,
  KINESIS_BACKENDS,
  LOCAL_STACK_BACKENDS,
  type DynamoDbStorage,
  type KinesisBackend,
  type LocalStackBackend,
  type LocalStackOptions,
  type PortName,
} from '@tenant-analytics/local-stack';
import { Command, InvalidArgumentError, Option } from 'commander';
import path from 'node:path';

/** The live view `serve mocks` serves beside the stack (off with `--no-live-view`). */
export interface LiveViewArgs {
  /** Port on 127.0.0.1; 0 = a free port. */
  readonly port: number;
  /** Base URL of the processor's metrics endpoint (`npx nx serve processor -- --metrics-port …`). */
  readonly processorMetricsUrl: string;
}

/** Default port of the live view of `serve mocks`. */
export const DEFAULT_LIVE_VIEW_PORT = 4600;
/** Where the live view of `serve mocks` looks for the processor's metrics: `npx nx serve processor -- --metrics-port 9464`. */
export const DEFAULT_PROCESSOR_METRICS_URL = 'http://127.0.0.1:9464';

/** What `serve mocks` runs: the local stack's options, the live view and the log level. */
export interface ServeMocksArgs {
  readonly stack: Omit<LocalStackOptions, 'logger' | 'endpointsFile' | 'provided'> & { readonly endpointsFile: string };
  /** `--endpoints <file>`: AWS-compatible endpoints to use instead of starting emulators (absolute path). */
  readonly providedEndpointsFile: string | undefined;
  readonly liveView: LiveViewArgs | undefined;
  readonly logLevel: string;
}

/** Port offsets from `--port-base`, in the order of the default ports' documentation. */
export const PORT_BASE_OFFSETS: Readonly<Record<PortName, number>> = { kinesis: 0, dynamodb: 1, s3: 2, tenantManager: 3, churnApi: 4 };

const integer = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
};

const loopbackUrl = (value: string): string => {
  if (!/^http:\/\/(127\.0\.0\.1|localhost):\d{1,5}$/.test(value)) throw new InvalidArgumentError('expected http://127.0.0.1:<port> (the processor serves its metrics on loopback only)');
  return value;
};

interface RawFlags {
  endpoints?: string;
  backend?: LocalStackBackend;
  kinesisBackend: KinesisBackend;
  dynamodbStorage?: DynamoDbStorage;
  region?: string;
  services: boolean;
  portBase?: number;
  kinesisPort?: number;
  dynamodbPort?: number;
  s3Port?: number;
  tenantManagerPort?: number;
  churnApiPort?: number;
  shardsJobs?: number;
  shardsCompanies?: number;
  shardsEnriched?: number;
  dataDir?: string;
  endpointsFile: string;
  logLevel: string;
  liveView: boolean;
  liveViewPort: number;
  processorMetricsUrl: string;
}

/** The `serve mocks` command line (commander), throwing instead of exiting so that tests can drive it. */
export function serveMocksCommand(): Command {
  return new Command('serve-mocks')
    .description('Run the local stack (Kinesis, S3, DynamoDB emulators and the mock services) until Ctrl-C.')
    .option(
      '--endpoints <file>',
      'use the AWS-compatible endpoints in this JSON file (LocalStack, moto, AWS) instead of starting emulators: creates the streams, bucket and table there when missing, starts the services the file does not name (see tools/local-stack/README.md#bring-your-own-endpoints); relative to the repository',
    )
    .addOption(
      new Option(
        '--backend <backend>',
        'where the emulators and services run: processes (child processes), containers (a Docker engine; images from npm run images, built when missing), auto (containers when an engine answers, else processes); default: LOCAL_STACK_BACKEND, else auto',
      ).choices(LOCAL_STACK_BACKENDS),
    )
    .addOption(new Option('--kinesis-backend <backend>', 'Kinesis emulator: kinesalite keeps up with a real producer; kinesis-local is faithful (stream ARNs, EFO) but slows as a stream fills').choices(KINESIS_BACKENDS).default('kinesalite'))
    .addOption(
      new Option('--dynamodb-storage <storage>', 'where dynalite keeps the state table (default memory; disk keeps it in --data-dir but loses large writes under load)').choices(
        DYNAMODB_STORAGES,
      ),
    )
    .option('--region <region>', 'AWS region of the streams (default us-west-2)')
    .option('--no-services', 'do not start the tenant manager and churn API mocks')
    .option(
      '--port-base <port>',
      `ports from a base: kinesis +${PORT_BASE_OFFSETS.kinesis}, dynamodb +${PORT_BASE_OFFSETS.dynamodb}, s3 +${PORT_BASE_OFFSETS.s3}, tenant manager +${PORT_BASE_OFFSETS.tenantManager}, churn API +${PORT_BASE_OFFSETS.churnApi}; 0 = free ports`,
      integer,
    )
    .option('--kinesis-port <port>', `Kinesis port (default ${DEFAULT_PORTS.kinesis})`, integer)
    .option('--dynamodb-port <port>', `DynamoDB port (default ${DEFAULT_PORTS.dynamodb})`, integer)
    .option('--s3-port <port>', `S3 port (default ${DEFAULT_PORTS.s3})`, integer)
    .option('--tenant-manager-port <port>', `tenant manager port (default ${DEFAULT_PORTS.tenantManager})`, integer)
    .option('--churn-api-port <port>', `churn API port (default ${DEFAULT_PORTS.churnApi})`, integer)
    .option('--shards-jobs <count>', 'shards of the jobs stream (default 2)', integer)
    .option('--shards-companies <count>', 'shards of the companies stream (default 1)', integer)
    .option('--shards-enriched <count>', 'shards of the enriched stream (default 1)', integer)
    .option('--data-dir <path>', 'keep emulator data here across runs, relative to the repository (default: a temp dir, removed on stop)')
    .option('--endpoints-file <path>', 'where to write the endpoints, relative to the repository', DEFAULT_ENDPOINTS_FILE)
    .option('--no-live-view', 'do not serve the live view')
    .option('--live-view-port <port>', 'port of the live view on 127.0.0.1 (0 = a free port)', integer, DEFAULT_LIVE_VIEW_PORT)
    .option('--processor-metrics-url <url>', "the processor's metrics endpoint the live view reads (start it with `npx nx serve processor -- --metrics-port 9464`)", loopbackUrl, DEFAULT_PROCESSOR_METRICS_URL)
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('warn'))
    .exitOverride();
}

/** Flags about emulators (or what the endpoints file names) that `--endpoints` refuses. */
const EMULATOR_ONLY_FLAGS = [
  { key: 'kinesisBackend', flag: '--kinesis-backend' },
  { key: 'dynamodbStorage', flag: '--dynamodb-storage' },
  { key: 'region', flag: '--region' },
  { key: 'kinesisPort', flag: '--kinesis-port' },
  { key: 'dynamodbPort', flag: '--dynamodb-port' },
  { key: 's3Port', flag: '--s3-port' },
  { key: 'shardsJobs', flag: '--shards-jobs' },
  { key: 'shardsCompanies', flag: '--shards-companies' },
  { key: 'shardsEnriched', flag: '--shards-enriched' },
  { key: 'dataDir', flag: '--data-dir' },
] as const;

/** Nx runs the script in the project folder, so relative paths are taken from the repository root. */
const fromRepo = (file: string | undefined): string | undefined => (file === undefined ? undefined : path.resolve(REPO_ROOT, file));

/**
 * Parses `serve mocks` arguments (without `node` and the script) into local stack options. Fixed
 * default ports and both mock services unless told otherwise; an individual port flag beats
 * `--port-base`. Flags left out stay undefined, so the local stack's defaults
 * apply; it also checks ranges, naming the option key.
 *
 * @throws CommanderError on an unknown flag, a bad choice or a non-integer (after printing it), and for --help
 */
export function parseServeMocksArgs(argv: readonly string[]): ServeMocksArgs {
  const command = serveMocksCommand().parse([...argv], { from: 'user' });
  const flags = command.opts<RawFlags>();
  if (flags.endpoints !== undefined) {
    // What the endpoints file decides, or what only emulators have: never silently ignored.
    const conflicting = EMULATOR_ONLY_FLAGS.filter(({ key }) => command.getOptionValueSource(key) === 'cli').map(({ flag }) => flag);
    if (conflicting.length > 0) {
      command.error(`error: ${conflicting.join(', ')} cannot be combined with --endpoints: the endpoints file gives the region, names and shard counts, and no emulator runs`, {
        code: 'commander.conflictingOption',
        exitCode: 2,
      });
    }
  }
  const base = flags.portBase;
  const fromBase = (name: PortName): number | undefined => (base === undefined ? undefined : base === 0 ? 0 : base + PORT_BASE_OFFSETS[name]);
  return {
    stack: {
      backend: flags.backend,
      kinesisBackend: flags.kinesisBackend,
      dynamodbStorage: flags.dynamodbStorage,
      region: flags.region,
      ports: {
        kinesis: flags.kinesisPort ?? fromBase('kinesis'),
        dynamodb: flags.dynamodbPort ?? fromBase('dynamodb'),
        s3: flags.s3Port ?? fromBase('s3'),
        tenantManager: flags.tenantManagerPort ?? fromBase('tenantManager'),
        churnApi: flags.churnApiPort ?? fromBase('churnApi'),
      },
      shards: { jobs: flags.shardsJobs, companies: flags.shardsCompanies, enriched: flags.shardsEnriched },
      dataDir: fromRepo(flags.dataDir),
      services: { tenantManager: flags.services, churnApi: flags.services },
      endpointsFile: fromRepo(flags.endpointsFile) ?? DEFAULT_ENDPOINTS_FILE,
    },
    providedEndpointsFile: fromRepo(flags.endpoints),
    liveView: flags.liveView ? { port: flags.liveViewPort, processorMetricsUrl: flags.processorMetricsUrl } : undefined,
    logLevel: flags.logLevel,
  };
}
