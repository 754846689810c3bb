import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createTenantManagerHandler } from './tenant-manager-composition';

/**
 * Lambda composition root of the tenant manager stand-in: built once per container from the
 * environment the CDK app sets; a bad environment fails the cold start naming the variable.
 */
const handle = createTenantManagerHandler(process.env);

/** REST API Lambda proxy integration entry point (`/api/v1/tenants…`). */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  return handle(event);
}
