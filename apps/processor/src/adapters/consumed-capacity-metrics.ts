import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { METRIC, type Metrics } from '../core/ports';

/** The DynamoDB operations that report the capacity they consumed when asked (`ReturnConsumedCapacity`). */
const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

/** Name of the middleware, so that metering a client twice replaces it instead of counting twice. */
const MIDDLEWARE_NAME = 'tenantAnalyticsConsumedCapacity';

/**
 * Publishes the DynamoDB capacity the processor consumes: asks every read and write of `client`
 * to return its consumed capacity and counts it as `StateReadUnits` / `StateWriteUnits` (by table),
 * the units DynamoDB bills (on-demand: request units; provisioned: capacity units). A write refused
 * by its condition is billed too but reports nothing: those show as `StateCommitConflicts` and lane
 * conflicts instead.
 */
export function meterConsumedCapacity(client: DynamoDBClient, metrics: Metrics): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const isRead = READS.has(command);
      if (!isRead && !WRITES.has(command)) return next(args);
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] };
      for (const capacity of [output.ConsumedCapacity ?? []].flat()) {
        const units = (isRead ? capacity.ReadCapacityUnits : capacity.WriteCapacityUnits) ?? capacity.CapacityUnits ?? 0;
        if (units > 0) metrics.count(isRead ? METRIC.stateReadUnits : METRIC.stateWriteUnits, units, { table: capacity.TableName ?? 'unknown' });
      }
      return result;
    },
    { step: 'initialize', name: MIDDLEWARE_NAME, override: true },
  );
}
