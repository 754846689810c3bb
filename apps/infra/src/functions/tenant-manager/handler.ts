import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { fromPowertoolsLogger } from '../function-logger';
import { KinesisSnapshotPublisher } from './snapshot-stream';
import { DynamoDbTenantTable } from './tenant-table';
import { createTenantRequestHandler } from './tenant-request-handler';

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

/**
 * Lambda composition root of the tenant manager stand-in: settings, clients and the handler are
 * built once per container; a bad environment fails the cold start naming the variable.
 */
const settings = environmentSchema.parse(process.env);
const logger = fromPowertoolsLogger(new Logger({ serviceName: 'tenant-manager' }));
const handle = createTenantRequestHandler({
  table: new DynamoDbTenantTable(new DynamoDBClient(settings.DYNAMODB_ENDPOINT === undefined ? {} : { endpoint: settings.DYNAMODB_ENDPOINT }), settings.TENANTS_TABLE),
  publisher: new KinesisSnapshotPublisher(new KinesisClient({
      // HTTP/1.1: PutRecord needs no HTTP/2, and the local emulators reject it.
      requestHandler: new NodeHttpHandler(),
      ...(settings.KINESIS_ENDPOINT === undefined ? {} : { endpoint: settings.KINESIS_ENDPOINT }),
    }), settings.COMPANIES_STREAM),
  dataset: { seed: settings.TENANT_DATASET_SEED, size: settings.TENANT_DATASET_SIZE },
  logger,
});

/** REST API Lambda proxy integration entry point (`/api/v1/tenants…`). */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  return handle(event);
}
