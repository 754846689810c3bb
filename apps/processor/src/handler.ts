import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { loadPipelineConfig, redactConfig } from '@tenant-analytics/domain';
import { PowertoolsMetricsAdapter } from './adapters/powertools-metrics';
import { createLogger } from './adapters/pino-logger';
import { createAwsClients, createBatchProcessor } from './composition';
import { functionFaultHook } from './esm/function-fault-hook';
import { createKinesisEventHandler } from './lambda/kinesis-event-handler';
import { ShardLineage } from './lambda/shard-lineage';
import { KinesisShardReader } from './adapters/kinesis-shard-reader';

/**
 * Lambda composition root. Everything is built once per container, at cold start: config (the
 * property groups in the `PROPERTY_GROUPS` environment variable, overridden by single-key
 * variables such as `S3_SINK_PATH`), SDK clients, the pipeline. A bad config fails the cold start
 * with a message naming each bad key.
 */
const config = loadPipelineConfig({ json: process.env['PROPERTY_GROUPS'] ?? '{"PropertyGroups":[]}', env: process.env });
const logger = createLogger(config.log.level);
const powertoolsMetrics = new PowertoolsMetrics({ namespace: 'TenantAnalytics', serviceName: 'processor' });
// Undefined on AWS: only the local event source mapping emulator installs a fault controller (tests).
const afterStep = functionFaultHook();
const clients = createAwsClients(config);
const processor = createBatchProcessor(config, clients, {
  logger,
  metrics: new PowertoolsMetricsAdapter(powertoolsMetrics),
  ...(afterStep === undefined ? {} : { afterStep }),
});
const handleEvent = createKinesisEventHandler(processor, logger, new ShardLineage(new KinesisShardReader(clients.kinesis)));
logger.info('processor ready', { config: redactConfig(config) });

/** Kinesis event source mapping entry point (`ReportBatchItemFailures` enabled). */
export async function handler(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  try {
    return await handleEvent(event);
  } finally {
    powertoolsMetrics.publishStoredMetrics();
  }
}
