import {
  companyIdAt,
  companyIdSchema,
  companyToTenant,
  generateCompany,
  parseWithSchema,
  tenantSchema,
  tenantToCompany,
  type Tenant,
} from '@tenant-analytics/domain';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { FunctionLogger } from '../function-logger';
import { errorResponse, jsonResponse, readJsonBody, type RestApiHandler } from '../rest-response';
import { SnapshotPublishError, type SnapshotPublisher } from './snapshot-stream';
import type { TenantTable } from './tenant-table';

/** The seed's tenant resource. */
export const TENANTS_RESOURCE = '/api/v1/tenants';
/** Largest tenant body accepted. */
export const MAX_TENANT_BODY_BYTES = 64 * 1024;

/** The generated data set the stand-in starts with (`comp_0` … `comp_<size-1>`). */
export interface TenantDataset {
  readonly seed: number;
  readonly size: number;
}

/** What {@link createTenantRequestHandler} needs. */
export interface TenantRequestHandlerOptions {
  readonly table: TenantTable;
  readonly publisher: SnapshotPublisher;
  readonly dataset: TenantDataset;
  readonly logger: FunctionLogger;
  /** Clock for snapshots' `asOf`. @default - `new Date()` */
  readonly now?: () => Date;
}

/** The generated tenant of `tenantID` when it names one of the data set (`comp_<index>`). */
export function seededTenant(dataset: TenantDataset, tenantID: string): Tenant | undefined {
  const match = /^comp_(0|[1-9]\d*)$/.exec(tenantID);
  const index = match === null ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(index) || index >= dataset.size || companyIdAt(index) !== tenantID) {
    return undefined;
  }
  return companyToTenant(generateCompany(dataset.seed, index));
}

/**
 * The tenant manager stand-in (ARCHITECTURE.md §2, the seed's contract), behind an IAM-authorized
 * REST API:
 * - `GET /api/v1/tenants/{tenantID}` → 200 tenant, 404 unknown, 400 malformed id;
 * - `POST /api/v1/tenants` → 201, 409 when the id exists;
 * - `PUT /api/v1/tenants/{tenantID}` → 200, 404 unknown (it updates, it does not create).
 *
 * Tenants live in DynamoDB. The data set of the shared generator is there from the start without a
 * seeding step: a tenant of it that was never written is generated from `(seed, index)` on its first
 * read and saved (each company depends only on those two numbers, so every reader agrees). A write
 * publishes the tenant's snapshot to `companies` first and saves it second: a 503 means nothing was
 * saved and the request can be retried; nothing is saved unpublished.
 */
export function createTenantRequestHandler(options: TenantRequestHandlerOptions): RestApiHandler {
  const { table, publisher, dataset, logger } = options;
  const now = options.now ?? (() => new Date());

  /** The stored tenant, else the data set's (saved on this first read), else undefined. */
  const find = async (tenantID: string): Promise<Tenant | undefined> => {
    const stored = await table.get(tenantID);
    if (stored !== undefined) return stored;
    const seeded = seededTenant(dataset, tenantID);
    if (seeded === undefined) return undefined;
    // A concurrent first read or write may have saved it meanwhile: the saved one wins.
    return (await table.create(seeded)) ? seeded : ((await table.get(tenantID)) ?? seeded);
  };

  const publish = async (tenant: Tenant): Promise<APIGatewayProxyResult | undefined> => {
    try {
      await publisher.publish({ ...tenantToCompany(tenant), asOf: now().toISOString() });
      return undefined;
    } catch (error) {
      if (error instanceof SnapshotPublishError) {
        logger.warn('snapshot not published; nothing saved', { tenantID: tenant.tenantID, error: error.message });
        return { ...errorResponse(503, `${error.message}; nothing was saved, retry the request`), headers: { 'content-type': 'application/json', 'retry-after': '1' } };
      }
      throw error;
    }
  };

  const pathTenantId = (event: APIGatewayProxyEvent): { ok: true; value: string } | { ok: false; response: APIGatewayProxyResult } => {
    const decoded = parseWithSchema(companyIdSchema, event.pathParameters?.['tenantID']);
    return decoded.ok ? { ok: true, value: decoded.value } : { ok: false, response: errorResponse(400, `invalid tenantID: ${decoded.message}`) };
  };

  const readTenant = (event: APIGatewayProxyEvent): { ok: true; value: Tenant } | { ok: false; response: APIGatewayProxyResult } => {
    const body = readJsonBody(event, MAX_TENANT_BODY_BYTES);
    if (!body.ok) return body;
    const decoded = parseWithSchema(tenantSchema, body.value);
    return decoded.ok ? { ok: true, value: decoded.value } : { ok: false, response: errorResponse(400, `invalid tenant: ${decoded.message}`) };
  };

  return async (event) => {
    try {
      const route = `${event.httpMethod} ${event.resource}`;
      if (route === `GET ${TENANTS_RESOURCE}/{tenantID}`) {
        const id = pathTenantId(event);
        if (!id.ok) return id.response;
        const tenant = await find(id.value);
        return tenant === undefined ? errorResponse(404, `tenant ${id.value} not found`) : jsonResponse(200, tenant);
      }
      if (route === `POST ${TENANTS_RESOURCE}`) {
        const tenant = readTenant(event);
        if (!tenant.ok) return tenant.response;
        if ((await find(tenant.value.tenantID)) !== undefined) return errorResponse(409, `tenant ${tenant.value.tenantID} exists`);
        const unpublished = await publish(tenant.value);
        if (unpublished !== undefined) return unpublished;
        if (!(await table.create(tenant.value))) return errorResponse(409, `tenant ${tenant.value.tenantID} exists`);
        return { ...jsonResponse(201, tenant.value), headers: { 'content-type': 'application/json', location: `${TENANTS_RESOURCE}/${encodeURIComponent(tenant.value.tenantID)}` } };
      }
      if (route === `PUT ${TENANTS_RESOURCE}/{tenantID}`) {
        const id = pathTenantId(event);
        if (!id.ok) return id.response;
        const tenant = readTenant(event);
        if (!tenant.ok) return tenant.response;
        if (tenant.value.tenantID !== id.value) return errorResponse(400, `body tenantID ${tenant.value.tenantID} differs from the path's ${id.value}`);
        if ((await find(id.value)) === undefined) return errorResponse(404, `tenant ${id.value} not found`);
        const unpublished = await publish(tenant.value);
        if (unpublished !== undefined) return unpublished;
        await table.replace(tenant.value);
        return jsonResponse(200, tenant.value);
      }
      return errorResponse(404, `no route ${route}`);
    } catch (error) {
      logger.error('tenant request failed', { resource: event.resource, method: event.httpMethod, error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
      return errorResponse(500, 'internal error');
    }
  };
}
