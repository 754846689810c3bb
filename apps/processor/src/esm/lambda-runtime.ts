import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadPipelineConfig, type StreamSourceConfig } from '@tenant-analytics/domain';
import { awsCredentialsOf, readEndpointsFile } from '@tenant-analytics/local-endpoints';
import type { StartPosition } from '../adapters/kinesis-shard-reader';
import { createLogger } from '../adapters/pino-logger';
import { createAwsClients } from '../composition';
import { METRIC } from '../core/ports';
import { localPropertyGroups } from '../local-config';
import { EmfMetricsAggregator, tapEmfOutput } from './emf-metrics';
import { EventSourceMappingEmulator } from './event-source-mapping-emulator';
import { moduleHandlerLoader } from './handler-loader';
import { loadMappingSettings } from './mapping-settings';
import { JsonLinesOnFailureDestination } from './on-failure-destination';

/** How often the runtime logs the function's metrics (as the local runner does). */
const METRICS_LOG_INTERVAL_MS = 15_000;

/**
 * Fault injection (the reliability suite): overrides the function timeout (`processorTimeoutSeconds`,
 * at least 10 s in the CDK app) in milliseconds, so that slow dependencies make invocations time out.
 */
export const FUNCTION_TIMEOUT_OVERRIDE = 'ESM_FUNCTION_TIMEOUT_MS';

/** The account and role the emulated mapping stamps on events (no AWS account is involved). */
export const LOCAL_IDENTITY = { accountId: '000000000000', invokeIdentityArn: 'arn:aws:iam::000000000000:role/processor' } as const;

/** Options of `npx nx serve processor -- --runtime lambda`. */
export interface LambdaRuntimeOptions {
  readonly config?: string;
  readonly endpointsFile: string;
  /** JSON Lines file standing in for the mapping's on-failure queue. */
  readonly onFailureFile: string;
}

function startingPosition(source: StreamSourceConfig): StartPosition {
  if (source.initialPosition === 'AT_TIMESTAMP') return { type: 'AT_TIMESTAMP', timestamp: new Date(source.initialTimestamp ?? 0) };
  return { type: source.initialPosition };
}

/**
 * `--runtime lambda`: the production handler (`src/handler.ts`) in this process, behind an emulated
 * Kinesis event source mapping per input stream with the CDK app's settings. The function's
 * environment is what the CDK app gives it: `PROPERTY_GROUPS` (the `--config` file, or the local
 * stack's groups) and credentials (the stack's, from the endpoints file). Logs `processor running`,
 * a `metrics` snapshot every 15 s (the function's EMF metrics) and `processor stopped` after a drain
 * on SIGINT/SIGTERM, like the local runner.
 */
export async function runLambdaRuntime(options: LambdaRuntimeOptions): Promise<void> {
  let propertyGroups: string;
  if (options.config !== undefined) {
    propertyGroups = readFileSync(options.config, 'utf8');
  } else {
    if (!existsSync(options.endpointsFile)) {
      throw new Error(`no --config given and no local stack endpoints at ${options.endpointsFile}: start the stack with 'npx nx serve mocks' or pass --config <property-groups.json>`);
    }
    const endpoints = readEndpointsFile(options.endpointsFile);
    propertyGroups = localPropertyGroups(endpoints);
    // With `awsCredentials: 'default-chain'` the function keeps the default chain, as on AWS (churn calls are signed with it too).
    const credentials = awsCredentialsOf(endpoints);
    if (credentials !== undefined) {
      process.env['AWS_ACCESS_KEY_ID'] = credentials.accessKeyId;
      process.env['AWS_SECRET_ACCESS_KEY'] = credentials.secretAccessKey;
    }
  }
  const config = loadPipelineConfig({ json: propertyGroups, env: process.env });
  process.env['PROPERTY_GROUPS'] = propertyGroups;
  process.env['AWS_REGION'] = config.region;
  // The function's EMF metrics (Powertools, on stdout) are read here as CloudWatch would read them from its log.
  const metrics = new EmfMetricsAggregator(new Set([METRIC.scoringBatchSize, METRIC.scoringLatencyMs, METRIC.millisBehindLatest, METRIC.batchDurationMs]));
  tapEmfOutput(process.stdout, metrics);

  const logger = createLogger(config.log.level).child({ component: 'event-source-mapping' });
  const settings = loadMappingSettings();
  const timeoutOverride = process.env[FUNCTION_TIMEOUT_OVERRIDE];
  if (timeoutOverride !== undefined && !/^[1-9]\d*$/.test(timeoutOverride)) {
    throw new Error(`${FUNCTION_TIMEOUT_OVERRIDE} must be a positive integer of milliseconds; got ${JSON.stringify(timeoutOverride)}`);
  }
  const clients = createAwsClients(config);
  const onFailureFile = path.resolve(options.onFailureFile);
  const emulator = new EventSourceMappingEmulator({
    streams: [
      { name: config.streams.jobs.name, startingPosition: startingPosition(config.streams.jobs) },
      { name: config.streams.companies.name, startingPosition: startingPosition(config.streams.companies) },
    ],
    kinesis: clients.kinesis,
    settings,
    loadHandler: moduleHandlerLoader(),
    onFailure: new JsonLinesOnFailureDestination(onFailureFile),
    identity: { region: config.region, ...LOCAL_IDENTITY },
    logger,
    ...(timeoutOverride === undefined ? {} : { invocationTimeoutMs: Number(timeoutOverride) }),
  });
  // The mapping's own counts, beside the function's: invocations, function errors by type, discards.
  const mappingCounters: Record<string, number> = {};
  const add = (key: string) => (mappingCounters[key] = (mappingCounters[key] ?? 0) + 1);
  emulator.onInvocation((report) => {
    add('EsmInvocations');
    if (report.result.kind === 'error') {
      add('EsmFunctionErrors');
      add(`EsmFunctionErrors{type=${report.result.errorType}}`);
    }
    if (report.verdict.kind === 'partial') add('EsmPartialFailures');
  });
  logger.info('event source mappings starting', { settings, onFailureFile });
  await emulator.start();
  // The same lines as the local runner's, so tools that drive either runtime read both alike.
  logger.info('processor running');
  const snapshot = () => {
    const { counters, observations } = metrics.snapshot();
    return { counters: { ...counters, ...mappingCounters, EsmOnFailureRecords: emulator.onFailureRecords.length }, observations };
  };
  const metricsTimer = setInterval(() => logger.info('metrics', snapshot()), METRICS_LOG_INTERVAL_MS);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal: exiting without draining', { signal });
      process.exit(130);
    }
    stopping = true;
    logger.info('stopping the event source mappings', { signal });
    emulator
      .stop(config.runner.shutdownTimeoutMs)
      .then(() => {
        clearInterval(metricsTimer);
        logger.info('processor stopped', snapshot());
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error('stop failed', { error: String(error) });
        process.exit(1);
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
