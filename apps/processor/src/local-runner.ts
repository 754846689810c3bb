import path from 'node:path';
import { Command } from 'commander';
import { redactConfig, type StreamSourceConfig } from '@tenant-analytics/domain';
import { DEFAULT_ENDPOINTS_FILE, REPO_ROOT } from '@tenant-analytics/local-endpoints';
import { InMemoryMetrics } from './adapters/in-memory-metrics';
import { KinesisShardReader, type StartPosition } from './adapters/kinesis-shard-reader';
import { createLogger } from './adapters/pino-logger';
import { createAwsClients, createBatchProcessor } from './composition';
import { runLambdaRuntime } from './esm/lambda-runtime';
import { loadRunnerConfig, localRunnerCredentials, sdkCredentialsFor } from './local-config';
import { createRunnerObservability, parseMetricsPort } from './observability/runner-observability';
import { crashHook } from './runner/crash-hook';
import { ShardLanesRunner } from './runner/shard-lanes-runner';

/** How often the runner logs its metrics. */
const METRICS_LOG_INTERVAL_MS = 15_000;

function startPosition(source: StreamSourceConfig): StartPosition {
  if (source.initialPosition === 'AT_TIMESTAMP') return { type: 'AT_TIMESTAMP', timestamp: new Date(source.initialTimestamp ?? 0) };
  return { type: source.initialPosition };
}

/**
 * Local composition root: `npx nx serve processor`. Polls every shard of both input streams,
 * processes them through the same core as the Lambda, and drains on SIGINT/SIGTERM (exit 0).
 */
async function main(argv: readonly string[]): Promise<void> {
  const options = new Command('processor')
    .description('Runs the processor locally: polls every shard of the jobs and companies streams.')
    .option('-c, --config <file>', 'property-group JSON file (the seed shape); environment variables override single keys')
    .option('-e, --endpoints-file <file>', 'without --config: derive the config from this local stack endpoints file', DEFAULT_ENDPOINTS_FILE)
    .option('--runtime <runtime>', 'local (shard lanes) or lambda (src/handler.ts behind emulated event source mappings)', 'local')
    .option('--on-failure-file <file>', 'with --runtime lambda: JSON Lines file standing in for the on-failure queue', path.join(REPO_ROOT, '.local/esm-on-failure.jsonl'))
    .option('--metrics-port <port>', 'serve /metrics (Prometheus text) and /metrics.json on 127.0.0.1:<port> (0 = a free port); off when absent', parseMetricsPort)
    .parse(argv)
    .opts<{ config?: string; endpointsFile: string; runtime: string; onFailureFile: string; metricsPort?: number }>();
  if (options.runtime === 'lambda') return runLambdaRuntime(options);
  if (options.runtime !== 'local') throw new Error(`--runtime must be local or lambda; got ${options.runtime}`);

  const { config, endpoints } = loadRunnerConfig(options);
  const logger = createLogger(config.log.level);
  const metrics = new InMemoryMetrics();
  // On a local stack: fixed local keys for the emulators, the endpoints file's (rotatable) keys for churn signing.
  const credentials =
    endpoints === undefined
      ? undefined
      : localRunnerCredentials({
          endpointsFile: options.endpointsFile,
          initial: endpoints.credentials,
          sdk: sdkCredentialsFor(endpoints),
          logger: logger.child({ component: 'credentials' }),
        });
  const clients = createAwsClients(config, credentials?.aws);
  const crashAfterStep = crashHook(process.env['PROCESSOR_TEST_CRASH_AFTER'], () => process.kill(process.pid, 'SIGKILL'));
  // --metrics-port: the metrics also go to a Prometheus registry, with batch stage times and dependency calls.
  const observability = options.metricsPort === undefined ? undefined : createRunnerObservability(config, clients, metrics);
  const afterStep = observability?.afterStep(crashAfterStep) ?? crashAfterStep;
  const processor = createBatchProcessor(config, clients, {
    logger,
    metrics: observability?.metrics ?? metrics,
    ...(credentials === undefined ? {} : { credentials: credentials.churn }),
    ...(afterStep === undefined ? {} : { afterStep }),
  });
  const runner = new ShardLanesRunner(
    {
      streams: [
        { name: config.streams.jobs.name, initialPosition: startPosition(config.streams.jobs) },
        { name: config.streams.companies.name, initialPosition: startPosition(config.streams.companies) },
      ],
      pollIntervalMs: config.runner.pollIntervalMs,
      getRecordsLimit: config.runner.getRecordsLimit,
    },
    observability?.instrument(new KinesisShardReader(clients.kinesis)) ?? new KinesisShardReader(clients.kinesis),
    processor,
    logger.child({ component: 'runner' }),
    observability?.metrics ?? metrics,
  );

  logger.info('processor starting', { config: redactConfig(config) });
  const metricsServer = options.metricsPort === undefined ? undefined : await observability?.listen(options.metricsPort);
  if (metricsServer !== undefined) logger.info('metrics endpoint listening', { url: `${metricsServer.url}/metrics`, json: `${metricsServer.url}/metrics.json` });
  await runner.start();
  logger.info('processor running');
  const metricsTimer = setInterval(() => logger.info('metrics', { ...metrics.snapshot(), maxMillisBehindLatest: runner.maxMillisBehindLatest }), METRICS_LOG_INTERVAL_MS);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal: exiting without draining', { signal });
      process.exit(130);
    }
    stopping = true;
    logger.info('draining in-flight batches', { signal });
    const deadline = setTimeout(() => {
      logger.error('drain timed out; exiting (the pending batch, if any, is finished by the next start)', { timeoutMs: config.runner.shutdownTimeoutMs });
      process.exit(1);
    }, config.runner.shutdownTimeoutMs);
    runner
      .stop()
      .then(() => {
        clearTimeout(deadline);
        clearInterval(metricsTimer);
        logger.info('processor stopped', metrics.snapshot());
        return observability?.close();
      })
      .then(() => {
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

main(process.argv).catch((error: unknown) => {
  // Start-up failures (config errors name each key) go to stderr in plain words.
  process.stderr.write(`processor failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
