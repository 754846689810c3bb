import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DomainError } from '@tenant-analytics/domain';
import { z } from 'zod';
import { fromPowertoolsLogger } from '../function-logger';
import type { RestApiHandler } from '../rest-response';
import { KinesisSnapshotPublisher } from './snapshot-stream';
import { createTenantRequestHandler } from './tenant-request-handler';
import { DynamoDbTenantTable } from './tenant-table';

/** The stand-in's settings, from its environment (set by the CDK app). */
const environmentSchema = z.object({
  TENANTS_TABLE: z.string().min(1),
  COMPANIES_STREAM: z.string().min(1),
  TENANT_DATASET_SEED: z.coerce.number().int().nonnegative(),
  TENANT_DATASET_SIZE: z.coerce.number().int().positive(),
  /** Local runs: endpoint overrides (the emulators). */
  DYNAMODB_ENDPOINT: z.url().optional(),
  KINESIS_ENDPOINT: z.url().optional(),
});

/** A variable of the stand-in's environment that is missing or wrong. */
export class TenantManagerEnvironmentError extends DomainError {}

/**
 * Builds the stand-in from its environment: settings, SDK clients, the request handler.
 *
 * @throws {@link TenantManagerEnvironmentError} naming each bad variable
 */
export function createTenantManagerHandler(environment: Readonly<Record<string, string | undefined>>): RestApiHandler {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new TenantManagerEnvironmentError(`invalid tenant manager environment: ${problems}`, { context: { keys: parsed.error.issues.map((issue) => issue.path.join('.')) } });
  }
  const settings = parsed.data;
  const logger = fromPowertoolsLogger(new Logger({ serviceName: 'tenant-manager' }));
  const kinesis = new KinesisClient({
    // HTTP/1.1: PutRecord needs no HTTP/2, and the local emulators reject it.
    requestHandler: new NodeHttpHandler(),
    ...(settings.KINESIS_ENDPOINT === undefined ? {} : { endpoint: settings.KINESIS_ENDPOINT }),
  });
  const dynamodb = new DynamoDBClient(settings.DYNAMODB_ENDPOINT === undefined ? {} : { endpoint: settings.DYNAMODB_ENDPOINT });
  return createTenantRequestHandler({
    table: new DynamoDbTenantTable(dynamodb, settings.TENANTS_TABLE),
    publisher: new KinesisSnapshotPublisher(kinesis, settings.COMPANIES_STREAM),
    dataset: { seed: settings.TENANT_DATASET_SEED, size: settings.TENANT_DATASET_SIZE },
    logger,
  });
}
