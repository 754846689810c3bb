import path from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DEFAULT_DATASET, generateCompany, type Tenant } from '@tenant-analytics/domain';
import { clientConfig, startLocalStack, type LocalStack } from '@tenant-analytics/local-stack';
import { FaultInjector, runTsx, spawnService, startServer } from '@tenant-analytics/service-kit';
import { pino } from 'pino';
import { KinesisSnapshotPublisher } from '../../src/adapters/kinesis-snapshot-publisher';
import { createApp } from '../../src/create-app';
import { TenantStore } from '../../src/tenant-store';
import { createStream, readAll } from './kinesis-streams';

const logger = pino({ level: 'silent' });
const MAIN = path.join(__dirname, '../../src/main.ts');

function tenantFactory(overrides: Partial<Tenant> = {}): Tenant {
  return { tenantID: `acme-${Date.now()}`, industry: 'gov', revenu: 1000, employees: 250, job30: 4, job90: 40, monthlyFee: 300, totalFee: 900, riskOfChurn: false, ...overrides };
}

function sendJson(url: string, method: 'POST' | 'PUT', body: unknown): Promise<Response> {
  return fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('tenant manager publishing to Kinesis (local stack, kinesalite)', () => {
  let stack: LocalStack;
  let kinesis: KinesisClient;
  let environment: Record<string, string>;

  beforeAll(async () => {
    stack = await startLocalStack({
      kinesisBackend: 'kinesalite',
      ports: { kinesis: 0, s3: 0, dynamodb: 0, tenantManager: 0, churnApi: 0 },
      endpointsFile: false,
      services: { tenantManager: { args: ['--publish-on-write', '--size', '100'] } },
    });
    kinesis = new KinesisClient(clientConfig(stack.endpoints, 'kinesis'));
    const { credentials, region } = stack.endpoints;
    environment = {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: region,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  });

  afterAll(async () => {
    kinesis.destroy();
    await stack.stop();
  });

  it('publishes the snapshot of every create and update, keyed by companyID, with asOf (as started by the launcher)', async () => {
    // prepare
    const url = stack.endpoints.tenantManager ?? '';
    const tenant = tenantFactory();
    const before = Date.now();

    // act
    const created = await sendJson(`${url}/api/v1/tenants`, 'POST', tenant);
    const updated = await sendJson(`${url}/api/v1/tenants/${tenant.tenantID}`, 'PUT', { ...tenant, job30: 9 });

    // assess
    expect(created.status).toBe(201);
    expect(updated.status).toBe(200);
    const records = (await readAll(kinesis, stack.endpoints.streams.companies)).filter((record) => record.partitionKey === tenant.tenantID);
    const { tenantID, ...profile } = tenant;
    expect(records.map((record) => record.snapshot)).toEqual([
      { companyID: tenantID, ...profile, asOf: expect.any(String) },
      { companyID: tenantID, ...profile, job30: 9, asOf: expect.any(String) },
    ]);
    for (const { snapshot } of records) {
      expect(Date.parse(snapshot.asOf ?? '')).toBeGreaterThanOrEqual(before - 1_000);
    }
  });

  it('answers 503 and saves nothing when the stream does not exist', async () => {
    // prepare
    const faults = new FaultInjector();
    const publisher = new KinesisSnapshotPublisher({ client: kinesis, streamName: 'no-such-stream', logger });
    const handle = await startServer(createApp({ logger, faults, store: new TenantStore({ seed: 42, size: 10 }), publisher }), { port: 0, logger });

    // act
    const response = await sendJson(`${handle.url}/api/v1/tenants`, 'POST', tenantFactory({ tenantID: 'acme' }));
    const lookup = await fetch(`${handle.url}/api/v1/tenants/acme`);
    await handle.close();

    // assess
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'publish-failed' } });
    expect(lookup.status).toBe(404);
  });

  it('publishes a whole data set with PutRecords', async () => {
    // prepare
    const streamName = await createStream(kinesis, 'companies-bulk', 4);
    const publisher = new KinesisSnapshotPublisher({ client: kinesis, streamName, logger });
    const snapshots = Array.from({ length: 1_234 }, (_, index) => ({ ...generateCompany(7, index), asOf: '2026-11-25T10:00:00.000Z' }));
    const byId = (a: { companyID: string }, b: { companyID: string }): number => a.companyID.localeCompare(b.companyID);

    // act
    const summary = await publisher.publishAll(snapshots);

    // assess
    expect(summary).toMatchObject({ published: 1_234, batches: 3 });
    const records = await readAll(kinesis, streamName);
    expect(records.map((record) => record.snapshot).sort(byId)).toEqual([...snapshots].sort(byId));
  });

  it('publishes the data set once with the publish-all command', async () => {
    // prepare
    const streamName = await createStream(kinesis, 'companies-cli');

    // act
    const run = await runTsx({
      entry: MAIN,
      args: ['publish-all', '--kinesis-endpoint', stack.endpoints.kinesis, '--region', stack.endpoints.region, '--companies-stream', streamName, '--size', '700'],
      env: environment,
    });

    // assess
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('"published":700');
    const records = await readAll(kinesis, streamName);
    expect(new Set(records.map((record) => record.partitionKey)).size).toBe(700);
    expect(records.find((record) => record.partitionKey === 'comp_699')?.snapshot).toMatchObject({
      ...generateCompany(DEFAULT_DATASET.seed, 699),
      asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
  });

  it('runs as a command: serves, publishes on write and stops on SIGTERM with exit 0', async () => {
    // prepare
    const streamName = await createStream(kinesis, 'companies-serve');
    const service = await spawnService({
      entry: MAIN,
      args: ['--host', '127.0.0.1', '--port', '0', '--kinesis-endpoint', stack.endpoints.kinesis, '--region', stack.endpoints.region, '--companies-stream', streamName, '--size', '20', '--publish-on-write'],
      env: environment,
      readyPath: '/health',
    });

    // act
    const created = await sendJson(`${service.url}/api/v1/tenants`, 'POST', tenantFactory({ tenantID: 'acme' }));
    const exitCode = await service.stop('SIGTERM');

    // assess
    expect(created.status).toBe(201);
    expect(exitCode).toBe(0);
    expect(service.output()).toContain('"msg":"stopped"');
    expect((await readAll(kinesis, streamName)).map((record) => record.partitionKey)).toEqual(['acme']);
  });
});
