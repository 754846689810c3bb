import { companyToTenant, generateCompany, type CompanyEvent, type Tenant } from '@tenant-analytics/domain';
import { FaultInjector } from '@tenant-analytics/service-kit';
import type { Express } from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { createApp, MAX_PAGE_SIZE } from './create-app';
import { PublishError } from './errors';
import type { PublishSummary, SnapshotPublisher } from './snapshot-publisher';
import { TenantStore } from './tenant-store';

const logger = pino({ level: 'silent' });
const NOW = new Date('2026-11-25T10:00:00.000Z');

function tenantFactory(overrides: Partial<Tenant> = {}): Tenant {
  return { tenantID: 'acme', industry: 'gov', revenu: 1000, employees: 250, job30: 4, job90: 40, monthlyFee: 300, totalFee: 900, riskOfChurn: false, ...overrides };
}

/** Records what was published; fails while `failing` is set. */
class RecordingPublisher implements SnapshotPublisher {
  readonly published: CompanyEvent[] = [];
  failing = false;

  async publish(snapshot: CompanyEvent): Promise<void> {
    if (this.failing) {
      throw new PublishError('stream unavailable', { streamName: 'companies', companyID: snapshot.companyID }, true);
    }
    this.published.push(snapshot);
  }

  async publishAll(snapshots: readonly CompanyEvent[]): Promise<PublishSummary> {
    this.published.push(...snapshots);
    return { published: snapshots.length, batches: 1, retriedEntries: 0 };
  }
}

function appFactory(options: { publisher?: SnapshotPublisher; faults?: FaultInjector } = {}): Express {
  return createApp({
    logger,
    store: new TenantStore({ seed: 42, size: 50 }),
    faults: options.faults ?? new FaultInjector(),
    publisher: options.publisher,
    now: () => NOW,
  });
}

