import { companyToTenant, generateCompany, type CompanyEvent, type Tenant } from '@tenant-analytics/domain';
import { proxyEventFactory, recordingLogger } from '../../testing/proxy-events';
import { SnapshotPublishError, type SnapshotPublisher } from './snapshot-stream';
import { createTenantRequestHandler, seededTenant } from './tenant-request-handler';
import type { TenantTable } from './tenant-table';

/** The table as a map: pure logic tests only (the DynamoDB adapter is tested against dynalite). */
class MemoryTenantTable implements TenantTable {
  readonly items = new Map<string, Tenant>();
  async get(tenantID: string) {
    return this.items.get(tenantID);
  }
  async create(tenant: Tenant) {
    if (this.items.has(tenant.tenantID)) return false;
    this.items.set(tenant.tenantID, tenant);
    return true;
  }
  async replace(tenant: Tenant) {
    this.items.set(tenant.tenantID, tenant);
  }
}

class RecordingPublisher implements SnapshotPublisher {
  readonly published: CompanyEvent[] = [];
  failing = false;
  async publish(snapshot: CompanyEvent) {
    if (this.failing) throw new SnapshotPublishError('stream unavailable', { retriable: true });
    this.published.push(snapshot);
  }
}

const DATASET = { seed: 42, size: 10 } as const;
const NOW = new Date('2026-12-02T08:00:00Z');

function setup() {
  const table = new MemoryTenantTable();
  const publisher = new RecordingPublisher();
  const handle = createTenantRequestHandler({ table, publisher, dataset: DATASET, logger: recordingLogger(), now: () => NOW });
  const get = (id: string) => handle(proxyEventFactory({ httpMethod: 'GET', resource: '/api/v1/tenants/{tenantID}', pathParameters: { tenantID: id } }));
  const put = (id: string, body: unknown) =>
    handle(proxyEventFactory({ httpMethod: 'PUT', resource: '/api/v1/tenants/{tenantID}', pathParameters: { tenantID: id }, body: JSON.stringify(body) }));
  const post = (body: unknown) => handle(proxyEventFactory({ httpMethod: 'POST', resource: '/api/v1/tenants', body: JSON.stringify(body) }));
  return { table, publisher, handle, get, put, post };
}

describe('seededTenant', () => {
  it('generates comp_<index> inside the data set only', () => {
    // act / assess
    expect(seededTenant(DATASET, 'comp_3')).toEqual(companyToTenant(generateCompany(42, 3)));
    expect(seededTenant(DATASET, 'comp_10')).toBeUndefined();
    expect(seededTenant(DATASET, 'comp_03')).toBeUndefined();
    expect(seededTenant(DATASET, 'acme')).toBeUndefined();
  });
});

describe('createTenantRequestHandler', () => {
  it('saves a generated tenant on its first read, without publishing it', async () => {
    // prepare
    const { table, publisher, get } = setup();

    // act
    const response = await get('comp_2');

    // assess
    expect(response.statusCode).toBe(200);
    expect(table.items.get('comp_2')).toEqual(companyToTenant(generateCompany(42, 2)));
    expect(publisher.published).toEqual([]);
  });

  it('prefers the stored version of a generated tenant', async () => {
    // prepare
    const { table, get } = setup();
    const changed = { ...companyToTenant(generateCompany(42, 2)), job30: 99 };
    table.items.set('comp_2', changed);

    // act / assess
    expect(JSON.parse((await get('comp_2')).body)).toEqual(changed);
  });

  it('publishes before it saves, and saves nothing when publishing fails (503)', async () => {
    // prepare
    const { table, publisher, post } = setup();
    const tenant = { ...companyToTenant(generateCompany(7, 1)), tenantID: 'acme' };
    publisher.failing = true;

    // act
    const failed = await post(tenant);
    publisher.failing = false;
    const created = await post(tenant);

    // assess
    expect(failed.statusCode).toBe(503);
    expect(failed.headers).toMatchObject({ 'retry-after': '1' });
    expect(created.statusCode).toBe(201);
    const { tenantID: _id, ...profile } = tenant;
    expect(publisher.published).toEqual([{ companyID: 'acme', ...profile, asOf: NOW.toISOString() }]);
    expect(table.items.get('acme')).toEqual(tenant);
  });

  it('rejects a body whose id differs from the path, a duplicate create and an update of an unknown tenant', async () => {
    // prepare
    const { put, post } = setup();
    const tenant = companyToTenant(generateCompany(42, 1));

    // act
    const mismatch = await put('comp_2', tenant);
    const duplicate = await post(tenant);
    const unknown = await put('nobody', { ...tenant, tenantID: 'nobody' });

    // assess
    expect([mismatch.statusCode, duplicate.statusCode, unknown.statusCode]).toEqual([400, 409, 404]);
  });

  it('answers 404 for other routes and 400 for malformed ids or bodies', async () => {
    // prepare
    const { handle, get, post } = setup();

    // act
    const route = await handle(proxyEventFactory({ httpMethod: 'DELETE', resource: '/api/v1/tenants/{tenantID}', pathParameters: { tenantID: 'comp_1' } }));
    const badId = await get('bad id');
    const badBody = await post({ tenantID: 'x' });

    // assess
    expect([route.statusCode, badId.statusCode, badBody.statusCode]).toEqual([404, 400, 400]);
  });
});
