import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import type { z } from 'zod';
import { DependencyUnavailableError, ProcessorError } from '../core/errors';

/**
 * Turns a DynamoDB failure into the processor's error family: throttling, 5xx and network errors are
 * retriable; the rest (missing table, access denied, validation) are not.
 */
export function translateDynamoError(error: unknown, operation: string, table: string): never {
  const context = { operation, table };
  if (error instanceof DynamoDBServiceException) {
    const retriable = error.$fault === 'server' || error.$retryable !== undefined || /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded/.test(error.name);
    if (retriable) throw new DependencyUnavailableError(`DynamoDB ${operation} on ${table} failed: ${error.name}`, context, error);
    throw new ProcessorError(`DynamoDB ${operation} on ${table} failed: ${error.name}: ${error.message}`, { retriable: false, context, cause: error });
  }
  throw new DependencyUnavailableError(`DynamoDB ${operation} on ${table} failed: ${String(error)}`, context, error);
}

/** Decodes a JSON document stored by the processor; a corrupt item is a loud, non-retriable error. */
export function decodeStoredJson<T>(schema: z.ZodType<T>, text: string | undefined, what: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch (error) {
    throw new ProcessorError(`${what} is not valid JSON`, { retriable: false, cause: error });
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new ProcessorError(`${what} does not match its schema: ${result.error.message}`, { retriable: false });
  return result.data;
}