describe('tenant manager app', () => {
  describe('GET /health', () => {
    it('answers 200 with the tenant count', async () => {
      // act
      const response = await request(appFactory()).get('/health');

      // assess
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ok', tenants: 50 });
    });
  });

  describe('GET /api/v1/tenants/{tenantID}', () => {
    it('answers a generated tenant in the seed shape', async () => {
      // act
      const response = await request(appFactory()).get('/api/v1/tenants/comp_7');

      // assess
      expect(response.status).toBe(200);
      expect(response.body).toEqual(companyToTenant(generateCompany(42, 7)));
    });

    it('answers an unknown tenant with a JSON 404', async () => {
      // act
      const response = await request(appFactory()).get('/api/v1/tenants/comp_50');

      // assess
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: { code: 'not-found', message: 'tenant comp_50 not found' } });
    });

    it('rejects a malformed id with 400 naming tenantID', async () => {
      // act
      const response = await request(appFactory()).get(`/api/v1/tenants/${'x'.repeat(65)}`);

      // assess
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'validation-failed', details: [{ field: 'tenantID', reason: expect.any(String) }] });
    });
  });

  describe('GET /api/v1/tenants', () => {
    it('pages with page and size (page from 0)', async () => {
      // act
      const response = await request(appFactory()).get('/api/v1/tenants?page=2&size=3');

      // assess
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ offset: 6, limit: 3, total: 50 });
      expect(response.body.items.map((tenant: Tenant) => tenant.tenantID)).toEqual(['comp_6', 'comp_7', 'comp_8']);
    });

    it('pages with offset and limit, 100 by default', async () => {
      // prepare
      const app = appFactory();

      // act
      const paged = await request(app).get('/api/v1/tenants?offset=48&limit=5');
      const all = await request(app).get('/api/v1/tenants');

      // assess
      expect(paged.body.items.map((tenant: Tenant) => tenant.tenantID)).toEqual(['comp_48', 'comp_49']);
      expect(all.body).toMatchObject({ offset: 0, limit: 100, total: 50 });
      expect(all.body.items).toHaveLength(50);
    });

    it.each([
      ['page=1&limit=2', 'page'],
      [`size=${MAX_PAGE_SIZE + 1}`, 'size'],
      ['offset=-1', 'offset'],
      ['limit=abc', 'limit'],
    ])('rejects ?%s with 400 naming %s', async (query, field) => {
      // act
      const response = await request(appFactory()).get(`/api/v1/tenants?${query}`);

      // assess
      expect(response.status).toBe(400);
      expect(response.body.error.details[0].field).toBe(field);
    });
  });

  describe('POST /api/v1/tenants', () => {
    it('creates a tenant: 201, Location, then readable', async () => {
      // prepare
      const app = appFactory();

      // act
      const response = await request(app).post('/api/v1/tenants').send(tenantFactory());

      // assess
      expect(response.status).toBe(201);
      expect(response.headers['location']).toBe('/api/v1/tenants/acme');
      expect(response.body).toEqual(tenantFactory());
      expect((await request(app).get('/api/v1/tenants/acme')).body).toEqual(tenantFactory());
    });

    it('accepts the seed alias employee for employees', async () => {
      // prepare
      const { employees, ...rest } = tenantFactory();

      // act
      const response = await request(appFactory()).post('/api/v1/tenants').send({ ...rest, employee: employees });

      // assess
      expect(response.status).toBe(201);
      expect(response.body.employees).toBe(employees);
    });

    it('rejects an existing id with 409', async () => {
      // act
      const response = await request(appFactory()).post('/api/v1/tenants').send(tenantFactory({ tenantID: 'comp_1' }));

      // assess
      expect(response.status).toBe(409);
      expect(response.body).toEqual({ error: { code: 'conflict', message: 'tenant comp_1 already exists' } });
    });

    it('rejects an invalid tenant with 400 naming each field and reason', async () => {
      // act
      const response = await request(appFactory()).post('/api/v1/tenants').send({ ...tenantFactory(), revenu: 'lots', job30: -1 });

      // assess
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation-failed');
      expect(response.body.error.details).toEqual([
        { field: 'revenu', reason: expect.stringContaining('expected number') },
        { field: 'job30', reason: expect.stringContaining('>=0') },
      ]);
    });

    it('rejects a body that is not JSON with 400', async () => {
      // act
      const response = await request(appFactory()).post('/api/v1/tenants').set('content-type', 'application/json').send('{"tenantID":');

      // assess
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid-json');
    });

    it('rejects a 10 MB body with 413', async () => {
      // act
      const response = await request(appFactory())
        .post('/api/v1/tenants')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ ...tenantFactory(), industry: 'x'.repeat(10 * 1024 * 1024) }));

      // assess
      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe('payload-too-large');
    });
  });

  describe('PUT /api/v1/tenants/{tenantID}', () => {
    it('really saves the update', async () => {
      // prepare
      const app = appFactory();
      const update = { ...companyToTenant(generateCompany(42, 3)), job30: 9, job90: 99 };

      // act
      const response = await request(app).put('/api/v1/tenants/comp_3').send(update);

      // assess
      expect(response.status).toBe(200);
      expect(response.body).toEqual(update);
      expect((await request(app).get('/api/v1/tenants/comp_3')).body).toEqual(update);
    });

    it('takes the id from the path when the body leaves it out', async () => {
      // prepare
      const { tenantID: _omitted, ...profile } = tenantFactory({ tenantID: 'comp_2' });

      // act
      const response = await request(appFactory()).put('/api/v1/tenants/comp_2').send(profile);

      // assess
      expect(response.status).toBe(200);
      expect(response.body.tenantID).toBe('comp_2');
    });

    it('rejects an unknown tenant with 404', async () => {
      // act
      const response = await request(appFactory()).put('/api/v1/tenants/nobody').send(tenantFactory({ tenantID: 'nobody' }));

      // assess
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not-found');
    });

    it('rejects a body whose tenantID differs from the path with 400', async () => {
      // act
      const response = await request(appFactory()).put('/api/v1/tenants/comp_2').send(tenantFactory({ tenantID: 'comp_3' }));

      // assess
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([{ field: 'tenantID', reason: 'must match the path (comp_2)' }]);
    });
  });

  describe('publishing on write', () => {
    it('publishes the snapshot of a create and of an update, with asOf', async () => {
      // prepare
      const publisher = new RecordingPublisher();
      const app = appFactory({ publisher });

      // act
      await request(app).post('/api/v1/tenants').send(tenantFactory()).expect(201);
      await request(app).put('/api/v1/tenants/acme').send(tenantFactory({ job30: 8 })).expect(200);

      // assess
      const { tenantID: _id, ...profile } = tenantFactory();
      expect(publisher.published).toEqual([
        { companyID: 'acme', ...profile, asOf: NOW.toISOString() },
        { companyID: 'acme', ...profile, job30: 8, asOf: NOW.toISOString() },
      ]);
    });

    it('answers 503 publish-failed and saves nothing when the stream refuses, so a retry works', async () => {
      // prepare
      const publisher = new RecordingPublisher();
      const app = appFactory({ publisher });
      publisher.failing = true;

      // act
      const failed = await request(app).post('/api/v1/tenants').send(tenantFactory());
      const missing = await request(app).get('/api/v1/tenants/acme');
      publisher.failing = false;
      const retried = await request(app).post('/api/v1/tenants').send(tenantFactory());

      // assess
      expect(failed.status).toBe(503);
      expect(failed.body.error).toEqual({ code: 'publish-failed', message: expect.stringContaining('nothing was saved') });
      expect(missing.status).toBe(404);
      expect(retried.status).toBe(201);
      expect(publisher.published).toHaveLength(1);
    });

    it('does not publish a rejected write', async () => {
      // prepare
      const publisher = new RecordingPublisher();

      // act
      await request(appFactory({ publisher })).post('/api/v1/tenants').send(tenantFactory({ tenantID: 'comp_1' })).expect(409);

      // assess
      expect(publisher.published).toEqual([]);
    });
  });

  describe('faults', () => {
    it('apply to the tenant API but not to /health', async () => {
      // prepare
      const app = appFactory({ faults: new FaultInjector({ errorRate: 1, errorStatus: 429 }) });

      // act
      const api = await request(app).get('/api/v1/tenants/comp_1');
      const health = await request(app).get('/health');

      // assess
      expect(api.status).toBe(429);
      expect(api.body.error.code).toBe('too-many-requests');
      expect(health.status).toBe(200);
    });

    it('can be changed at run time through /admin/faults', async () => {
      // prepare
      const app = appFactory();

      // act
      await request(app).put('/admin/faults').send({ errorRate: 1, errorStatus: 500 }).expect(200);
      const faulted = await request(app).get('/api/v1/tenants/comp_1');
      await request(app).put('/admin/faults').send({}).expect(200);
      const healed = await request(app).get('/api/v1/tenants/comp_1');

      // assess
      expect(faulted.status).toBe(500);
      expect(healed.status).toBe(200);
    });
  });

  it('answers an unknown route with a JSON 404', async () => {
    // act
    const response = await request(appFactory()).delete('/api/v1/tenants/comp_1');

    // assess
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'not-found', message: 'no route for DELETE /api/v1/tenants/comp_1' } });
  });
});
